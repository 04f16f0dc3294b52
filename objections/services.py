"""Every write of objections. Accepting holds the disputed entry, its live cases and every live
assignment in one transaction (联合惩戒措施在信息核实期间暂不执行); deciding releases or ends them."""
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from credit_platform import calendar, identifiers, notifications
from credit_platform.uploads import uploads_check
from credit_platform.models import Department, Subject
from credit_platform.public_filing import no_public_match
from credit_platform.rules import rule_set_in_force
from credit_platform.workflow import lock_rows, require, require_transition, run_transition
from lists import services as list_services
from lists.locks import lock_entry_and_cases
from lists.models import EntryState, ListEntry, RemovalReason
from lists.public import entry_matching_publicly, on_public_site
from objections import access, events, selectors
from records import services as record_services
from records.locks import lock_record
from records.models import RecordRemovalReason, RecordState
from records.public import record_matching_publicly
from objections.models import Decision, Evidence, Objection, ObjectionState
from sanctions import services as case_services
from sanctions.locks import lock_case_and_assignments
from sanctions.models import Assignment, CaseState, JointCase

HELD_CASE_STATES = [CaseState.PUSHED, CaseState.EXECUTING, CaseState.FEEDBACK_COMPLETE]
# Cases the public may name in an objection: pushed to the departments (live or held), on a public entry.
PUBLIC_CASE_STATES = [*HELD_CASE_STATES, CaseState.SUSPENDED]



def _lock(objection_id) -> Objection:
    # Lock the objection so two clerks cannot decide it twice.
    return Objection.objects.select_for_update(of=("self",)).select_related("rule_set", "list_entry", "case", "record").get(pk=objection_id)


def _url(objection) -> str:
    return f"/admin/objections/objection/{objection.pk}/change/"


def _provider_of(list_entry, case, record=None) -> Department:
    """The information provider: the record's providing department, the department that identified
    the entry, else the case's initiator."""
    if record is not None:
        return record.department
    if list_entry is not None:
        return list_entry.identifying_department
    return case.initiating_department


@transaction.atomic(durable=True)
def objection_file(*, subject: Subject, grounds: str, contact: str, applicant_name: str = "", list_entry=None, case=None,
                   record=None, actor=None, channel: str = Objection.Channel.DEPARTMENT, files=()) -> Objection:
    """File an objection against a list entry and/or a case of ``subject``, or against one of its
    credit records (alone), with optional evidence files (PDF, JPG or PNG, checked by ``uploads_check``)."""
    errors = {}
    if list_entry is None and case is None and record is None:
        errors["target"] = [_("Name the list entry or the case you dispute.")]
    if record is not None and (list_entry is not None or case is not None):
        errors["record"] = [_("An objection to a credit record names that record alone.")]
    if record is not None and record.subject_id != subject.pk:
        errors["record"] = [_("This credit record is not about this subject.")]
    if list_entry is not None and list_entry.subject_id != subject.pk:
        errors["list_entry"] = [_("This list entry is not about this subject.")]
    if case is not None and case.subject_id != subject.pk:
        errors["case"] = [_("This case is not about this subject.")]
    if list_entry is not None and case is not None and case.list_entry_id not in (None, list_entry.pk):
        errors["case"] = [_("This case does not rest on this list entry.")]
    if not (grounds or "").strip():
        errors["grounds"] = [_("State the grounds of the objection.")]
    if not (contact or "").strip():
        errors["contact"] = [_("Give a contact so the decision can reach you.")]
    try:
        uploads = uploads_check(files, field="evidence")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    department = getattr(actor, "department", None) if actor is not None else None
    if channel == Objection.Channel.DEPARTMENT:
        require(department is not None, _("Only a user of a department can file a department objection."))
    rules = rule_set_in_force(timezone.localdate())
    today = timezone.localdate()
    accept_due = calendar.add_working_days(today, rules.objection_accept_days)
    objection = Objection.objects.create(
        channel=channel,
        subject=subject,
        list_entry=list_entry,
        case=case,
        record=record,
        provider_department=_provider_of(list_entry, case, record),
        filing_department=department if channel == Objection.Channel.DEPARTMENT else None,
        filed_by=actor if getattr(actor, "pk", None) else None,
        applicant_name=(applicant_name or (department.name if department else subject.name)).strip(),
        contact=contact.strip(),
        grounds=grounds.strip(),
        rule_set=rules,
        accept_due=accept_due.date,
        due_dates_provisional=accept_due.provisional,
    )
    for file, content_type in uploads:
        Evidence.objects.create(
            objection=objection, file=file, original_name=(file.name or "")[:255], content_type=content_type, size=file.size,
        )
    events.objection_filed(
        objection, actor, to_state=objection.state,
        extra={"channel": channel, "list_entry": getattr(list_entry, "pk", None), "case": getattr(case, "pk", None),
               "record": getattr(record, "pk", None), "evidence_files": len(uploads)},
    )
    notifications.notify_on_commit(
        department=objection.provider_department, verb="objection_filed",
        title=_("Objection %(receipt)s to verify: accept or refuse by %(due)s") % {"receipt": objection.receipt_number, "due": objection.accept_due},
        url=_url(objection),
    )
    return objection


def public_objection_target(*, identifier: str, name: str, decision_number: str = "", case_number: str = ""):
    """Resolve what a member of the public disputes: the entry the public site shows
    (``lists.public.on_public_site``: red or black, published or suspended, no minor's) with this
    decision number and/or the live or held case with this number resting on such an entry, of the
    subject with this identifier and exactly this name. Whatever does not match is the one
    ``no_public_match`` error (400, the same for every part), so the answer tells nobody who or what
    is in the registry; only a missing number is said as such."""
    decision_number, case_number = (decision_number or "").strip(), (case_number or "").strip().upper()
    if not decision_number and not case_number:
        raise ValidationError({"decision_number": [_("Give the decision number of the list entry or the case number you dispute.")]})
    list_entry = case = None
    if decision_number:
        list_entry = entry_matching_publicly(identifier=identifier, name=name, decision_number=decision_number)
        if list_entry is None:
            raise no_public_match()
    if case_number:
        case = (
            JointCase.objects.filter(
                subject__identifier=identifiers.normalise(identifier), subject__name=(name or "").strip(), number=case_number,
                state__in=PUBLIC_CASE_STATES,
                list_entry_id__in=on_public_site(ListEntry.objects.all()).values("pk"),
            )
            .select_related("subject")
            .first()
        )
        if case is None or (list_entry is not None and case.list_entry_id != list_entry.pk):
            raise no_public_match()
    return (list_entry or case).subject, list_entry, case


def public_objection_filing(*, target: str, identifier: str, name: str, decision_number: str = "", case_number: str = "") -> dict:
    """What a public filing disputes, as ``objection_file``'s ``subject``, ``list_entry``, ``case``
    and ``record``: ``target`` ``list_entry`` (``public_objection_target``) or ``record``, the
    record the public 双公示 query shows with this decision number (``records.public``), of the
    subject with this identifier and exactly this name. A mismatch is the one ``no_public_match``."""
    if target != "record":
        subject, list_entry, case = public_objection_target(
            identifier=identifier, name=name, decision_number=decision_number, case_number=case_number,
        )
        return {"subject": subject, "list_entry": list_entry, "case": case}
    if not (decision_number or "").strip():
        raise ValidationError({"decision_number": [_("Give the decision number of the credit record you dispute.")]})
    record = record_matching_publicly(identifier=identifier, name=name, decision_number=decision_number)
    if record is None:
        raise no_public_match()
    return {"subject": record.subject, "record": record}


def _cases_of(objection: Objection):
    """The live (or held) cases the objection disputes: its case, or every case of its entry."""
    if objection.case_id:
        return JointCase.objects.filter(pk=objection.case_id)
    return JointCase.objects.filter(list_entry_id=objection.list_entry_id)


def _lock_held(objection: Objection):
    """Lock what the objection holds, downhill (lists.locks): the entry it or its case rests on,
    then that entry's cases (and the objection's case) in id order, then their assignments. Every
    decision takes these locks before it counts the other verifying objections, so two decisions
    on one record queue and the second counts what the first committed. Answers the locked entry
    (None for a case that rests on no entry). A credit record is locked alone (``records.locks``)."""
    if objection.record_id:
        objection.record = lock_record(objection.record_id)
        return None
    entry_id = objection.list_entry_id or (objection.case.list_entry_id if objection.case_id else None)
    if entry_id is not None:
        entry = lock_entry_and_cases(entry_id, case_ids=[objection.case_id] if objection.case_id else [])
        if objection.list_entry_id == entry.pk:
            objection.list_entry = entry  # read under the lock: what a decision just committed counts
        return entry
    lock_case_and_assignments(objection.case_id)
    return None


def _other_verifying(objection: Objection):
    """Other objections still being verified on the same entry or case: the hold stays while any remains."""
    others = Objection.objects.filter(state=ObjectionState.VERIFYING).exclude(pk=objection.pk)
    if objection.record_id:
        return others.filter(record_id=objection.record_id)
    q = None
    if objection.list_entry_id:
        q = Q(list_entry_id=objection.list_entry_id) | Q(case__list_entry_id=objection.list_entry_id)
    if objection.case_id:
        case_q = Q(case_id=objection.case_id)
        if objection.case.list_entry_id:
            case_q |= Q(list_entry_id=objection.case.list_entry_id)
        q = case_q if q is None else q | case_q
    return others.filter(q)


@transaction.atomic(durable=True)
def objection_accept(*, objection: Objection, actor) -> Objection:
    """Accept: hold the entry, its live cases and their assignments (once, however many objections)."""
    objection = _lock(objection.pk)
    require(access.can_decide_objection(actor, objection), _("Only the information provider can accept this objection."))
    entry = _lock_held(objection)
    previous = objection.state
    now = timezone.now()
    rules = objection.rule_set
    verify_due = calendar.add_working_days(timezone.localdate(now), rules.objection_verify_days)
    run_transition(objection, "accept", at=now, verify_due=verify_due.date)
    objection.due_dates_provisional = verify_due.provisional
    objection.save(update_fields=["state", "accepted_at", "verify_due", "due_dates_provisional"])
    events.objection_accepted(objection, actor, from_state=previous, to_state=objection.state)
    reason = _("Objection %(receipt)s is being verified.") % {"receipt": objection.receipt_number}
    if objection.record_id:
        if objection.record.state == RecordState.PUBLISHED:
            record_services.record_suspend(record=objection.record, actor=actor, reason=reason)
    elif objection.list_entry_id and entry.state == EntryState.PUBLISHED:
        list_services.entry_suspend(entry=entry, actor=actor, reason=reason)
    else:
        for case in _cases_of(objection).filter(state__in=HELD_CASE_STATES).order_by("pk"):
            case_services.case_suspend(case=case, actor=actor, reason=reason)
    return objection


@transaction.atomic(durable=True)
def objection_refuse(*, objection: Objection, actor, reason: str) -> Objection:
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason for refusing; the applicant sees it.")]})
    objection = _lock(objection.pk)
    require(access.can_decide_objection(actor, objection), _("Only the information provider can refuse this objection."))
    previous = objection.state
    run_transition(objection, "refuse", at=timezone.now(), reason=reason.strip())
    objection.save(update_fields=["state", "decided_at", "refusal_reason"])
    events.objection_refused(objection, actor, from_state=previous, to_state=objection.state, reason=reason)
    return objection


@transaction.atomic(durable=True)
def objection_extend(*, objection: Objection, actor, reason: str) -> Objection:
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason for extending the verification.")]})
    objection = _lock(objection.pk)
    require(access.can_decide_objection(actor, objection), _("Only the information provider can extend this verification."))
    require_transition(objection, "extend")
    extended = calendar.add_working_days(objection.verify_due, objection.rule_set.objection_extension_days)
    due = extended.date
    run_transition(objection, "extend", verify_due=due, reason=reason.strip())
    objection.due_dates_provisional = objection.due_dates_provisional or extended.provisional
    objection.save(update_fields=["extended", "extension_reason", "verify_due", "due_dates_provisional"])
    events.objection_extended(objection, actor, from_state=objection.state, to_state=objection.state,
                              reason=reason, extra={"verify_due": due})
    return objection


def _release(objection: Objection, actor, reason: str) -> None:
    """Resume what this objection held, unless another objection on the same record still verifies."""
    if _other_verifying(objection).exists():
        return
    if objection.record_id:
        if objection.record.state == RecordState.SUSPENDED:
            record_services.record_resume(record=objection.record, actor=actor, reason=reason)
        return
    entry = objection.list_entry
    if entry is not None:
        entry.refresh_from_db()
        if entry.state == EntryState.SUSPENDED:
            list_services.entry_resume(entry=entry, actor=actor, reason=reason)
            return
    for case in _cases_of(objection).filter(state=CaseState.SUSPENDED).order_by("pk"):
        case_services.case_resume(case=case, actor=actor, reason=reason)


@transaction.atomic(durable=True)
def objection_dismiss(*, objection: Objection, actor, reason: str) -> Objection:
    """The record was right: everything resumes as it was, deadlines moved by the held working days."""
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reasons for dismissing the objection.")]})
    objection = _lock(objection.pk)
    require(access.can_decide_objection(actor, objection), _("Only the information provider can decide this objection."))
    _lock_held(objection)
    previous = objection.state
    run_transition(objection, "dismiss", at=timezone.now(), reason=reason.strip())
    objection.decided_by = actor
    objection.save(update_fields=["state", "decided_at", "decision", "decision_reason", "decided_by"])
    events.objection_dismissed(objection, actor, from_state=previous, to_state=objection.state, reason=reason)
    _release(objection, actor, _("Objection %(receipt)s dismissed.") % {"receipt": objection.receipt_number})
    return objection


@transaction.atomic(durable=True)
def objection_uphold(*, objection: Objection, actor, outcome: str, reason: str = "", corrections: dict | None = None) -> Objection:
    """The record was wrong: revoke it (entry removed, cases revoked, measures lifted, reputation
    restored) or correct it (fields corrected, old values audited, the measures resume)."""
    if outcome not in (Decision.REVOKE, Decision.CORRECT):
        raise ValidationError({"outcome": [_("Choose revoke or correct.")]})
    corrections = corrections or {}
    objection = _lock(objection.pk)
    require(access.can_decide_objection(actor, objection), _("Only the information provider can decide this objection."))
    if outcome == Decision.CORRECT and objection.record_id is None:
        unknown = sorted(set(corrections) - set(list_services.CORRECTABLE_FIELDS))
        if not corrections or unknown:
            raise ValidationError(
                {"corrections": [_("Give the corrected fields (allowed: %(fields)s).") % {"fields": ", ".join(list_services.CORRECTABLE_FIELDS)}]}
            )
    _lock_held(objection)
    if objection.record_id:
        corrections = {}  # a record is corrected by being entered anew (``_end_record``)
    if outcome == Decision.CORRECT and objection.list_entry_id is None and objection.record_id is None:
        raise ValidationError({"outcome": [_("Only a list entry can be corrected; revoke the case instead.")]})
    previous = objection.state
    run_transition(objection, "uphold", at=timezone.now(), decision=outcome, reason=(reason or "").strip(), corrections=corrections)
    objection.decided_by = actor
    objection.save(update_fields=["state", "decided_at", "decision", "decision_reason", "corrections", "decided_by"])
    events.objection_upheld(objection, actor, from_state=previous, to_state=objection.state, reason=reason,
                            extra={"outcome": outcome, "corrections": corrections})
    note = _("Objection %(receipt)s upheld.") % {"receipt": objection.receipt_number}
    if objection.record_id:
        _end_record(objection, actor, outcome, note)
    elif outcome == Decision.REVOKE:
        entry = objection.list_entry
        if entry is not None and entry.state in (EntryState.PUBLISHED, EntryState.SUSPENDED):
            list_services.entry_remove_in_transaction(entry=entry, actor=actor, reason=RemovalReason.REVOKED, note=note, check_permission=False)
        for case in _cases_of(objection).filter(state__in=[*HELD_CASE_STATES, CaseState.SUSPENDED, CaseState.INITIATED]).order_by("pk"):
            case_services.case_revoke_in_transaction(case=case, actor=actor, reason=note, check_permission=False)
        _notify_reputation_restored(objection)
    else:
        list_services.entry_correct(entry=objection.list_entry, actor=actor, corrections=corrections, reason=note)
        _release(objection, actor, note)
    return objection


def _end_record(objection: Objection, actor, outcome: str, note: str) -> None:
    """An upheld objection to a credit record ends its publication: ``revoked``, or ``corrected``
    (a record is not edited in place: its providing department enters the corrected decision as a
    new record, and the old one is kept, removed, with the objection's receipt in its note)."""
    record = objection.record
    if record.state in (RecordState.PUBLISHED, RecordState.SUSPENDED, RecordState.DRAFT):
        reason = RecordRemovalReason.REVOKED if outcome == Decision.REVOKE else RecordRemovalReason.CORRECTED
        record_services.record_remove_in_transaction(record=record, actor=actor, reason=reason, note=note, check_permission=False)


def _notify_reputation_restored(objection: Objection) -> None:
    """Every department that applied a measure is told the record was wrong (信用修复 of reputation)."""
    cases = _cases_of(objection)
    department_ids = set(
        Assignment.objects.filter(case__in=cases, feedback_records__outcome="applied").values_list("department_id", flat=True)
    )
    notifications.notify_many_on_commit(
        [
            {
                "department_id": department_id,
                "verb": "reputation_restored",
                "title": _("Record of %(subject)s revoked: restore its reputation") % {"subject": objection.subject.name},
                "body": _("Objection %(receipt)s was upheld; the measures you applied must be lifted and their effects undone.")
                % {"receipt": objection.receipt_number},
            }
            for department_id in sorted(department_ids)
        ]
    )


def objections_urge_overdue(*, today: datetime.date | None = None) -> int:
    """Periodic: urge each provider of an overdue objection, and tell the leadership office."""
    overdue = list(selectors.objections_overdue(today=today).select_related("provider_department"))
    leadership = list(Department.objects.filter(is_leadership_office=True))
    items = [
        {
            "department_id": o.provider_department_id,
            "verb": "objection_overdue",
            "title": _("Objection %(receipt)s is overdue") % {"receipt": o.receipt_number},
            "url": _url(o),
        }
        for o in overdue
    ]
    if overdue:
        items += [
            {"department_id": d.pk, "verb": "objections_overdue", "title": _("%(n)d objections are overdue") % {"n": len(overdue)},
             "url": "/admin/objections/objection/?overdue=yes"}
            for d in leadership
        ]
    with transaction.atomic():
        notifications.notify_many_on_commit(items)
    return len(overdue)




def objections_recompute_provisional(year: int) -> int:
    """Recompute the deadlines of open objections computed through a provisional calendar
    (registered with credit_platform.calendar, called when a year's calendar changes): from the
    filing and acceptance days, so running it twice changes nothing. Each objection is locked and
    its new dates and their audit event written in one transaction. Returns how many changed."""
    start = datetime.date(year - 1, 1, 1)
    candidates = Objection.objects.filter(
        due_dates_provisional=True, state__in=[ObjectionState.SUBMITTED, ObjectionState.VERIFYING],
        created_at__gte=timezone.make_aware(datetime.datetime.combine(start, datetime.time.min)),
    )
    changed, last_pk = 0, 0
    while ids := list(candidates.filter(pk__gt=last_pk).order_by("pk").values_list("pk", flat=True)[:500]):
        last_pk = ids[-1]
        changed += sum(_objection_recompute_one(objection_id, year, candidates) for objection_id in ids)
    return changed


@transaction.atomic(durable=True)
def _objection_recompute_one(objection_id: int, year: int, candidates) -> bool:
    """Recompute one objection's deadlines under its lock (still open and provisional: checked again)."""
    locked = lock_rows(candidates.filter(pk=objection_id).select_related("rule_set"))
    if not locked:
        return False
    objection = locked[0]
    rules = objection.rule_set
    if objection.state == ObjectionState.SUBMITTED:
        due = calendar.add_working_days(timezone.localdate(objection.created_at), rules.objection_accept_days)
        fields = {"accept_due": due.date, "due_dates_provisional": due.provisional}
    else:
        due = calendar.add_working_days(timezone.localdate(objection.accepted_at), rules.objection_verify_days)
        provisional = due.provisional
        if objection.extended:
            due = calendar.add_working_days(due.date, rules.objection_extension_days)
            provisional = provisional or due.provisional
        fields = {"verify_due": due.date, "due_dates_provisional": provisional}
    if all(getattr(objection, f) == v for f, v in fields.items()):
        return False
    Objection.objects.filter(pk=objection.pk).update(**fields)
    events.objection_due_dates_recomputed(objection, extra={"year": year, **fields})
    return True
