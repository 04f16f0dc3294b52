"""The black list holds only the national categories (国办发〔2020〕49号): the "other" domain is refused
for black entries when proposed (service, API, admin), imported and corrected; red and watch may use it."""
import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from lists import services
from lists.models import ListEntry
from tests.lists.conftest import BASIS, DECISION, days_ago
from tests.lists.test_import import csv_bytes, post, row
from tests.factories import make_uscc

RULE = "国办发〔2020〕49号"


def _proposal(world, **overrides) -> dict:
    data = {
        "subject": world.company.pk, "list_type": "black", "severity": "severe", "domain": "other",
        "basis": BASIS, "decision_number": DECISION, "decided_on": days_ago(40).isoformat(),
        "facts": "拒不履行生效判决", "exit_conditions": "履行判决义务", "remedies": "可依法申请复议或提起诉讼",
    }
    data.update(overrides)
    return data


def test_the_service_refuses_a_black_entry_in_the_other_domain(world):
    with pytest.raises(ValidationError) as refused:
        world.propose(domain="other")
    assert RULE in " ".join(refused.value.message_dict["domain"])
    assert not ListEntry.objects.exists()


def test_a_watch_entry_may_be_in_the_other_domain(world):
    entry = world.propose(list_type="watch", severity="general", domain="other")
    assert entry.domain == "other"


def test_the_api_answers_400_on_the_domain(world, api):
    response = api("court").post("/api/v1/list-entries/", _proposal(world), format="json")
    assert response.status_code == 400
    assert RULE in " ".join(response.json()["domain"])
    assert not ListEntry.objects.exists()


def test_the_admin_form_shows_the_refusal_on_the_domain(world, client):
    client.force_login(world.user("court"))
    response = client.post("/admin/lists/listentry/add/", _proposal(world))
    assert response.status_code == 200
    assert RULE in " ".join(response.context["adminform"].form.errors["domain"])
    assert not ListEntry.objects.exists()


def test_an_imported_black_row_in_the_other_domain_is_refused(world, api):
    rows = [
        row(make_uscc(71001, "620702"), "示范区其他领域有限公司", domain="other", number="（2026）甘0702执301号"),
        row(make_uscc(71002, "620702"), "示范区正常领域有限公司", number="（2026）甘0702执302号"),
    ]
    answer = post(api("court"), csv_bytes(rows), open_cases="false").json()
    assert answer["created"] == 1
    assert [(e["row"], e["field"]) for e in answer["errors"]] == [(2, "domain")]
    assert RULE in answer["errors"][0]["reason"]


def test_a_correction_cannot_move_a_black_entry_to_the_other_domain(world):
    entry = world.published()
    with pytest.raises(ValidationError) as refused, transaction.atomic():  # the objections service's transaction
        services.entry_correct(entry=entry, actor=world.user("court"), corrections={"domain": "other"}, reason="更正")
    assert RULE in " ".join(refused.value.message_dict["domain"])
    entry.refresh_from_db()
    assert entry.domain == "judicial"
