"""The embedded default (``make run``: SQLite, tasks in process) still works: a fresh database
migrated (pytest-django creates it with the migrations), ``seed_demo``, a case's whole life over the
API, the public query and the dashboard pages (which read no tallies on SQLite).

Run on its own: ``pytest --ds=credit_platform.settings.sqlite_smoke tests/sqlite_smoke``."""
import datetime
import html
import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from credit_platform.models import Subject, User
from lists import services as list_services
from sanctions import services as case_services
from sanctions.models import CaseState, Memorandum
from supervision import tallies

API = "/api/v1"
COMPANY = "91620702MAQJWYL7XF"  # 示范区金川建筑工程有限公司
DECISION = "（2026）甘0702执777号"

LIST_LINK = re.compile(r'<a href="(/dashboard/list/\?[^"]+)">(\d+)</a>')

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def api(username: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(User.objects.get(username=username))
    return client


def test_it_runs_on_sqlite_without_tallies(seeded):
    assert connection.vendor == "sqlite"
    assert not tallies.enabled()
    assert User.objects.filter(username="court").exists()


def test_a_case_from_draft_to_feedback_complete_over_the_api(seeded):
    court = api("court")
    subject = court.get(f"{API}/subjects/", {"identifier": COMPANY}).json()["results"][0]

    created = court.post(f"{API}/cases/", {
        "subject": subject["id"], "kind": "punishment", "memorandum_code": "judgement-defaulters",
        "basis": "（2026）甘0702执123号 失信被执行人", "basis_document": "（2026）甘0702执123号",
        "period_start": "2026-11-01", "period_end": "2029-10-31",
    }, format="json", HTTP_IDEMPOTENCY_KEY="smoke-create")
    assert created.status_code == 201, created.content
    case_url = f"{API}/cases/{created.json()['id']}/"

    edited = court.patch(case_url, {"period_end": "2029-09-30"}, format="json", HTTP_IDEMPOTENCY_KEY="smoke-edit")
    assert edited.status_code == 200, edited.content
    assert court.post(f"{case_url}initiate/").json()["state"] == CaseState.INITIATED
    pushed = court.post(f"{case_url}push/")
    assert pushed.status_code == 200, pushed.content
    pushes = pushed.json()["assignments"]
    assert pushes

    for department in sorted({p["department"] for p in pushes}):
        client = api(department)
        own = client.get(f"{API}/assignments/", {"case": pushed.json()["id"], "department": department}).json()["results"]
        for assignment in own:
            url = f"{API}/assignments/{assignment['id']}/"
            assert client.post(f"{url}acknowledge/").status_code == 200
            items = [{"measure": m["id"], "outcome": "applied", "business_reference": f"REF-{department}"} for m in assignment["measures"]]
            fed = client.post(f"{url}feedback/", {"items": items}, format="json")
            assert fed.status_code == 200, fed.content

    assert court.get(case_url).json()["state"] == CaseState.FEEDBACK_COMPLETE


def test_the_public_query_finds_a_published_entry(seeded):
    court = User.objects.get(username="court")
    entry = list_services.entry_propose(
        actor=court, subject=Subject.objects.get(identifier=COMPANY), list_type="black", severity="severe",
        domain="judicial", basis="《最高人民法院关于公布失信被执行人名单信息的若干规定》第一条",
        decision_number=DECISION, decided_on=days_ago(40),
        facts="拒不履行判决", exit_conditions="履行判决义务", remedies="可申请复议或诉讼",
    )
    entry = list_services.entry_notify(entry=entry, actor=court, method="direct service", notified_on=days_ago(30))
    list_services.entry_publish(entry=entry, actor=court)

    page = Client().get("/credit/", {"q": COMPANY})

    assert page.status_code == 200
    assert DECISION in page.content.decode()
    assert Client().get("/credit/", {"q": "没有这家公司"}).status_code == 200


def test_the_dashboard_pages_answer_and_count_without_tallies(seeded):
    court = User.objects.get(username="court")
    case = case_services.case_create(
        actor=court, subject=Subject.objects.get(identifier=COMPANY), kind="punishment",
        memorandum=Memorandum.objects.get(code="judgement-defaulters"), basis="（2026）甘0702执123号 失信被执行人",
        basis_document="（2026）甘0702执123号", period_start=datetime.date(2026, 11, 1), period_end=datetime.date(2029, 10, 31),
    )
    case_services.case_initiate(case=case, actor=court)
    case_services.case_push(case=case, actor=court)
    client = Client()
    client.force_login(User.objects.get(username="leader"))

    for page in ["", "scorecard/", "initiators/", "objections-repairs/", "escalations/", "reports/",
                 "list/?kind=assignments&figure=received"]:
        response = client.get(f"/dashboard/{page}")
        assert response.status_code == 200, (page, response.status_code)
    links = LIST_LINK.findall(client.get("/dashboard/").content.decode())
    assert any(int(count) > 0 for _url, count in links)
    for url, _count in links[:10]:
        assert client.get(html.unescape(url)).status_code == 200, url
