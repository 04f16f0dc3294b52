"""Every write of joint cases and assignments.

Each top-level service runs in one transaction, locks the rows it moves (the case first, then its
assignments, always in id order, so two services never deadlock), calls the django-fsm transition,
saves, writes one audit event per changed object and schedules notifications after commit.
"""
import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from credit_platform import calendar, notifications
from credit_platform.exceptions import IllegalTransition, available_transitions, transition_error
from credit_platform.models import ResponsiblePerson, Subject
from credit_platform.rules import rule_set_in_force
from credit_platform.workflow import entry_point, lock_rows, require, run_transition
from sanctions import access, events
from sanctions.locks import lock_assignment, lock_case, lock_case_and_assignments
from sanctions.models import (
    Assignment,
    AssignmentGroupObjectPermission,
    AssignmentState,
    CaseNumberCounter,
    CaseState,
    JointCase,
    JointCaseGroupObjectPermission,
    Measure,
    MeasureFeedback,
    Memorandum,
    Outcome,
)

ENDING_ACTIONS = {"repaired": "mark_repaired", "expired": "expire", "revoked": "revoke"}


def _case_url(case) -> str:
    return f"/admin/sanctions/jointcase/{case.pk}/change/"


def _assignment_url(assignment) -> str:
    return f"/admin/sanctions/assignment/{assignment.pk}/change/"


# --- catalogue helpers ---------------------------------------------------------------------------


def measures_fitting(*, memorandum: Memorandum, subject: Subject) -> list[Measure]:
    """The memorandum's active measures that fit the subject: by its kind, or — for an
    organisation — through its responsible persons (落实到人)."""
    fitting = []
    for measure in memorandum.measures.filter(is_active=True).select_related("department").order_by("code"):
        if measure.fits(subject.kind) or (subject.is_organisation and measure.reaches_responsible_persons):
            fitting.append(measure)
    return fitting


def _next_case_number(year: int) -> str:
    CaseNumberCounter.objects.bulk_create([CaseNumberCounter(year=year)], ignore_conflicts=True)
    # Lock the year's counter so two cases never get one number.
    counter = CaseNumberCounter.objects.select_for_update().get(year=year)
    counter.last = F("last") + 1
    counter.save(update_fields=["last"])
    counter.refresh_from_db(fields=["last"])
    return f"LJ-{year}-{counter.last:06d}"


def _grant_case(case: JointCase, group_ids, codename: str) -> None:
    perm_id = access.permission_id(JointCase, codename)
    JointCaseGroupObjectPermission.objects.bulk_create(
        [JointCaseGroupObjectPermission(content_object=case, group_id=gid, permission_id=perm_id) for gid in group_ids],
        ignore_conflicts=True,
    )


# --- cases -----------------------------------------------------------------------------------------


@transaction.atomic(savepoint=False)
def case_create_in_transaction(
    *,
    actor,
    subject: Subject,
    kind: str,
    memorandum: Memorandum,
    basis: str,
    period_start: datetime.date,
    period_end: datetime.date,
    measures: list[Measure] | None = None,
    basis_document: str = "",
    list_entry=None,
    initiating_department=None,
    skip_initiator_check: bool = False,
) -> JointCase:
    """Open a draft case for the actor's department.

    A published list entry opens its case for the entry's identifying department
    (``initiating_department``), which identified the subject under the memorandum of the entry's
    list and domain: lists.services passes ``skip_initiator_check`` after deciding who may publish.
    """
    department = initiating_department or getattr(actor, "department", None)
    require(department is not None, _("Only a user of a department can open a case."))
    if not skip_initiator_check:
        require(access.can_initiate(actor, memorandum), _("Your department does not initiate cases under this memorandum."))
    measures = _case_content_validate(
        subject=subject, kind=kind, memorandum=memorandum, basis=basis, period_start=period_start, period_end=period_end,
        measures=measures,
    )

    now = timezone.now()
    case = JointCase(
        number=_next_case_number(timezone.localdate(now).year),
        kind=kind,
        subject=subject,
        basis=basis.strip(),
        basis_document=basis_document,
        memorandum=memorandum,
        initiating_department=department,
        created_by=actor,
        rule_set=rule_set_in_force(period_start),
        period_start=period_start,
        period_end=period_end,
    )
    if list_entry is not None:
        case.list_entry = list_entry
    case.save()
    case.measures.set(measures)
    _grant_case(case, [department.group_id], "manage_jointcase")
    events.case_created(
        case, actor, to_state=case.state,
        extra={"subject": subject.identifier, "memorandum": memorandum.code, "measures": [m.code for m in measures]},
    )
    return case


case_create = entry_point(case_create_in_transaction)


def _case_content_validate(*, subject, kind, memorandum, basis, period_start, period_end, measures) -> list[Measure]:
    """What a case says (basis, period, measures of its memorandum that fit the subject); returns
    the measures (all that fit when None), or raises ValidationError by field."""
    errors = defaultdict(list)
    if memorandum.kind != kind:
        errors["memorandum"].append(_("This memorandum is for a different kind of case."))
    if not memorandum.is_active:
        errors["memorandum"].append(_("This memorandum is no longer in force."))
    if not (basis or "").strip():
        errors["basis"].append(_("State the basis of the case."))
    if period_start and period_end and period_end < period_start:
        errors["period_end"].append(_("The period cannot end before it starts."))
    fitting = measures_fitting(memorandum=memorandum, subject=subject)
    if measures is None:
        measures = fitting
    else:
        foreign = [m.code for m in measures if m not in fitting]
        if foreign:
            errors["measures"].append(
                _("Not measures of this memorandum that fit the subject: %(codes)s.") % {"codes": ", ".join(foreign)}
            )
    if not measures:
        errors["measures"].append(_("Choose at least one measure."))
    if errors:
        raise ValidationError(dict(errors))
    return list(measures)


@transaction.atomic(durable=True)
def case_draft_update(
    *, case: JointCase, actor, basis: str, period_start: datetime.date, period_end: datetime.date,
    measures: list[Measure], basis_document: str = "",
) -> JointCase:
    """Correct a draft before it is initiated: its basis, period and measures (the subject and the
    memorandum stay; open another case for another). Audited with what changed."""
    case = lock_case(case.pk)
    require(access.can_manage_case(actor, case), _("Only the initiating department can edit this case."))
    if case.state != CaseState.DRAFT:
        raise IllegalTransition(
            _("Only a draft can be edited: once initiated, its basis, measures and period are fixed."),
            state=case.state, allowed=available_transitions(case),
        )
    measures = _case_content_validate(
        subject=case.subject, kind=case.kind, memorandum=case.memorandum, basis=basis, period_start=period_start,
        period_end=period_end, measures=measures,
    )
    before = {
        "basis": case.basis, "basis_document": case.basis_document, "period_start": case.period_start.isoformat(),
        "period_end": case.period_end.isoformat(), "measures": sorted(case.measures.values_list("code", flat=True)),
    }
    case.basis, case.basis_document = basis.strip(), (basis_document or "").strip()
    case.period_start, case.period_end = period_start, period_end
    case.rule_set = rule_set_in_force(period_start)
    case.save(update_fields=["basis", "basis_document", "period_start", "period_end", "rule_set"])
    case.measures.set(measures)
    after = {
        "basis": case.basis, "basis_document": case.basis_document, "period_start": period_start.isoformat(),
        "period_end": period_end.isoformat(), "measures": sorted(m.code for m in measures),
    }
    changes = {field: [before[field], after[field]] for field in before if before[field] != after[field]}
    if changes:
        events.case_draft_edited(case, actor, from_state=case.state, to_state=case.state, extra={"changes": changes})
    return case


@transaction.atomic(savepoint=False)
def case_initiate_in_transaction(*, case: JointCase, actor) -> JointCase:
    case = lock_case(case.pk)
    require(access.can_manage_case(actor, case), _("Only the initiating department can initiate this case."))
    previous = case.state
    run_transition(case, "initiate", at=timezone.now())
    case.save(update_fields=["state", "initiated_at"])
    events.case_initiated(case, actor, from_state=previous, to_state=case.state)
    return case


case_initiate = entry_point(case_initiate_in_transaction)


@transaction.atomic(durable=True)
def case_discard(*, case: JointCase, actor, reason: str = "") -> JointCase:
    case = lock_case(case.pk)
    require(access.can_manage_case(actor, case), _("Only the initiating department can discard this case."))
    previous = case.state
    run_transition(case, "discard", at=timezone.now(), reason=reason)
    case.save(update_fields=["state", "ended_at", "end_reason"])
    events.case_discarded(case, actor, from_state=previous, to_state=case.state, reason=reason)
    return case


@dataclass(frozen=True)
class _Target:
    department_id: int
    subject_id: int
    role: str


def _assignment_plan(case: JointCase) -> dict[_Target, list[Measure]]:
    """Which department gets which measures for which target (the subject, or its responsible persons)."""
    subject = case.subject
    persons = []
    if subject.is_organisation:
        persons = list(ResponsiblePerson.objects.filter(organisation=subject).order_by("role", "person_id").values_list("person_id", "role"))
    plan: dict[_Target, list[Measure]] = defaultdict(list)
    for measure in case.measures.select_related("department").order_by("code"):
        if measure.fits(subject.kind):
            plan[_Target(measure.department_id, subject.pk, "")].append(measure)
        if subject.is_organisation and measure.reaches_responsible_persons:
            for person_id, role in persons:
                plan[_Target(measure.department_id, person_id, role)].append(measure)
    return plan


def _create_assignments(case: JointCase, plan: dict[_Target, list[Measure]], *, today, reassigned_from=None) -> list[Assignment]:
    rules = case.rule_set
    sign_for = calendar.add_working_days(today, rules.sign_for_days)
    feedback = calendar.add_working_days(today, rules.feedback_days)
    assignments = [
        Assignment(
            case=case, department_id=t.department_id, target_id=t.subject_id, target_role=t.role,
            pushed_on=today, sign_for_due=sign_for.date, feedback_due=feedback.date,
            due_dates_provisional=sign_for.provisional or feedback.provisional, reassigned_from=reassigned_from,
        )
        for t in plan
    ]
    # Bulk insert inside the push transaction: a pushed case always has its assignments, and the
    # unique (case, department, target) constraint makes any repeat fail rather than duplicate.
    Assignment.objects.bulk_create(assignments)
    through = Assignment.measures.through
    through.objects.bulk_create(
        [through(assignment_id=a.pk, measure_id=m.pk) for a, measures in zip(assignments, plan.values(), strict=True) for m in measures]
    )
    work_perm = access.permission_id(Assignment, "work_assignment")
    departments = {d.pk: d for d in _departments([t.department_id for t in plan])}
    AssignmentGroupObjectPermission.objects.bulk_create(
        [AssignmentGroupObjectPermission(content_object=a, group_id=departments[a.department_id].group_id, permission_id=work_perm) for a in assignments]
    )
    viewers = {departments[t.department_id].group_id for t in plan} - {case.initiating_department.group_id}
    _grant_case(case, viewers, "view_jointcase")
    return assignments


def _departments(ids):
    from credit_platform.models import Department

    return Department.objects.filter(pk__in=set(ids))


def _notify_pushed(case: JointCase, assignments: list[Assignment]) -> None:
    notifications.notify_many_on_commit(
        [
            {
                "department_id": a.department_id,
                "verb": "assignment_pushed",
                "title": _("New push: case %(number)s") % {"number": case.number},
                "body": _("Sign for it by %(sign_for)s and feed back by %(feedback)s.") % {"sign_for": a.sign_for_due, "feedback": a.feedback_due},
                "url": _assignment_url(a),
            }
            for a in assignments
        ]
    )


@transaction.atomic(savepoint=False)
def case_push_in_transaction(*, case: JointCase, actor) -> JointCase:
    """Push the case: one assignment per executing department and target, in this transaction."""
    case = lock_case(case.pk)
    require(access.can_manage_case(actor, case), _("Only the initiating department can push this case."))
    previous = case.state
    now = timezone.now()
    run_transition(case, "push", at=now)
    plan = _assignment_plan(case)
    if not plan:
        raise ValidationError({"measures": [_("No measure of this case can be pushed to a department.")]})
    case.save(update_fields=["state", "pushed_at"])
    assignments = _create_assignments(case, plan, today=timezone.localdate(now))
    events.case_pushed(
        case, actor, from_state=previous, to_state=case.state,
        extra={"assignments": [{"id": a.pk, "department": a.department_id, "target": a.target_id} for a in assignments]},
    )
    for assignment in assignments:
        events.assignment_created(assignment, actor, to_state=assignment.state,
                     extra={"case": case.number, "sign_for_due": assignment.sign_for_due, "feedback_due": assignment.feedback_due})
    _notify_pushed(case, assignments)
    return case


case_push = entry_point(case_push_in_transaction)


@transaction.atomic(savepoint=False)
def case_revoke_in_transaction(*, case: JointCase, actor, reason: str, check_permission: bool = True) -> JointCase:
    """Revoke the case; its measures are lifted and every department confirms. Who may revoke is
    decided on the locked case (an upheld objection passes ``check_permission=False``)."""
    case = lock_case(case.pk)
    if check_permission:
        require(access.can_manage_case(actor, case), _("Only the initiating department can revoke this case."))
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason for revoking the case.")]})
    return case_end_in_transaction(case=case, actor=actor, how="revoked", reason=reason.strip())


case_revoke = entry_point(case_revoke_in_transaction)


@transaction.atomic(savepoint=False)
def case_end_in_transaction(*, case: JointCase, actor, how: str, reason: str = "") -> JointCase:
    """End a case (repaired | expired | revoked): every live or held assignment goes to lifting.

    Called by repair approval, the expiry scan, revocation and an upheld objection.
    """
    case = lock_case(case.pk)
    previous = case.state
    now = timezone.now()
    kwargs = {"at": now}
    if how in ("repaired", "revoked"):
        kwargs["reason"] = reason
    run_transition(case, ENDING_ACTIONS[how], **kwargs)
    case.save(update_fields=["state", "ended_at", "end_reason"] if how != "expired" else ["state", "ended_at"])
    events.CASE_ENDED[how](case, actor, from_state=previous, to_state=case.state, reason=reason)
    _lift_assignments(case, actor=actor, today=timezone.localdate(now), reason=reason)
    return case


case_end = entry_point(case_end_in_transaction)


def _lift_assignments(case: JointCase, *, actor, today, reason: str) -> None:
    due = calendar.add_working_days(today, case.rule_set.lift_confirm_days)
    lifted = []
    for assignment in Assignment.objects.select_for_update().filter(
        case=case, state__in=[AssignmentState.PENDING, AssignmentState.ACKNOWLEDGED, AssignmentState.FED_BACK, AssignmentState.SUSPENDED]
    ).order_by("pk"):
        previous = assignment.state
        assignment.lift(on=today, due=due.date)
        assignment.due_dates_provisional = assignment.due_dates_provisional or due.provisional
        assignment.save(update_fields=["state", "lift_opened_on", "lift_due", "due_dates_provisional"])
        events.assignment_lifting(assignment, actor, from_state=previous, to_state=assignment.state, reason=reason)
        lifted.append(assignment)
    notifications.notify_many_on_commit(
        [
            {
                "department_id": a.department_id,
                "verb": "assignment_lifting",
                "title": _("Lift the measures of case %(number)s") % {"number": case.number},
                "body": _("The case has ended (%(state)s). Lift the measures and confirm by %(due)s.") % {"state": case.get_state_display(), "due": due.date},
                "url": _assignment_url(a),
            }
            for a in lifted
        ]
    )


@transaction.atomic(savepoint=False)
def case_suspend(*, case: JointCase, actor, reason: str = "") -> JointCase:
    """Hold the case and every live assignment while an objection is verified (暂不执行)."""
    case, _assignments = lock_case_and_assignments(case.pk)
    previous = case.state
    now = timezone.now()
    run_transition(case, "suspend", at=now)
    case.save(update_fields=["state", "state_before_suspension", "suspended_at"])
    events.case_suspended(case, actor, from_state=previous, to_state=case.state, reason=reason)
    held = []
    for assignment in Assignment.objects.select_for_update().filter(case=case, state__in=[AssignmentState.PENDING, AssignmentState.ACKNOWLEDGED, AssignmentState.FED_BACK]).order_by("pk"):
        before = assignment.state
        assignment.suspend(on=timezone.localdate(now))
        assignment.save(update_fields=["state", "state_before_suspension", "suspended_on"])
        events.assignment_suspended(assignment, actor, from_state=before, to_state=assignment.state, reason=reason)
        held.append(assignment)
    notifications.notify_many_on_commit(
        [
            {
                "department_id": a.department_id,
                "verb": "assignment_suspended",
                "title": _("Hold the measures of case %(number)s") % {"number": case.number},
                "body": _("An objection is being verified: do not apply the measures until you are told to resume."),
                "url": _assignment_url(a),
            }
            for a in held
        ]
    )
    return case


@transaction.atomic(savepoint=False)
def case_resume(*, case: JointCase, actor, reason: str = "") -> JointCase:
    """Resume a held case exactly as it was; due dates move by the working days it was held."""
    case, _assignments = lock_case_and_assignments(case.pk)
    previous = case.state
    run_transition(case, "resume")
    case.save(update_fields=["state", "state_before_suspension", "suspended_at"])
    events.case_resumed(case, actor, from_state=previous, to_state=case.state, reason=reason)
    today = timezone.localdate()
    resumed = []
    for assignment in Assignment.objects.select_for_update().filter(case=case, state=AssignmentState.SUSPENDED).order_by("pk"):
        held_days = calendar.working_days_between(assignment.suspended_on, today)
        assignment.resume()
        assignment.suspended_working_days += held_days
        if held_days:
            assignment.sign_for_due = calendar.add_working_days(assignment.sign_for_due, held_days).date
            assignment.feedback_due = calendar.add_working_days(assignment.feedback_due, held_days).date
        assignment.save(update_fields=["state", "state_before_suspension", "suspended_on", "suspended_working_days", "sign_for_due", "feedback_due"])
        events.assignment_resumed(assignment, actor, from_state=AssignmentState.SUSPENDED, to_state=assignment.state,
                     reason=reason, extra={"held_working_days": held_days})
        resumed.append(assignment)
    notifications.notify_many_on_commit(
        [
            {
                "department_id": a.department_id,
                "verb": "assignment_resumed",
                "title": _("Resume the measures of case %(number)s") % {"number": case.number},
                "body": _("The objection was decided; apply the measures again. New feedback due date: %(due)s.") % {"due": a.feedback_due},
                "url": _assignment_url(a),
            }
            for a in resumed
        ]
    )
    return case


# --- assignments -------------------------------------------------------------------------------


def _lock_for_work(assignment: Assignment, actor, message: str) -> tuple[JointCase, Assignment]:
    case = lock_case(assignment.case_id)
    assignment = lock_assignment(assignment.pk)
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
    waiting = Assignment.objects.filter(case=case, state__in=[AssignmentState.PENDING, AssignmentState.ACKNOWLEDGED]).exists()
    fed_back = Assignment.objects.filter(case=case, state=AssignmentState.FED_BACK).exists()
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
    plan = {_Target(department.pk, assignment.target_id, assignment.target_role): list(assignment.measures.all())}
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


# --- periodic work -------------------------------------------------------------------------------


def cases_expire_due(*, today: datetime.date | None = None, batch_size: int = 500) -> int:
    """End every live case whose period has ended; each in its own transaction. Returns how many."""
    today = today or timezone.localdate()
    expired = 0
    ids = list(JointCase.objects.filter(state__in=[CaseState.PUSHED, CaseState.EXECUTING, CaseState.FEEDBACK_COMPLETE], period_end__lt=today)
               .order_by("pk").values_list("pk", flat=True)[:batch_size])
    for case_id in ids:
        try:
            case_end(case=JointCase(pk=case_id), actor=None, how="expired", reason=_("The period of the measures has ended."))
        except IllegalTransition:  # moved meanwhile (suspended, revoked): the next scan decides again
            continue
        expired += 1
    return expired


# --- bulk push -----------------------------------------------------------------------------------

BULK_PUSH_BATCH = 50


@transaction.atomic(durable=True)
def bulk_push_request(*, actor, case_ids: list[int]):
    """Queue a push of many cases; Celery tasks push them in batches after commit."""
    from sanctions.models import BulkPushJob
    from sanctions.tasks import bulk_push_batch_task

    ids = sorted({int(i) for i in case_ids})
    if not ids:
        raise ValidationError({"cases": [_("Choose at least one case.")]})
    visible = set(access.cases_for_user(actor).filter(pk__in=ids).values_list("pk", flat=True))
    unknown = [i for i in ids if i not in visible]
    if unknown:
        raise ValidationError({"cases": [_("Unknown cases: %(ids)s.") % {"ids": ", ".join(map(str, unknown[:20]))}]})
    job = BulkPushJob.objects.create(requested_by=actor, case_ids=ids, total=len(ids))
    events.bulk_push_requested(job, actor, extra={"cases": len(ids)})
    for start in range(0, len(ids), BULK_PUSH_BATCH):
        batch = ids[start:start + BULK_PUSH_BATCH]
        transaction.on_commit(lambda batch=batch: bulk_push_batch_task.delay(job.pk, batch))
    return job


def bulk_push_batch(*, job_id: int, case_ids: list[int]) -> None:
    """Push one batch of a bulk job, each case in its own transaction; a repeat pushes nothing twice."""
    from sanctions.models import BulkPushJob

    job = BulkPushJob.objects.select_related("requested_by__department").get(pk=job_id)
    actor = job.requested_by
    pushed = skipped = 0
    errors = {}
    for case_id in case_ids:
        try:
            outcome = _bulk_push_one(case_id, actor)
        except (IllegalTransition, PermissionDenied, ValidationError) as exc:
            errors[str(case_id)] = str(getattr(exc, "detail", None) or getattr(exc, "messages", None) or exc)
            continue
        if outcome == "missing":
            errors[str(case_id)] = _("No such case.")
        elif outcome == "pushed":
            pushed += 1
        else:
            skipped += 1  # already pushed (a redelivered batch) or not ready: nothing to do
    with transaction.atomic():
        # Lock the job so concurrent batches add up their counts correctly.
        job = BulkPushJob.objects.select_for_update().get(pk=job_id)
        job.pushed += pushed
        job.skipped += skipped
        job.errors = {**job.errors, **errors}
        done = job.pushed + job.skipped + len(job.errors) >= job.total
        job.state = BulkPushJob.State.DONE if done else BulkPushJob.State.RUNNING
        job.finished_at = timezone.now() if done else None
        job.save(update_fields=["pushed", "skipped", "errors", "state", "finished_at"])


@transaction.atomic(durable=True)
def _bulk_push_one(case_id: int, actor) -> str:
    """Push one case of a bulk job: ``pushed``, ``skipped`` or ``missing``. Its state is read under
    the case lock, so a batch delivered twice at once pushes each case once and skips it once."""
    try:
        case = lock_case(case_id)
    except JointCase.DoesNotExist:
        return "missing"
    if case.state != CaseState.INITIATED:
        return "skipped"
    case_push_in_transaction(case=case, actor=actor)
    return "pushed"


def deadlines_notify_overdue(*, today: datetime.date | None = None) -> int:
    """Notify each department once a day of how many of its assignments are overdue."""
    from sanctions.selectors import overdue_q

    today = today or timezone.localdate()
    counts = (
        Assignment.objects.filter(overdue_q(today)).values_list("department_id").annotate(n=models.Count("pk")).order_by("department_id")
    )
    return notifications.notify_daily_counts(
        counts=counts, verb="assignments_overdue", today=today,
        title=lambda n: _("%(n)d pushes are overdue") % {"n": n}, url="/admin/sanctions/assignment/?overdue=yes",
    )


def assignments_recompute_provisional(year: int) -> int:
    """Recompute the due dates that were computed from a provisional calendar (registered with
    credit_platform.calendar). Idempotent: recomputed from the opening dates, never shifted. Each
    assignment is locked (after its case) and its new dates and their audit event written in one
    transaction. Returns how many changed."""
    start = datetime.date(year - 1, 1, 1)  # a due date in `year` may have been opened in the year before
    candidates = Assignment.objects.filter(due_dates_provisional=True, pushed_on__gte=start)
    changed, last_pk = 0, 0
    while rows := list(candidates.filter(pk__gt=last_pk).order_by("pk").values_list("pk", "case_id")[:500]):
        last_pk = rows[-1][0]
        changed += sum(_assignment_recompute_one(assignment_id, case_id, year, candidates) for assignment_id, case_id in rows)
    return changed


@transaction.atomic(durable=True)
def _assignment_recompute_one(assignment_id: int, case_id: int, year: int, candidates) -> bool:
    """Recompute one assignment's due dates under the lock of its case, then its own (still provisional: checked again)."""
    case = lock_case(case_id)
    locked = lock_rows(candidates.filter(pk=assignment_id))
    if not locked:
        return False
    assignment = locked[0]
    cal = calendar.current_calendar()
    rules = case.rule_set
    held = assignment.suspended_working_days
    sign_for = cal.add_working_days(assignment.pushed_on, rules.sign_for_days + held)
    feedback = cal.add_working_days(assignment.pushed_on, rules.feedback_days + held)
    provisional = sign_for.provisional or feedback.provisional
    fields = {"sign_for_due": sign_for.date, "feedback_due": feedback.date}
    if assignment.lift_opened_on:
        lift = cal.add_working_days(assignment.lift_opened_on, rules.lift_confirm_days)
        fields["lift_due"] = lift.date
        provisional = provisional or lift.provisional
    fields["due_dates_provisional"] = provisional
    if all(getattr(assignment, f) == v for f, v in fields.items()):
        return False
    Assignment.objects.filter(pk=assignment.pk).update(**fields)
    events.assignment_due_dates_recomputed(assignment, extra={"year": year, **fields})
    return True
