"""Every write of assignments: signing for, feedback, return and reassignment, confirming the lifting.

Each service runs in its own durable transaction and locks the case, then the assignment.
"""
import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from credit_platform import calendar, notifications
from credit_platform.exceptions import IllegalTransition, available_transitions, transition_error
from credit_platform.workflow import require, run_transition
from sanctions import access, events
from sanctions.locks import lock_assignment, lock_case
from sanctions.models import Assignment, AssignmentState, CaseState, JointCase, Measure, MeasureFeedback, Outcome
from sanctions.services.cases import _case_url, _create_assignments, _notify_pushed, _Target


# --- assignments -------------------------------------------------------------------------------


def _lock_for_work(assignment: Assignment, actor, message: str) -> tuple[JointCase, Assignment]:
    case = lock_case(assignment.case_id)
    assignment = lock_assignment(assignment.pk)
    assignment.case = case  # the locked row, read once (the audit events name the push by its case)
    require(access.can_work_assignment(actor, assignment), message)
    return case, assignment


@transaction.atomic(durable=True)
def assignment_acknowledge(*, assignment: Assignment, actor) -> Assignment:
    """Sign for a push; the first sign-for moves the case to executing."""
    case, assignment = _lock_for_work(assignment, actor, _("Only the executing department can sign for this push."))
    previous = assignment.state
    now = timezone.now()
    run_transition(assignment, "acknowledge", at=now)
    today = timezone.localdate(now)
    assignment.sign_for_working_days = _working_days_taken(assignment, today)
    assignment.signed_for_on_time = today <= assignment.sign_for_due
    assignment.save(update_fields=["state", "acknowledged_at", "sign_for_working_days", "signed_for_on_time"])
    events.assignment_acknowledged(assignment, actor, from_state=previous, to_state=assignment.state)
    if case.state == CaseState.PUSHED:
        case.start_execution()
        case.save(update_fields=["state"])
        events.case_executing(case, actor, from_state=CaseState.PUSHED, to_state=case.state)
    return assignment


def _working_days_taken(assignment: Assignment, today) -> int:
    """Working days since the push, less the working days an objection held it."""
    return max(calendar.working_days_between(assignment.pushed_on, today) - assignment.suspended_working_days, 0)


@dataclass
class FeedbackItem:
    measure: Measure
    outcome: str
    note: str = ""
    occurred_on: datetime.date | None = None
    business_reference: str = ""


def _validate_items(assignment: Assignment, items: list[FeedbackItem], *, require_all: bool) -> None:
    own = {m.pk: m for m in assignment.measures.all()}
    errors = []
    seen = set()
    for index, item in enumerate(items):
        if item.measure.pk not in own:
            errors.append(_("Item %(n)d: measure %(code)s is not part of this assignment.") % {"n": index + 1, "code": item.measure.code})
        elif item.measure.pk in seen:
            errors.append(_("Item %(n)d: measure %(code)s is answered twice.") % {"n": index + 1, "code": item.measure.code})
        seen.add(item.measure.pk)
        if item.outcome not in Outcome.values:
            errors.append(_("Item %(n)d: unknown outcome '%(outcome)s'.") % {"n": index + 1, "outcome": item.outcome})
        elif item.outcome != Outcome.APPLIED and not (item.note or "").strip():
            errors.append(_("Item %(n)d: give the reason when a measure is not applicable or failed.") % {"n": index + 1})
        if item.occurred_on and item.occurred_on > timezone.localdate():
            errors.append(_("Item %(n)d: the date cannot be in the future.") % {"n": index + 1})
    if require_all:
        missing = [m.code for pk, m in sorted(own.items()) if pk not in seen]
        if missing:
            errors.append(_("Every measure must be answered; missing: %(codes)s.") % {"codes": ", ".join(missing)})
    if not items:
        errors.append(_("Give at least one item."))
    if errors:
        raise ValidationError({"items": errors})


def _store_feedback(assignment, items, actor, source) -> list[MeasureFeedback]:
    today = timezone.localdate()
    return MeasureFeedback.objects.bulk_create(
        [
            MeasureFeedback(
                assignment=assignment, measure=item.measure, outcome=item.outcome, note=(item.note or "").strip(),
                occurred_on=item.occurred_on or today, business_reference=item.business_reference or "",
                source=source, recorded_by=actor,
            )
            for item in items
        ]
    )


def _complete_case_if_done(case: JointCase, actor) -> None:
    """Move the case to feedback_complete when no assignment still waits for feedback (the case row is locked)."""
    if case.state != CaseState.EXECUTING:
        return
    states = set(
        Assignment.objects.filter(case=case, state__in=[AssignmentState.PENDING, AssignmentState.ACKNOWLEDGED, AssignmentState.FED_BACK])
        .order_by().values_list("state", flat=True).distinct()
    )  # one read for both questions
    waiting = bool(states & {AssignmentState.PENDING, AssignmentState.ACKNOWLEDGED})
    fed_back = AssignmentState.FED_BACK in states
    if waiting or not fed_back:
        return
    case.complete_feedback(at=timezone.now())
    case.save(update_fields=["state", "completed_at"])
    events.case_feedback_complete(case, actor, from_state=CaseState.EXECUTING, to_state=case.state)
    notifications.notify_many_on_commit(
        [{
            "department_id": case.initiating_department_id,
            "verb": "case_feedback_complete",
            "title": _("Every department has fed back on case %(number)s") % {"number": case.number},
            "url": _case_url(case),
        }]
    )


@transaction.atomic(durable=True)
def assignment_feedback(*, assignment: Assignment, actor, items: list[FeedbackItem]) -> Assignment:
    """Feed back every measure of the assignment; the last one completes the case."""
    case, assignment = _lock_for_work(assignment, actor, _("Only the executing department can feed back on this push."))
    if assignment.state == AssignmentState.ACKNOWLEDGED:
        _validate_items(assignment, items, require_all=True)
    previous = assignment.state
    now = timezone.now()
    run_transition(assignment, "feedback", at=now)
    today = timezone.localdate(now)
    assignment.feedback_working_days = _working_days_taken(assignment, today)
    assignment.fed_back_on_time = today <= assignment.feedback_due
    assignment.save(update_fields=["state", "fed_back_at", "feedback_working_days", "fed_back_on_time"])
    records = _store_feedback(assignment, items, actor, MeasureFeedback.Source.FEEDBACK)
    events.assignment_fed_back(
        assignment, actor, from_state=previous, to_state=assignment.state,
        extra={"items": [{"measure": r.measure.code, "outcome": r.outcome, "note": r.note, "reference": r.business_reference} for r in records]},
    )
    _complete_case_if_done(case, actor)
    return assignment


@transaction.atomic(durable=True)
def assignment_record_feedback(*, assignment: Assignment, actor, items: list[FeedbackItem], source: str = MeasureFeedback.Source.LATER) -> list[MeasureFeedback]:
    """A later record on a fed-back assignment, each time a measure bites (a bid refused, a permit held back)."""
    case, assignment = _lock_for_work(assignment, actor, _("Only the executing department can record feedback on this push."))
    if case.state == CaseState.SUSPENDED or assignment.state != AssignmentState.FED_BACK:
        raise IllegalTransition(
            _("Further feedback can be recorded only on a fed-back push of a live case."),
            state=assignment.state, allowed=available_transitions(assignment),
        )
    _validate_items(assignment, items, require_all=False)
    records = _store_feedback(assignment, items, actor, source)
    events.assignment_feedback_recorded(
        assignment, actor, from_state=assignment.state, to_state=assignment.state,
        extra={"source": source, "items": [{"measure": r.measure.code, "outcome": r.outcome, "note": r.note, "reference": r.business_reference} for r in records]},
    )
    return records


@transaction.atomic(durable=True)
def assignment_return(*, assignment: Assignment, actor, reason: str) -> Assignment:
    """Return a push the department is not competent for; the initiating department reassigns it."""
    case, assignment = _lock_for_work(assignment, actor, _("Only the executing department can return this push."))
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say why your department is not competent for this push.")]})
    previous = assignment.state
    run_transition(assignment, "return_", at=timezone.now(), reason=reason.strip())
    assignment.save(update_fields=["state", "returned_at", "return_reason"])
    events.assignment_returned(assignment, actor, from_state=previous, to_state=assignment.state, reason=reason)
    notifications.notify_many_on_commit(
        [{
            "department_id": case.initiating_department_id,
            "verb": "assignment_returned",
            "title": _("Push of case %(number)s returned by %(department)s") % {"number": case.number, "department": assignment.department.name},
            "body": reason,
            "url": _case_url(case),
        }]
    )
    return assignment


@transaction.atomic(durable=True)
def assignment_reassign(*, assignment: Assignment, actor, department) -> Assignment:
    """Give a returned push to another executing department (the initiating department decides)."""
    case = lock_case(assignment.case_id)
    assignment = lock_assignment(assignment.pk)
    require(access.can_manage_case(actor, case), _("Only the initiating department can reassign this push."))
    if assignment.state != AssignmentState.RETURNED:
        raise transition_error(assignment, "state", "reassign")
    if assignment.reassignments.exists():
        raise IllegalTransition(_("This returned push has already been reassigned."), state=assignment.state, allowed=[])
    if case.state not in (CaseState.PUSHED, CaseState.EXECUTING, CaseState.FEEDBACK_COMPLETE):
        raise transition_error(case, "state", "reassign")
    errors = []
    if not department.is_executing or not department.is_active:
        errors.append(_("%(department)s is not an executing department.") % {"department": department.name})
    elif department.pk == assignment.department_id:
        errors.append(_("This department returned the push; choose another one."))
    elif Assignment.objects.filter(case=case, department=department, target=assignment.target).exists():
        errors.append(_("%(department)s already has a push of this case for this subject.") % {"department": department.name})
    if errors:
        raise ValidationError({"department": errors})
    # The measures still on the case (an amendment may have withdrawn some since the return).
    measures = list(assignment.measures.filter(pk__in=case.measures.values("pk")))
    if not measures:
        raise ValidationError({"department": [_("Every measure of this push has been withdrawn from the case: nothing to reassign.")]})
    plan = {_Target(department.pk, assignment.target_id, assignment.target_role): measures}
    (new,) = _create_assignments(case, plan, today=timezone.localdate(), reassigned_from=assignment)
    events.assignment_created(new, actor, to_state=new.state, extra={"case": case.number, "reassigned_from": assignment.pk})
    events.assignment_reassigned(assignment, actor, from_state=assignment.state, to_state=assignment.state,
                                 extra={"to_department": department.code, "new_assignment": new.pk})
    if case.state == CaseState.FEEDBACK_COMPLETE:
        case.reopen()
        case.save(update_fields=["state", "completed_at"])
        events.case_reopened(case, actor, from_state=CaseState.FEEDBACK_COMPLETE, to_state=case.state)
    _notify_pushed(case, [new])
    return new


@transaction.atomic(durable=True)
def assignment_confirm_lift(*, assignment: Assignment, actor) -> Assignment:
    case, assignment = _lock_for_work(assignment, actor, _("Only the executing department can confirm lifting."))
    previous = assignment.state
    now = timezone.now()
    run_transition(assignment, "confirm_lift", at=now)
    assignment.lift_confirmed_on_time = timezone.localdate(now) <= assignment.lift_due
    assignment.save(update_fields=["state", "lifted_at", "lift_confirmed_on_time"])
    events.assignment_lifted(assignment, actor, from_state=previous, to_state=assignment.state)
    return assignment


@transaction.atomic(savepoint=False)
def assignment_urged(*, assignment: Assignment) -> int:
    """Count one urge (督办) of a push: ``urge_count`` + 1, the column the dashboard's scorecard
    sums (and its tally trigger watches). The caller (``supervision.services.urge_send``) holds the
    case and assignment locks, in ``sanctions.locks``' order, and records the urge and its audit event
    in the same transaction; the push's state and transitions are not touched. Returns the new count."""
    Assignment.objects.filter(pk=assignment.pk).update(urge_count=F("urge_count") + 1)
    assignment.urge_count = Assignment.objects.filter(pk=assignment.pk).values_list("urge_count", flat=True).get()
    return assignment.urge_count
