import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from credit_platform.exceptions import ApplicationError
from credit_platform.models import RuleSet
from credit_platform.rules import add_months
from lists.models import EntryState, RemovalReason
from repair import services
from repair.models import CommitmentBreach, RepairApplication, RepairState
from sanctions import services as case_services
from sanctions.models import AssignmentState, CaseState, JointCase
from tests.lists.conftest import days_ago
from tests.repair import documents as documents_module


def months_ago(n: int) -> datetime.date:
    return add_months(datetime.date.today(), -n)


def apply(world, entry, *, kinds=documents_module.ALL, **kwargs):
    values = {"evidence": "已全部履行判决义务，见执行结案通知书", "commitment_signed": True, "contact": "13900000000",
              "documents": documents_module.documents(kinds)}
    values.update(kwargs)
    return services.repair_apply(entry=entry, actor=world.user("court"), **values)


def test_severe_entry_decided_8_months_ago_is_refused_with_the_date(world):
    entry = world.published(severity="severe", decided_on=months_ago(8))
    with pytest.raises(ApplicationError) as exc:
        apply(world, entry)
    assert exc.value.extra["eligible_from"] == (add_months(entry.decided_on, 12) + datetime.timedelta(days=1)).isoformat()
    assert "12 months" in str(exc.value)


def test_severe_entry_decided_13_months_ago_is_approved_and_lifted(world, django_capture_on_commit_callbacks):
    entry = world.published(severity="severe", decided_on=months_ago(13))
    case = JointCase.objects.get(list_entry_id=entry.pk)
    case_services.case_push(case=case, actor=world.user("court"))
    application = apply(world, entry)
    assert application.state == RepairState.SUBMITTED and application.deciding_department.code == "court"
    with pytest.raises(PermissionDenied):
        services.repair_accept(application=application, actor=world.user("finance"))
    services.repair_accept(application=application, actor=world.user("court"))
    with django_capture_on_commit_callbacks(execute=True):
        services.repair_approve(application=application, actor=world.user("court"))
    entry.refresh_from_db()
    case.refresh_from_db()
    assert entry.state == EntryState.REMOVED and entry.removal_reason == RemovalReason.REPAIRED
    assert case.state == CaseState.REPAIRED
    assert set(case.assignments.values_list("state", flat=True)) == {AssignmentState.LIFTING}
    for assignment in case.assignments.select_related("department"):
        case_services.assignment_confirm_lift(assignment=assignment, actor=world.user(assignment.department.code))
    assert set(case.assignments.values_list("state", flat=True)) == {AssignmentState.LIFTED}


def test_general_minimum_is_three_months(world):
    early = world.published(severity="general", decided_on=months_ago(2), decision_number="（2026）甘0702执1号")
    with pytest.raises(ApplicationError) as exc:
        apply(world, early)
    assert exc.value.extra["eligible_from"] == (add_months(early.decided_on, 3) + datetime.timedelta(days=1)).isoformat()
    later = world.published(severity="general", decided_on=months_ago(4), decision_number="（2026）甘0702执2号")
    assert apply(world, later).state == RepairState.SUBMITTED


def test_minor_entry_can_be_repaired_at_once(world):
    RuleSet.objects.filter(code="order-36").update(minor_published=True)
    entry = world.published(severity="minor", decided_on=days_ago(20), notified_on=days_ago(18))
    assert entry.state == EntryState.PUBLISHED
    assert apply(world, entry).state == RepairState.SUBMITTED


def test_entry_decided_before_2026_04_01_is_judged_by_its_rule_set(world):
    # Under order-58 severe dishonesty needs no training proof; under order-36 it does.
    old = world.published(severity="severe", decided_on=datetime.date(2025, 6, 1), decision_number="（2025）甘0702执9号")
    assert old.rule_set.code == "order-58"
    filed = apply(world, old, kinds=("proof", "commitment"))
    assert filed.rule_set.code == "order-58" and filed.training_completed is False
    new = world.published(severity="severe", decided_on=datetime.date(2026, 4, 15), decision_number="（2026）甘0702执10号")
    assert new.rule_set.code == "order-36"
    with pytest.raises(ValidationError) as exc:
        apply(world, new, kinds=("proof", "commitment"))
    assert list(exc.value.message_dict) == ["documents"] and "“training”" in exc.value.message_dict["documents"][0]


def test_non_repairable_domain_and_breach_bar(world):
    entry = world.published(severity="general", decided_on=months_ago(6), domain="judicial")
    CommitmentBreach.objects.create(subject=entry.subject, kind=CommitmentBreach.Kind.BROKEN_COMMITMENT, occurred_on=months_ago(1))
    with pytest.raises(ApplicationError) as exc:
        apply(world, entry)
    assert exc.value.extra["eligible_from"] == add_months(months_ago(1), 36).isoformat()
    eligibility = services.repair_eligibility(entry=entry)
    assert not eligibility.eligible and len(eligibility.reasons) == 1


def test_incomplete_application_names_the_fields(world):
    entry = world.published(severity="severe", decided_on=months_ago(13))
    with pytest.raises(ValidationError) as exc:
        apply(world, entry, commitment_signed=False, evidence="")
    assert {"commitment_signed", "evidence"} <= set(exc.value.message_dict)


@pytest.mark.parametrize(("kinds", "missing"), [
    ((), ["proof", "commitment", "training"]),
    (("training",), ["proof", "commitment"]),
    (("proof", "training"), ["commitment"]),
])
def test_a_signed_commitment_ticked_without_its_documents_is_refused_naming_each_missing_kind(world, kinds, missing):
    entry = world.published(severity="severe", decided_on=datetime.date(2026, 4, 15))  # order 36: training asked for

    with pytest.raises(ValidationError) as exc:
        apply(world, entry, kinds=kinds, commitment_signed=True)

    messages = exc.value.message_dict["documents"]
    assert [kind for kind in documents_module.ALL if f"“{kind}”" in " ".join(messages)] == missing
    assert len(messages) == len(missing)
    assert not RepairApplication.objects.exists()


def test_the_documents_are_stored_with_their_kind_and_checked_type(world):
    entry = world.published(severity="severe", decided_on=months_ago(13))

    application = apply(world, entry)

    stored = [(d.kind, d.original_name, d.content_type, d.size) for d in application.documents.order_by("pk")]
    assert stored == [(kind, documents_module.NAMES[kind], "application/pdf", len(documents_module.PDF)) for kind in documents_module.ALL]
    assert application.commitment_signed and application.training_completed


def test_reject_with_false_materials_bars_a_new_application(world):
    entry = world.published(severity="severe", decided_on=months_ago(13))
    application = apply(world, entry)
    services.repair_accept(application=application, actor=world.user("court"))
    services.repair_reject(application=application, actor=world.user("court"), reason="履行证明系伪造", false_materials=True)
    with pytest.raises(ApplicationError) as exc:
        apply(world, entry)
    assert exc.value.extra["eligible_from"]


def test_provisional_deadlines_are_recomputed_with_the_extension_where_it_was_granted(world):
    """A deadline computed through a year the official calendar did not know is recomputed when
    that year's calendar changes; an extension counts only at the stage it was granted."""
    from credit_platform import calendar
    from credit_platform.models import AuditEvent

    extended_before = apply(world, world.published(severity="severe", decided_on=months_ago(13)))
    services.repair_extend(application=extended_before, actor=world.user("court"), reason="材料待补")
    services.repair_accept(application=extended_before, actor=world.user("court"))
    extended_after = apply(world, world.published(severity="severe", decided_on=months_ago(13), decision_number="（2026）甘0702执556号"))
    services.repair_accept(application=extended_after, actor=world.user("court"))
    services.repair_extend(application=extended_after, actor=world.user("court"), reason="需实地核查")
    firm = {a.pk: (a.answer_due, a.decide_due) for a in RepairApplication.objects.filter(pk__in=[extended_before.pk, extended_after.pk])}
    # As if computed before the year was known: guessed dates, flagged provisional.
    RepairApplication.objects.filter(pk__in=firm).update(decide_due=datetime.date(2020, 1, 1), due_dates_provisional=True)

    year = calendar.as_local_date(extended_before.created_at).year
    changed = services.repairs_recompute_provisional(year)
    again = services.repairs_recompute_provisional(year)

    assert (changed, again) == (2, 0)
    for application in RepairApplication.objects.filter(pk__in=firm):
        assert (application.answer_due, application.decide_due) == firm[application.pk]
        assert application.due_dates_provisional is False
    assert AuditEvent.objects.filter(action="repair_due_dates_recomputed").count() == 2
