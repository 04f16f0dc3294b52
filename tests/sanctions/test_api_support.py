"""Shared helpers of the sanctions API tests (no tests here): clients acting as the demo users, bodies."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from sanctions.models import Measure

API = "/api/v1"
COMPANY = "91620702MAQJWYL7XF"  # 示范区金川建筑工程有限公司, legal representative 王建国
REPRESENTATIVE = "620702197804128519"
OTHER_COMPANIES = ["91620702MA55TH2835", "91620702MAUCCP508N", "91620702MAL23DL45K", "91620702MAP3MR1488"]


@pytest.fixture
def api(world):
    """``api("court")``: an API client acting as the demo user ``court``; ``api(None)``: anonymous."""

    def make(username):
        client = APIClient()
        if username is not None:
            client.force_authenticate(world.user(username))
        return client

    return make


def case_body(world, **overrides) -> dict:
    body = {
        "subject": world.company.pk,
        "kind": "punishment",
        "memorandum": world.memorandum("judgement-defaulters").pk,
        "basis": "（2026）甘0702执123号 失信被执行人",
        "basis_document": "（2026）甘0702执123号",
        "period_start": "2026-11-01",
        "period_end": "2029-10-31",
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


def feedback_items(assignment_body: dict, outcome: str = "applied", **fields) -> list[dict]:
    """One item per measure of the push, as the API shows it."""
    return [{"measure": m["id"], "outcome": outcome, **fields} for m in assignment_body["measures"]]


def measure_id(code: str) -> int:
    return Measure.objects.get(code=code).pk


def count_queries(client, url) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries), response.json()
