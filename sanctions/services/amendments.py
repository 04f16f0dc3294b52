"""Amending a live case (变更措施): adding measures of its memorandum and withdrawing measures, with a reason.

- An added measure goes out at once as a new push (one per department and target, keyed by the
  amendment: ``Assignment.amendment``) with its own deadlines, sign-for and feedback of each
  measure, notified as a push is; a ``feedback_complete`` case returns to ``executing``.
- A withdrawn measure leaves every live push that carried it. A push that keeps other measures goes
  on with them, and its department confirms the withdrawn one lifted (``MeasureLifting``, per
  measure); a push left with none goes to lifting as when a case ends, confirmed as a whole.
  Withdrawing may leave no push waiting for feedback: the case then completes.
- Only a live case (pushed, executing, feedback complete): a held case (objection being verified)
  is decided first (409), an ended one is over. A case keeps at least one measure (revoke it instead).

Locks (``sanctions.locks``): the case, then its assignments in id order.
"""
import datetime
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from credit_platform import calendar, notifications
from credit_platform.exceptions import IllegalTransition, available_transitions
from credit_platform.workflow import require
from sanctions import access, events
from sanctions.locks import lock_assignment, lock_case, lock_case_and_assignments
from sanctions.models import (
    LIVE_ASSIGNMENT_STATES,
    LIVE_CASE_STATES,
    Amendment,
    Assignment,
    CaseState,
    JointCase,
    Measure,
    MeasureLifting,
)
from sanctions.services.assignments import _complete_case_if_done
from sanctions.services.cases import _assignment_plan, _assignment_url, _create_assignments, _notify_pushed, measures_fitting


def _codes(measures) -> list[str]:
    return sorted(m.code for m in measures)


def _validate(case: JointCase, add: list[Measure], withdraw: list[Measure], reason: str) -> None:
    """The amendment's content, field by field (ValidationError), on the locked case."""
    errors = defaultdict(list)
    on_case = {m.pk for m in case.measures.all()}
    if not add and not withdraw:
        errors["add_measures"].append(_("Add or withdraw at least one measure."))
    fitting = {m.pk for m in measures_fitting(memorandum=case.memorandum, subject=case.subject)}
    foreign = [m.code for m in add if m.pk not in fitting]
    if foreign:
        errors["add_measures"].append(
            _("Not measures of this case's memorandum that fit the subject: %(codes)s.") % {"codes": ", ".join(foreign)}
        )
    present = [m.code for m in add if m.pk in on_case]
    if present:
        errors["add_measures"].append(_("Already measures of this case: %(codes)s.") % {"codes": ", ".join(present)})
    unreachable = [m.code for m in add if m.pk in fitting and m.pk not in on_case and not _assignment_plan(case, [m])]
    if unreachable:
        errors["add_measures"].append(
            _("These measures reach no one in this case (no responsible person recorded): %(codes)s.") % {"codes": ", ".join(unreachable)}
        )
    absent = [m.code for m in withdraw if m.pk not in on_case]
    if absent:
        errors["withdraw_measures"].append(_("Not measures of this case: %(codes)s.") % {"codes": ", ".join(absent)})
    both = [m.code for m in add if m.pk in {w.pk for w in withdraw}]
    if both:
        errors["withdraw_measures"].append(_("Both added and withdrawn: %(codes)s.") % {"codes": ", ".join(both)})
    if not absent and not errors["add_measures"] and on_case <= {m.pk for m in withdraw} and not add:
        errors["withdraw_measures"].append(_("A case keeps at least one measure: to end it, revoke it."))
    if not (reason or "").strip():
        errors["reason"].append(_("Give the reason for amending the case."))
    if any(errors.values()):
        raise ValidationError({field: messages for field, messages in errors.items() if messages})


@transaction.atomic(durable=True)
def case_amend(*, case: JointCase, actor, add_measures: list[Measure], withdraw_measures: list[Measure], reason: str) -> Amendment:
    """Add measures of the case's memorandum (new pushes) and withdraw measures (lifted per measure), with a reason."""
    case, assignments = lock_case_and_assignments(case.pk)
    require(access.can_manage_case(actor, case), _("Only the initiating department can amend this case."))
    if case.state not in LIVE_CASE_STATES:
        raise IllegalTransition(
            _("Only a live case (pushed, executing, feedback complete) can be amended; a held case is decided first."),
            state=case.state, allowed=available_transitions(case),
        )
    add, withdraw = list(dict.fromkeys(add_measures)), list(dict.fromkeys(withdraw_measures))
    _validate(case, add, withdraw, reason)
    reason = reason.strip()
    now = timezone.now()
    today = timezone.localdate(now)
    amendment = Amendment.objects.create(case=case, reason=reason, actor=actor, at=now)
    amendment.added.set(add)
    amendment.withdrawn.set(withdraw)
    previous = case.state

    pushed = _create_assignments(case, _assignment_plan(case, add), today=today, amendment=amendment) if add else []
    case.measures.add(*add)
    case.measures.remove(*withdraw)
    if pushed and case.state == CaseState.FEEDBACK_COMPLETE:
        case.reopen()
        case.save(update_fields=["state", "completed_at"])
    events.case_amended(
        case, actor, from_state=previous, to_state=case.state, reason=reason,
        extra={"amendment": amendment.pk, "added": _codes(add), "withdrawn": _codes(withdraw),
               "assignments": [{"id": a.pk, "department": a.department_id, "target": a.target_id} for a in pushed]},
    )
    for assignment in pushed:
        events.assignment_created(assignment, actor, to_state=assignment.state,
                                  extra={"case": case.number, "amendment": amendment.pk, "sign_for_due": assignment.sign_for_due,
                                         "feedback_due": assignment.feedback_due})
    if withdraw:
        _withdraw(case, amendment, withdraw, assignments, actor=actor, today=today)
        _complete_case_if_done(case, actor)
    _notify_pushed(case, pushed)
    return amendment


def _withdraw(case: JointCase, amendment: Amendment, withdraw: list[Measure], assignments: list[Assignment], *, actor, today) -> None:
    """Take the measures off every live push of the case that carries them (the pushes are locked)."""
    due = calendar.add_working_days(today, case.rule_set.lift_confirm_days)
    withdrawn_ids = {m.pk for m in withdraw}
    carried = defaultdict(list)
    for assignment_id, measure_id in Assignment.measures.through.objects.filter(
        assignment__in=[a.pk for a in assignments if a.state in LIVE_ASSIGNMENT_STATES],
    ).values_list("assignment_id", "measure_id"):
        carried[assignment_id].append(measure_id)
    by_id = {m.pk: m for m in withdraw}
    notices = []
    for assignment in assignments:
        own = carried.get(assignment.pk, [])
        leaving = [by_id[pk] for pk in own if pk in withdrawn_ids]
        if not leaving:
            continue
        if len(leaving) == len(own):
            # Nothing left to apply: the push is lifted as a whole, as when a case ends.
            previous = assignment.state
            assignment.lift(on=today, due=due.date)
            assignment.due_dates_provisional = assignment.due_dates_provisional or due.provisional
            assignment.save(update_fields=["state", "lift_opened_on", "lift_due", "due_dates_provisional"])
            events.assignment_lifting(assignment, actor, from_state=previous, to_state=assignment.state, reason=amendment.reason,
                                      extra={"amendment": amendment.pk, "withdrawn": _codes(leaving)})
            body = _("Every measure of your push was withdrawn (%(reason)s). Lift them and confirm by %(due)s.")
            verb = "assignment_lifting"
        else:
            MeasureLifting.objects.bulk_create([
                MeasureLifting(amendment=amendment, assignment=assignment, measure=m, opened_on=today, due=due.date,
                               due_provisional=due.provisional)
                for m in leaving
            ])
            assignment.measures.remove(*leaving)
            events.measure_withdrawn(assignment, actor, from_state=assignment.state, to_state=assignment.state, reason=amendment.reason,
                                     extra={"amendment": amendment.pk, "withdrawn": _codes(leaving), "lift_due": due.date})
            body = _("Withdrawn from your push (%(reason)s): lift these measures and confirm each by %(due)s.")
            verb = "measure_withdrawn"
        notices.append({
            "department_id": assignment.department_id,
            "verb": verb,
            "title": _("Measures withdrawn from case %(number)s: %(codes)s") % {"number": case.number, "codes": ", ".join(_codes(leaving))},
            "body": body % {"reason": amendment.reason, "due": due.date},
            "url": _assignment_url(assignment),
        })
    notifications.notify_many_on_commit(notices)


@transaction.atomic(durable=True)
def measure_lift_confirm(*, assignment: Assignment, actor, measure: Measure) -> MeasureLifting:
    """The executing department confirms a withdrawn measure lifted."""
    lock_case(assignment.case_id)
    assignment = lock_assignment(assignment.pk)
    require(access.can_work_assignment(actor, assignment), _("Only the executing department can confirm lifting."))
    lifting = MeasureLifting.objects.select_for_update().filter(assignment=assignment, measure=measure).first()
    if lifting is None:
        raise ValidationError({"measure": [_("This measure was not withdrawn from this push.")]})
    if lifting.is_confirmed:
        raise IllegalTransition(_("The lifting of this measure is already confirmed."), state=assignment.state,
                                allowed=available_transitions(assignment))
    now = timezone.now()
    lifting.confirmed_at, lifting.confirmed_by = now, actor
    lifting.confirmed_on_time = timezone.localdate(now) <= lifting.due
    lifting.save(update_fields=["confirmed_at", "confirmed_by", "confirmed_on_time"])
    events.measure_lift_confirmed(assignment, actor, from_state=assignment.state, to_state=assignment.state,
                                  extra={"measure": measure.code, "amendment": lifting.amendment_id, "on_time": lifting.confirmed_on_time})
    return lifting


def measure_liftings_recompute_provisional(year: int) -> int:
    """Recompute the confirm-by dates of withdrawn measures that were computed from a provisional
    calendar (registered with credit_platform.calendar, as the pushes' due dates are). Idempotent:
    from the day the lifting was notified, never shifted. Returns how many changed."""
    start = datetime.date(year - 1, 1, 1)  # a date in `year` may have been opened in the year before
    rows = MeasureLifting.objects.filter(due_provisional=True, opened_on__gte=start).order_by("pk").values_list("pk", "assignment__case_id")
    return sum(_measure_lifting_recompute_one(lifting_id, case_id, year) for lifting_id, case_id in rows.iterator())


@transaction.atomic(durable=True)
def _measure_lifting_recompute_one(lifting_id: int, case_id: int, year: int) -> bool:
    case = lock_case(case_id)
    lifting = MeasureLifting.objects.select_for_update().filter(pk=lifting_id, due_provisional=True).select_related("assignment", "measure").first()
    if lifting is None:
        return False
    due = calendar.current_calendar().add_working_days(lifting.opened_on, case.rule_set.lift_confirm_days)
    if (lifting.due, lifting.due_provisional) == (due.date, due.provisional):
        return False
    MeasureLifting.objects.filter(pk=lifting.pk).update(due=due.date, due_provisional=due.provisional)
    events.assignment_due_dates_recomputed(lifting.assignment, extra={"year": year, "measure": lifting.measure.code, "measure_lift_due": due.date})
    return True
