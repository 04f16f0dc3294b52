"""The credit check's records, breached commitments, clean_since and green_channel (DESIGN.md
"Contract details", RULES.md "Green channel")."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from credit_platform import demo
from credit_platform.rules import add_months
from records import services as record_services
from records.models import CreditRecord, RecordState, RecordType
from tests.lists.conftest import ListWorld
from tests.checks.test_credit_check import statements
from tests.sanctions.test_api_support import API, COMPANY, api  # noqa: F401 (fixture)

CHECK = f"{API}/credit-check/"


@pytest.fixture
def world(db):
    demo.seed()
    return ListWorld()


def check(api, username="finance"):
    response = api(username).get(CHECK, {"identifier": COMPANY})
    assert response.status_code == 200, response.json()
    return response.json()


def penalty(world, *, number, severity="general", removed_days_ago=None, reason="expired"):
    """A published penalty of the company; removed ``removed_days_ago`` days ago with ``reason`` when given."""
    record = record_services.record_create(
        actor=world.user("market"), subject=world.company, record_type=RecordType.objects.get(code="administrative-penalty"),
        decision_number=number, decided_on=timezone.localdate() - datetime.timedelta(days=3), severity=severity, domain="food_drug",
        basis="《中华人民共和国食品安全法》第一百二十四条",
        content={"violation_type": "超范围使用食品添加剂", "facts": "抽检不合格", "penalty_content": "警告"}, publish=True,
    )
    if removed_days_ago is not None:
        CreditRecord.objects.filter(pk=record.pk).update(
            state=RecordState.REMOVED, removal_reason=reason,
            removed_at=timezone.now() - datetime.timedelta(days=removed_days_ago),
        )
    return record


def breach(world, *, matter="施工许可（告知承诺制）"):
    commitment = record_services.commitment_create(
        actor=world.user("housing"), subject=world.company, kind="notice_commitment", matter=matter, promised="三个月内补齐安全生产许可证",
    )
    return record_services.commitment_breach(commitment=commitment, actor=world.user("housing"), reason="逾期未补齐，核查不实")


def test_an_untouched_company_is_in_the_green_channel(api, world):
    body = check(api)
    assert (body["green_channel"], body["clean_since"], body["records"], body["commitments_breached"]) == (True, None, [], [])


def test_a_breached_commitment_shows_and_closes_the_green_channel(api, world):
    commitment = breach(world)
    body = check(api)
    assert [(row["id"], row["matter"], row["department"]) for row in body["commitments_breached"]] == [
        (commitment.pk, "施工许可（告知承诺制）", "housing")]
    assert [row["record_type"] for row in body["records"]] == ["commitment-breach"]  # its published dishonesty record
    assert (body["green_channel"], body["clean_since"]) == (False, None)
    # Repaired: it ends on its repair, and the 3 years run from the day after.
    CreditRecord.objects.filter(pk=commitment.breach_record_id).update(
        state=RecordState.REMOVED, removal_reason="repaired", removed_at=timezone.now() - datetime.timedelta(days=10))
    body = check(api)
    assert body["clean_since"] == (timezone.localdate() - datetime.timedelta(days=9)).isoformat()
    assert body["green_channel"] is False


def test_penalties_general_or_severe_count_for_three_years_after_they_end(api, world):
    penalty(world, number="甘示市监处罚〔2026〕1号", severity="minor")  # a minor penalty never disqualifies
    assert check(api)["green_channel"] is True
    live = penalty(world, number="甘示市监处罚〔2026〕2号")
    body = check(api)
    assert (body["green_channel"], body["clean_since"]) == (False, None)
    assert "甘示市监处罚〔2026〕2号" in {row["decision_number"] for row in body["records"]}
    CreditRecord.objects.filter(pk=live.pk).update(state=RecordState.REMOVED, removal_reason="revoked", removed_at=timezone.now())
    assert check(api)["green_channel"] is True  # revoked: found wrong, as if never decided
    ended = penalty(world, number="甘示市监处罚〔2022〕3号", removed_days_ago=800)
    body = check(api)
    assert body["clean_since"] == (timezone.localdate(ended_removed_at(ended)) + datetime.timedelta(days=1)).isoformat()
    assert body["green_channel"] is False  # ended only 800 days ago
    CreditRecord.objects.filter(pk=ended.pk).update(removed_at=timezone.now() - datetime.timedelta(days=3 * 366 + 1))
    body = check(api)
    assert body["green_channel"] is True
    assert datetime.date.fromisoformat(body["clean_since"]) <= add_months(timezone.localdate(), -36)


def ended_removed_at(record):
    return CreditRecord.objects.get(pk=record.pk).removed_at


def test_a_live_black_entry_closes_it_and_a_red_listed_subject_with_nothing_live_qualifies_at_once(api, world):
    ended = penalty(world, number="甘示市监处罚〔2025〕9号", removed_days_ago=100)
    assert check(api)["green_channel"] is False
    world.published(list_type="red", actor="tax", domain="tax", decision_number="甘示税红〔2026〕1号")
    body = check(api)
    assert (body["green_channel"], body["clean_since"]) == (True, (timezone.localdate(ended_removed_at(ended)) + datetime.timedelta(days=1)).isoformat())
    world.published(decision_number="（2026）甘0702执99号")  # a black entry, live
    body = check(api)
    assert (body["green_channel"], body["clean_since"]) == (False, None)


def test_the_check_stays_bounded_whatever_the_records_and_commitments(api, world):
    for n in range(4):
        penalty(world, number=f"甘示市监处罚〔2026〕{10 + n}号", removed_days_ago=10 * n if n else None)
        breach(world, matter=f"承诺事项{n}")
    client = api("finance")
    client.get(CHECK, {"identifier": COMPANY})
    with CaptureQueriesContext(connection) as queries:
        body = client.get(CHECK, {"identifier": COMPANY}).json()
    assert len(body["commitments_breached"]) == 4
    kinds = statements(queries)
    assert len(kinds["SELECT"]) <= 3 and len(kinds["INSERT"]) == 1, kinds
