"""过惩相当: a case's period may not run past the maximum publication period of its own severity (the
rule set in force on its start); a reward without severity keeps the 20-year date window."""
import datetime

import pytest
from django.core.exceptions import ValidationError

from sanctions import services
from sanctions.models import JointCase
from tests.sanctions.test_api_support import API, api, case_body  # noqa: F401 (fixture)


def test_a_2026_to_2060_case_is_refused_naming_the_end_and_the_limit(world, api):
    response = api("court").post(f"{API}/cases/", case_body(world, period_start="2026-11-01", period_end="2060-10-31"), format="json")

    assert response.status_code == 400
    message = " ".join(response.json()["period_end"])
    # A severe dishonesty (the default of a punishment) under order-36: 36 months from 2026-11-01.
    assert "2029-11-01" in message and "2060-10-31" in message
    assert not JointCase.objects.exists()


@pytest.mark.parametrize(
    ("severity", "last_day", "refused_day"),
    [
        ("minor", datetime.date(2027, 2, 1), datetime.date(2027, 2, 2)),  # 3 months
        ("general", datetime.date(2027, 11, 1), datetime.date(2027, 11, 2)),  # 1 year
        ("severe", datetime.date(2029, 11, 1), datetime.date(2029, 11, 2)),  # 3 years
    ],
)
def test_the_case_may_run_to_its_severitys_maximum_and_no_further(world, severity, last_day, refused_day):
    def open_case(period_end):
        return services.case_create(
            actor=world.user("court"), subject=world.company, kind="punishment", memorandum=world.memorandum("judgement-defaulters"),
            basis="判决", period_start=datetime.date(2026, 11, 1), period_end=period_end, severity=severity,
        )

    with pytest.raises(ValidationError) as refused:
        open_case(refused_day)
    assert last_day.isoformat() in " ".join(refused.value.message_dict["period_end"])
    assert open_case(last_day).period_end == last_day


def test_the_rule_set_of_the_start_decides(world):
    # Before 2026-04-01 (order-58) a general dishonesty is also published for at most a year.
    with pytest.raises(ValidationError):
        services.case_create(
            actor=world.user("court"), subject=world.company, kind="punishment", memorandum=world.memorandum("judgement-defaulters"),
            basis="判决", period_start=datetime.date(2026, 3, 1), period_end=datetime.date(2027, 3, 2), severity="general",
        )


def test_a_draft_cannot_be_stretched_past_the_limit(world, api):
    case = world.defaulter_case()

    response = api("court").patch(f"{API}/cases/{case.pk}/", {"period_end": "2030-06-30"}, format="json")

    assert response.status_code == 400
    assert "2029-11-01" in " ".join(response.json()["period_end"])
    case.refresh_from_db()
    assert case.period_end == datetime.date(2029, 10, 31)


def test_a_reward_without_severity_keeps_the_twenty_year_window(world):
    case = services.case_create(
        actor=world.user("tax"), subject=world.company, kind="reward", memorandum=world.memorandum("a-grade-taxpayers"),
        basis="A级纳税人", period_start=datetime.date(2026, 11, 1), period_end=datetime.date(2036, 10, 31),
    )
    assert case.severity == "" and case.period_end == datetime.date(2036, 10, 31)
    with pytest.raises(ValidationError) as refused:
        services.case_create(
            actor=world.user("tax"), subject=world.company, kind="reward", memorandum=world.memorandum("a-grade-taxpayers"),
            basis="A级纳税人", period_start=datetime.date(2026, 11, 1), period_end=datetime.date(2046, 11, 2),
        )
    assert "20" in " ".join(refused.value.message_dict["period_end"])


def test_a_case_opened_from_an_entry_takes_its_end_and_fits(db):
    from tests.lists.conftest import ListWorld
    from credit_platform import demo

    demo.seed()
    world = ListWorld()
    entry = world.published(severity="general")
    case = JointCase.objects.get(list_entry_id=entry.pk)
    assert (case.severity, case.period_start, case.period_end) == ("general", entry.decided_on, entry.publication_ends_on)
