"""Credit records: who enters them, what they carry, their 双公示 date, punctuality, the minor
penalty, the periods that end them, and the clock an objection stops."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from credit_platform.exceptions import IllegalTransition
from credit_platform.models import AuditEvent, Notification
from records import services
from records.models import CreditRecord
from tests.dashboard.conftest import on_day
from tests.records.conftest import LICENCE_NUMBER, PENALTY_NUMBER

FRIDAY = datetime.date(2026, 11, 13)  # + 7 working days: Tuesday 24 November
DUE = datetime.date(2026, 11, 24)


def test_only_a_providing_department_records_under_a_type(world):
    with pytest.raises(PermissionDenied):
        world.penalty(actor="court")  # the court does not provide administrative penalties

    record = world.penalty()

    assert (record.department.code, record.state, record.domain) == ("market", "draft", "food_drug")
    assert AuditEvent.objects.filter(object_id=str(record.pk), action="record_created").exists()


def test_a_consent_needing_type_refuses_a_record_without_the_consent_reference(world):
    tax_arrears = world.type("tax-arrears")
    values = dict(
        actor=world.user("tax"), subject=world.company, record_type=tax_arrears, decision_number="甘示税通〔2026〕3号",
        decided_on=FRIDAY, content={"tax_category": "增值税", "tax_amount": "120000"},
    )

    with pytest.raises(ValidationError) as exc:
        services.record_create(**values)
    assert "consent_reference" in exc.value.message_dict

    record = services.record_create(**values, consent_reference="授权书 2026-017")
    assert (record.consent_reference, record.domain) == ("授权书 2026-017", "tax")


def test_the_content_follows_the_types_fields(world):
    with pytest.raises(ValidationError) as exc:
        world.penalty(content={"violation_type": "超范围经营", "blood_type": "A"})

    messages = " ".join(exc.value.message_dict["content"])
    assert "blood_type" in messages and "facts" in messages  # unknown field refused, required fields asked for


def test_a_penalty_needs_its_severity_and_the_same_decision_is_entered_once(world):
    with pytest.raises(ValidationError) as exc:
        world.penalty(severity="")
    assert "severity" in exc.value.message_dict
    world.penalty()

    with pytest.raises(ValidationError) as exc:
        world.penalty()
    assert "decision_number" in exc.value.message_dict


def test_licensing_and_penalties_are_due_seven_working_days_after_the_decision(world):
    with on_day(FRIDAY):
        penalty = world.penalty(decided_on=FRIDAY)
        licence = world.licence(decided_on=FRIDAY)

    assert (penalty.publication_due, licence.publication_due) == (DUE, DUE)
    assert not penalty.publication_due_provisional


def test_a_due_date_through_a_year_the_calendar_does_not_know_is_provisional_and_recomputed(world):
    from credit_platform import calendar

    day = datetime.date(2026, 12, 28)  # + 7 working days runs into 2027, not yet in the calendar
    with on_day(day):
        record = world.penalty(decided_on=day)
    assert record.publication_due_provisional

    # The year's arrangement is entered: 4 January 2027 off (as an example); the date is recomputed, audited.
    calendar.calendar_override_set(date=datetime.date(2027, 1, 4), is_working_day=False, note="调休", actor=world.user("credit_office"))
    before = record.publication_due
    changed = services.records_recompute_publication_due(2027)

    record.refresh_from_db()
    assert changed == 1
    assert record.publication_due == before + datetime.timedelta(days=1)
    assert AuditEvent.objects.filter(object_id=str(record.pk), action="record_publication_due_recomputed").exists()
    assert services.records_recompute_publication_due(2027) == 0


@pytest.mark.parametrize("published_on, on_time", [(DUE, True), (DUE + datetime.timedelta(days=1), False)])
def test_publishing_counts_on_time_or_late(world, published_on, on_time):
    with on_day(FRIDAY):
        record = world.penalty(decided_on=FRIDAY)

    with on_day(published_on):
        record = services.record_publish(record=record, actor=world.user("market"))

    assert (record.state, record.published_on, record.published_on_time) == ("published", published_on, on_time)


def test_publish_at_once_when_the_department_says_so(world):
    record = world.licence(publish=True)

    assert record.state == "published" and record.published_on_time is True
    assert AuditEvent.objects.filter(object_id=str(record.pk), action="record_published").exists()


def test_a_minor_penalty_has_no_due_date_and_is_published_on_request_for_three_months_at_most(world):
    decided = datetime.date(2026, 11, 2)
    record = world.penalty(severity="minor", decided_on=decided)

    assert record.publication_due is None and record.publication_ends_on == datetime.date(2027, 2, 2)
    assert not CreditRecord.objects.filter(pk=record.pk, publication_due__isnull=False).exists()

    record = services.record_publish(record=record, actor=world.user("market"))

    assert record.state == "published"
    assert record.published_on_time is None  # not counted for punctuality
    assert record.publication_ends_on == datetime.date(2027, 2, 2)


@pytest.mark.parametrize("severity, repair_from, ends_on", [
    ("general", datetime.date(2026, 8, 3), datetime.date(2027, 5, 2)),
    ("severe", datetime.date(2027, 5, 3), datetime.date(2029, 5, 2)),
])
def test_penalty_publicity_ends_by_severity_under_the_rule_set(world, severity, repair_from, ends_on, django_capture_on_commit_callbacks):
    record = world.penalty(severity=severity, decided_on=datetime.date(2026, 5, 2), publish=True)

    assert (record.repair_possible_from, record.publication_ends_on, record.rule_set.code) == (repair_from, ends_on, "order-36")
    assert services.records_expire_due(today=ends_on) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.records_expire_due(today=ends_on + datetime.timedelta(days=1)) == 1

    record.refresh_from_db()
    assert (record.state, record.removal_reason) == ("removed", "expired")
    assert Notification.objects.filter(verb="record_expired", department__code="market").exists()


def test_a_licence_ends_at_its_validity_or_after_three_years(world):
    decided = datetime.date(2026, 3, 10)
    valid = world.licence(decided_on=decided, valid_until=datetime.date(2026, 12, 31), publish=False)
    default = world.licence(decided_on=decided, decision_number="甘示市监许可〔2026〕89号")
    forever = world.licence(decided_on=decided, decision_number="甘示市监许可〔2026〕90号", valid_until=datetime.date(2099, 12, 31))

    assert valid.publication_ends_on == datetime.date(2026, 12, 31)
    assert default.publication_ends_on == datetime.date(2029, 3, 10)
    for record in (valid, default, forever):
        services.record_publish(record=record, actor=world.user("market"))

    assert services.records_expire_due(today=datetime.date(2027, 1, 1)) == 1
    assert services.records_expire_due(today=datetime.date(2029, 3, 11)) == 1
    assert services.records_expire_due(today=datetime.date(2099, 12, 31)) == 0
    assert CreditRecord.objects.get(pk=forever.pk).state == "published"


def test_a_record_whose_publication_has_ended_is_not_published(world):
    record = world.licence(decided_on=datetime.date(2026, 1, 5), valid_until=datetime.date(2026, 6, 30))

    with pytest.raises(IllegalTransition):
        services.record_publish(record=record, actor=world.user("market"))
    with pytest.raises(ValidationError) as exc:
        world.licence(decided_on=datetime.date(2026, 1, 5), valid_until=datetime.date(2026, 6, 30), decision_number="X-1", publish=True)
    assert "publish" in exc.value.message_dict


def test_another_department_cannot_publish_or_remove(world):
    record = world.penalty()

    with pytest.raises(PermissionDenied):
        services.record_publish(record=record, actor=world.user("tax"))
    with pytest.raises(PermissionDenied):
        services.record_remove(record=record, actor=world.user("tax"), reason="revoked")
    record = services.record_remove(record=record, actor=world.user("credit_office"), reason="revoked", note="撤销")
    assert (record.state, record.removal_reason) == ("removed", "revoked")


def test_suspension_stops_the_clock_and_resumption_moves_the_end(world):
    from django.db import transaction

    record = world.penalty(decided_on=datetime.date(2026, 11, 2), publish=True)
    ends, repair_from = record.publication_ends_on, record.repair_possible_from
    with transaction.atomic():
        services.record_suspend(record=record, actor=world.user("market"), today=datetime.date(2026, 11, 16))  # Monday
    with transaction.atomic():
        record = services.record_resume(record=record, actor=world.user("market"), today=datetime.date(2026, 11, 23))  # a week: 5 working days

    assert (record.state, record.held_working_days) == ("published", 5)
    assert record.publication_ends_on == datetime.date(2027, 11, 9)  # 2 November 2027 (Tuesday) + 5 working days
    assert record.repair_possible_from > repair_from and ends == datetime.date(2027, 11, 2)


def test_the_daily_notice_tells_the_department_of_records_past_or_near_their_date(world, django_capture_on_commit_callbacks):
    with on_day(datetime.date(2026, 11, 2)):
        world.penalty(decided_on=datetime.date(2026, 11, 2))  # due 11 November
    with on_day(datetime.date(2026, 11, 20)):
        world.licence(decided_on=datetime.date(2026, 11, 20))  # due 1 December
        world.penalty(severity="minor", decision_number="M-1", decided_on=datetime.date(2026, 11, 20))  # never due

    with on_day(datetime.date(2026, 11, 30)):
        with django_capture_on_commit_callbacks(execute=True):
            told = services.records_publication_overdue_notify()
        with django_capture_on_commit_callbacks(execute=True):
            again = services.records_publication_overdue_notify()

    assert (told, again) == (2, 0)
    overdue = Notification.objects.get(verb="records_publication_overdue")
    soon = Notification.objects.get(verb="records_publication_due_soon")
    assert overdue.department.code == soon.department.code == "market"
    assert overdue.title.startswith("1 ") and soon.title.startswith("1 ")


def test_the_done_when_flow_the_market_bureau_records_a_penalty_and_a_licence(world):
    penalty = world.penalty(decision_number=PENALTY_NUMBER)
    licence = world.licence(decision_number=LICENCE_NUMBER, subject=world.company)

    assert {penalty.record_type.kind, licence.record_type.kind} == {"penalty", "licensing"}
