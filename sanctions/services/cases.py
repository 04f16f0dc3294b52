"""Every write of joint cases: opening, initiating, pushing (one assignment per department and
target), ending, holding and resuming.

Each entry point runs in its own durable transaction and locks the rows it moves (``sanctions.locks``:
the case first, then its assignments, in id order); the ``*_in_transaction`` services run inside their
caller's (lists opens, pushes and ends cases inside its own).
"""
import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from credit_platform import calendar, dates, notifications, origins
from credit_platform.domains import MeasureKind, Severity
from credit_platform.exceptions import IllegalTransition, available_transitions
from credit_platform.models import ResponsiblePerson, Subject
from credit_platform.rules import publication_bounds, rule_set_in_force
from credit_platform.workflow import entry_point, require, run_transition
from sanctions import access, events
from sanctions.exchange_items import case_ended
from sanctions.locks import lock_case, lock_case_and_assignments
from sanctions.models import (
    Assignment,
    AssignmentGroupObjectPermission,
    AssignmentState,
    CaseNumberCounter,
    CaseState,
    JointCase,
    JointCaseGroupObjectPermission,
    Measure,
    Memorandum,
)
from credit_platform.models import Department


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
    list_entry: "int | origins.CaseOrigin | None" = None,
    severity: str | None = None,
    initiating_department=None,
    skip_initiator_check: bool = False,
) -> JointCase:
    """Open a draft case for the actor's department.

    A published list entry opens its case for the entry's identifying department
    (``initiating_department``), which identified the subject under the memorandum of the entry's
    list and domain: lists.services passes ``skip_initiator_check`` after deciding who may publish.

    ``list_entry``: the entry the case rests on, as the CaseOrigin lists built, or an id that lists
    checks for the actor (credit_platform.origins). The case copies its severity; without an entry
    the case takes ``severity`` (default: severe for a punishment, none for a reward).
    """
    department = initiating_department or getattr(actor, "department", None)
    require(department is not None, _("Only a user of a department can open a case."))
    if not skip_initiator_check:
        require(access.can_initiate(actor, memorandum), _("Your department does not initiate cases under this memorandum."))
    origin, severity = _case_origin_validate(actor=actor, subject=subject, kind=kind, list_entry=list_entry, severity=severity)
    measures = _case_content_validate(
        subject=subject, kind=kind, memorandum=memorandum, basis=basis, period_start=period_start, period_end=period_end,
        measures=measures, severity=severity, origin_ends_on=origin.ends_on if origin else None,
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
        list_entry_id=origin.pk if origin else None,
        severity=severity,
    )
    case.save()
    case.measures.set(measures)
    _grant_case(case, [department.group_id], "manage_jointcase")
    events.case_created(
        case, actor, to_state=case.state,
        extra={"subject": subject.identifier, "memorandum": memorandum.code, "measures": [m.code for m in measures]},
    )
    return case


case_create = entry_point(case_create_in_transaction)


def _case_origin_validate(*, actor, subject, kind, list_entry, severity) -> tuple["origins.CaseOrigin | None", str]:
    """The checked origin of a new case and its severity (the origin's, else the one chosen), or ValidationError by field."""
    if list_entry is None:
        severity = (Severity.SEVERE if kind == MeasureKind.PUNISHMENT else "") if severity is None else severity
        if severity not in Severity.values and (severity or kind == MeasureKind.PUNISHMENT):
            raise ValidationError({"severity": [_("Choose the severity: %(choices)s.") % {"choices": ", ".join(Severity.values)}]})
        return None, severity
    if isinstance(list_entry, origins.CaseOrigin):
        origin = list_entry
    else:
        try:
            origin = origins.case_origin_resolve(origins.LIST_ENTRY, list_entry, user=actor, case_kind=kind)
        except ValidationError as exc:
            raise ValidationError({"list_entry": exc.messages}) from None
    if origin.subject_id != subject.pk:
        raise ValidationError({"list_entry": [_("This list entry is about another subject.")]})
    if severity not in (None, "", origin.severity):
        raise ValidationError({"severity": [_("A case resting on a list entry takes the entry's severity (%(severity)s).") % {"severity": origin.severity}]})
    return origin, origin.severity


def period_limit_refusal(*, severity: str, period_start, period_end, origin_ends_on=None) -> str:
    """Why a case of ``severity`` may not run from ``period_start`` to ``period_end`` ("" when it may).

    过惩相当 (RULES.md, joint measures): no longer than the maximum publication period of its own
    severity under the rule set in force on its start (the decision date), or than the entry it
    rests on (whose end objection holds may have moved). A case without severity (a reward) keeps
    only the general date window (credit_platform.dates).
    """
    if not (severity and period_start and period_end):
        return ""
    rule_set = rule_set_in_force(period_start)
    _minimum, limit = publication_bounds(rule_set, severity, period_start)
    if origin_ends_on is not None and origin_ends_on > limit:
        limit = origin_ends_on
    if period_end <= limit:
        return ""
    return _(
        "The measures may not run past %(limit)s: a %(severity)s dishonesty is published for at most %(months)d months under "
        "the rule set %(rule_set)s (过惩相当); the period ends on %(end)s."
    ) % {
        "limit": limit.isoformat(), "severity": Severity(severity).label, "months": rule_set.months(severity, "max"),
        "rule_set": rule_set.code, "end": period_end.isoformat(),
    }


def _case_content_validate(*, subject, kind, memorandum, basis, period_start, period_end, measures, severity="",
                           origin_ends_on=None) -> list[Measure]:
    """What a case says (basis, period within its severity's maximum, measures of its memorandum
    that fit the subject); returns the measures (all that fit when None), or raises ValidationError by field."""
    errors = defaultdict(list)
    if memorandum.kind != kind:
        errors["memorandum"].append(_("This memorandum is for a different kind of case."))
    if not memorandum.is_active:
        errors["memorandum"].append(_("This memorandum is no longer in force."))
    if not (basis or "").strip():
        errors["basis"].append(_("State the basis of the case."))
    if period_start and period_end and period_end < period_start:
        errors["period_end"].append(_("The period cannot end before it starts."))
    window = {field: [message] for field, message in (("period_start", dates.out_of_range(period_start)), ("period_end", dates.out_of_range(period_end))) if message}
    # Inside the date window, a case of a severity is held to its maximum (far below the 20 years of the window).
    refusal = "" if window else period_limit_refusal(severity=severity, period_start=period_start, period_end=period_end, origin_ends_on=origin_ends_on)
    for field, messages in ({"period_end": [refusal]} if refusal else dates.period_errors(period_start, period_end)).items():
        errors[field].extend(messages)
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


def _origin_ends_on(case: JointCase, actor):
    """The last day of the entry a draft rests on, asked of its owner (None without one, or when it is no longer a basis)."""
    if case.list_entry_id is None:
        return None
    try:
        return origins.case_origin_resolve(origins.LIST_ENTRY, case.list_entry_id, user=actor, case_kind=case.kind).ends_on
    except ValidationError:
        return None


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
        period_end=period_end, measures=measures, severity=case.severity, origin_ends_on=_origin_ends_on(case, actor),
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
def case_severity_follow_entry(*, case: JointCase, severity: str, actor, reason: str = "") -> JointCase:
    """The entry the case rests on was corrected to ``severity``: the case's copy follows, whatever its
    state, audited with the old and new value. Called by lists inside its correction (which decides who
    may correct and has locked the entry, then its cases)."""
    case = lock_case(case.pk)
    if severity not in Severity.values:
        raise ValidationError({"severity": [_("Choose the severity: %(choices)s.") % {"choices": ", ".join(Severity.values)}]})
    if case.severity == severity:
        return case
    old, case.severity = case.severity, severity
    case.save(update_fields=["severity"])
    events.case_severity_corrected(case, actor, from_state=case.state, to_state=case.state, reason=reason,
                                   extra={"old": old, "new": severity, "list_entry": case.list_entry_id})
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


def _assignment_plan(case: JointCase, measures=None) -> dict[_Target, list[Measure]]:
    """Which department gets which measures (the case's, or those given) for which target (the subject,
    or its responsible persons)."""
    subject = case.subject
    persons = []
    if subject.is_organisation:
        persons = list(ResponsiblePerson.objects.filter(organisation=subject).order_by("role", "person_id").values_list("person_id", "role"))
    plan: dict[_Target, list[Measure]] = defaultdict(list)
    for measure in sorted(measures, key=lambda m: m.code) if measures is not None else case.measures.select_related("department").order_by("code"):
        if measure.fits(subject.kind):
            plan[_Target(measure.department_id, subject.pk, "")].append(measure)
        if subject.is_organisation and measure.reaches_responsible_persons:
            for person_id, role in persons:
                plan[_Target(measure.department_id, person_id, role)].append(measure)
    return plan


def _create_assignments(case: JointCase, plan: dict[_Target, list[Measure]], *, today, reassigned_from=None, amendment=None) -> list[Assignment]:
    rules = case.rule_set
    sign_for = calendar.add_working_days(today, rules.sign_for_days)
    feedback = calendar.add_working_days(today, rules.feedback_days)
    departments = {d.pk: d for d in _departments([t.department_id for t in plan])}  # (the audit events name them)
    assignments = [
        Assignment(
            case=case, department=departments[t.department_id], target_id=t.subject_id, target_role=t.role,
            pushed_on=today, sign_for_due=sign_for.date, feedback_due=feedback.date,
            due_dates_provisional=sign_for.provisional or feedback.provisional, reassigned_from=reassigned_from,
            amendment=amendment,
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
    AssignmentGroupObjectPermission.objects.bulk_create(
        [AssignmentGroupObjectPermission(content_object=a, group_id=departments[a.department_id].group_id, permission_id=work_perm) for a in assignments]
    )
    viewers = {departments[t.department_id].group_id for t in plan} - {case.initiating_department.group_id}
    _grant_case(case, viewers, "view_jointcase")
    return assignments


def _departments(ids):
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
    # One event on the (locked) case's stream naming every push row with its hash (audit.record_chunk),
    # then the push itself: the case's latest event stays ``case_pushed``.
    events.assignment_created.bulk(assignments, actor=actor, to_state=AssignmentState.PENDING, chunk_of=case,
                                   extra_for=lambda a: {"case": case.number, "sign_for_due": a.sign_for_due, "feedback_due": a.feedback_due})
    events.case_pushed(
        case, actor, from_state=previous, to_state=case.state,
        extra={"assignments": [{"id": a.pk, "department": a.department_id, "target": a.target_id} for a in assignments]},
    )
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
    case_ended(case)  # the exchange outbox
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
