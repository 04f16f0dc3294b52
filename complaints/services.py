"""Every write of complaints (投诉举报). Each entry point runs in its own durable transaction, locks
the complaint first and then, downhill, what the outcome moves (``records.locks``, ``lists.locks``
through the lower apps' services); audit events in the same transaction, notifications on commit.

- ``complaint_file``: the public files a report (subject resolved by identifier when registered);
  due in ``COMPLAINT_VERIFY_WORKING_DAYS`` (15) working days from receipt.
- ``complaint_assign``: the credit office routes it to the competent department; the department's
  15 working days run from the assignment (RULES.md: the department verifies and answers within 15).
- ``complaint_substantiate``: ``record`` (a published dishonesty record under the assigned
  department), ``propose_black`` (a black-list proposal by the deciding user's department),
  ``remove_red`` (the subject's red entries removed, reason ``revoked``: their reward cases end and
  every department lifts the reward measures).
- ``complaint_reject``: with the reason the reporter reads on the follow-up page.
- ``complaint_urge``: 督办 of an overdue complaint (leadership or credit office), once a day.
"""
import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import access, events
from complaints.models import OPEN_STATES, Complaint, ComplaintAction, ComplaintEvidence
from complaints.selectors import complaints_overdue
from credit_platform import calendar, dates, identifiers, notifications
from credit_platform.domains import ListType, Severity
from credit_platform.models import Department, Subject
from credit_platform.uploads import uploads_check
from credit_platform.workflow import each_by_pk, entry_point, lock_one, require, require_transition, run_transition
from lists import services as list_services
from lists.models import EntryState, ListEntry, RemovalReason
from records.models import RecordType
from records.services import record_create_in_transaction

DEFAULT_VERIFY_WORKING_DAYS = 15
# The catalogue item a substantiated report is recorded under (records/fixtures/demo_record_types.yaml).
COMPLAINT_RECORD_TYPE = "complaint-substantiated"
NOTE_MAX_LENGTH = 4000


def verify_working_days() -> int:
    """RULES.md: 15 working days, configurable (``settings.COMPLAINT_VERIFY_WORKING_DAYS``)."""
    return int(getattr(settings, "COMPLAINT_VERIFY_WORKING_DAYS", DEFAULT_VERIFY_WORKING_DAYS))


def complaint_url(complaint) -> str:
    return f"/admin/complaints/complaint/{complaint.pk}/change/"


def _lock(complaint) -> Complaint:
    return lock_one(Complaint.objects.filter(pk=complaint.pk).select_related("subject", "department"))


def _credit_office() -> Department | None:
    return Department.objects.filter(is_credit_office=True, is_active=True).order_by("pk").first()


@transaction.atomic(durable=True)
def complaint_file(*, identifier: str, name: str, grounds: str, contact: str, files=(), actor=None) -> Complaint:
    """A report from the public: received, due in 15 working days, the credit office told.

    The answer is the same whether or not the identifier is registered (the receipt only)."""
    errors = {}
    identifier = identifiers.normalise(identifier)
    if not identifier or len(identifier) > 32:
        errors["identifier"] = [_("Give the unified social credit code or the citizen ID number of the subject.")]
    if not (name or "").strip():
        errors["name"] = [_("Give the subject's name.")]
    if not (grounds or "").strip():
        errors["grounds"] = [_("Say what the subject did.")]
    if not (contact or "").strip():
        errors["contact"] = [_("Give a contact so the outcome can reach you.")]
    try:
        uploads = uploads_check(files, field="evidence")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    due = calendar.add_working_days(today, verify_working_days())
    complaint = Complaint.objects.create(
        identifier=identifier, name=name.strip(), subject=Subject.objects.filter(identifier=identifier).first(),
        grounds=grounds.strip(), contact=contact.strip(), received_on=today, due_on=due.date, due_dates_provisional=due.provisional,
    )
    for file, content_type in uploads:
        ComplaintEvidence.objects.create(complaint=complaint, file=file, original_name=(file.name or "")[:255], content_type=content_type,
                                         size=file.size)
    events.complaint_received(complaint, actor, to_state=complaint.state, extra={
        "subject": complaint.subject_id, "identifier": identifier, "due_on": complaint.due_on, "evidence_files": len(uploads),
    })
    office = _credit_office()
    if office is not None:
        notifications.notify_on_commit(
            department=office, verb="complaint_received",
            title=_("Complaint %(receipt)s received: route it to the competent department") % {"receipt": complaint.receipt_number},
            url=complaint_url(complaint),
        )
    return complaint


@transaction.atomic(savepoint=False)
def complaint_assign_in_transaction(*, complaint: Complaint, actor, department: Department) -> Complaint:
    """Route (or re-route, while open) the complaint to ``department``: due 15 working days from today."""
    complaint = _lock(complaint)
    require(access.can_assign_complaint(actor, complaint), _("Only the credit office routes complaints."))
    if department is None or not department.is_active or department.is_leadership_office:
        raise ValidationError({"department": [_("Choose an active working department.")]})
    previous, previous_department = complaint.state, complaint.department
    now = timezone.now()
    due = calendar.add_working_days(timezone.localdate(now), verify_working_days())
    run_transition(complaint, "assign", department=department, at=now, by=actor if getattr(actor, "pk", None) else None,
                   due_on=due.date, provisional=due.provisional)
    complaint.save(update_fields=["state", "department", "assigned_at", "assigned_by", "due_on", "due_dates_provisional", "updated_at"])
    events.complaint_assigned(complaint, actor, from_state=previous, to_state=complaint.state, extra={
        "department": department.code, "previous_department": getattr(previous_department, "code", None), "due_on": complaint.due_on,
    })
    notifications.notify_on_commit(
        department=department, verb="complaint_assigned",
        title=_("Complaint %(receipt)s about %(name)s to verify by %(due)s") % {
            "receipt": complaint.receipt_number, "name": complaint.name, "due": complaint.due_on},
        url=complaint_url(complaint),
    )
    return complaint


complaint_assign = entry_point(complaint_assign_in_transaction)


def _note(note) -> str:
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [_("Say what the verification found.")]})
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError({"note": [_("The note is too long.")]})
    return note


def _decision_number(complaint: Complaint, details: dict, today: datetime.date) -> str:
    """The decision number a substantiation publishes: the department's own, else one naming the
    complaint by its id — never the receipt number, which alone opens the reporter's follow-up page."""
    return details.get("decision_number") or _("Complaint verification [%(year)s] No. %(id)s") % {"year": today.year, "id": complaint.pk}


def _record(complaint: Complaint, actor, note: str, details: dict, today: datetime.date):
    code = details.get("record_type") or COMPLAINT_RECORD_TYPE
    record_type = RecordType.objects.filter(code=code, is_active=True).first()
    if record_type is None or record_type.kind != "dishonesty":
        raise ValidationError({"record_type": [_("The information catalogue has no active dishonesty record type %(code)s.") % {"code": code}]})
    if details.get("record_type") and not record_type.departments.filter(pk=complaint.department_id).exists():
        # A type named by the department is one it provides (the catalogue's rule); only the default type is the complaint's own.
        raise ValidationError({"record_type": [_("%(department)s does not provide this record type.") % {"department": complaint.department}]})
    content = details.get("content") or ({"findings": note} if code == COMPLAINT_RECORD_TYPE else {})
    try:
        return record_create_in_transaction(
            actor=actor, subject=complaint.subject, record_type=record_type, department=complaint.department, check_permission=False,
            decision_number=_decision_number(complaint, details, today), decided_on=details.get("decided_on") or today,
            severity=details.get("severity") or Severity.GENERAL, domain=details.get("domain") or "", basis=details.get("basis") or note,
            content=content, publish=True,
        )
    except ValidationError as exc:
        # The findings came from the note (the catalogue may hold fewer characters than a note): say so on the note.
        if details.get("content") or not hasattr(exc, "error_dict") or "content" not in exc.error_dict:
            raise
        errors = exc.message_dict
        errors["note"] = errors.pop("content")
        raise ValidationError(errors) from None


def _propose_black(complaint: Complaint, actor, note: str, details: dict, today: datetime.date) -> ListEntry:
    if not details.get("domain"):
        raise ValidationError({"domain": [_("Name the domain of the dishonesty for a black-list proposal.")]})
    return list_services.entry_propose_in_transaction(
        actor=actor, subject=complaint.subject, list_type=ListType.BLACK, severity=details.get("severity") or Severity.SEVERE,
        domain=details["domain"], basis=details.get("basis") or note, decision_number=_decision_number(complaint, details, today),
        decided_on=details.get("decided_on") or today, facts=details.get("facts") or note,
        exit_conditions=details.get("exit_conditions") or "", remedies=details.get("remedies") or "",
    )


def _remove_red(complaint: Complaint, actor, note: str, details: dict) -> list[ListEntry]:
    entries = ListEntry.objects.filter(subject=complaint.subject, list_type=ListType.RED, state__in=[EntryState.PUBLISHED, EntryState.SUSPENDED])
    if details.get("list_entry"):
        entries = entries.filter(pk=getattr(details["list_entry"], "pk", details["list_entry"]))
    entries = list(entries.order_by("pk"))
    if not entries:
        raise ValidationError({"action": [_("The subject has no entry on the red list to remove.")]})
    reason = _("Complaint %(receipt)s substantiated: %(note)s") % {"receipt": _decision_number(complaint, {}, timezone.localdate()), "note": note}
    # The complaint's service decided who may act: the assigned department need not be the identifying one.
    return [list_services.entry_remove_in_transaction(entry=entry, actor=actor, reason=RemovalReason.REVOKED, note=reason,
                                                      check_permission=False) for entry in entries]


@transaction.atomic(savepoint=False)
def complaint_substantiate_in_transaction(*, complaint: Complaint, actor, action: str, note: str, **details) -> Complaint:
    """The report is true: ``action`` record | propose_black | remove_red, in this transaction.

    ``details`` (optional): ``decision_number`` (default 举报核查〔year〕id号, never the receipt number), ``decided_on`` (today),
    ``severity``, ``domain``, ``basis`` (the note); for ``record`` a ``record_type`` code and its
    ``content``; for ``propose_black`` the decision's ``facts``, ``exit_conditions`` and ``remedies``;
    for ``remove_red`` one ``list_entry`` (default every red entry of the subject on the list)."""
    complaint = _lock(complaint)
    require(access.can_decide_complaint(actor, complaint), _("Only the assigned department verifies this complaint."))
    require_transition(complaint, "substantiate")  # 409 before the body is read further
    if action not in ComplaintAction.values:
        raise ValidationError({"action": [_("Choose the outcome: %(choices)s.") % {"choices": ", ".join(ComplaintAction.values)}]})
    note = _note(note)
    if complaint.subject_id is None:
        raise ValidationError({"action": [_("The subject reported is not registered: register it first, or reject the complaint.")]})
    decided_on = details.get("decided_on")
    if decided_on is not None and dates.out_of_range(decided_on):
        raise ValidationError({"decided_on": [dates.out_of_range(decided_on)]})
    previous = complaint.state
    now = timezone.now()
    today = timezone.localdate(now)
    extra = {"action": action}
    if action == ComplaintAction.RECORD:
        complaint.record = _record(complaint, actor, note, details, today)
        extra["record"] = complaint.record.pk
    elif action == ComplaintAction.PROPOSE_BLACK:
        complaint.proposed_entry = _propose_black(complaint, actor, note, details, today)
        extra["list_entry"] = complaint.proposed_entry.pk
    else:
        removed = _remove_red(complaint, actor, note, details)
        complaint.removed_entries.add(*removed)
        extra["removed_entries"] = [entry.pk for entry in removed]
    run_transition(complaint, "substantiate", action=action, note=note, at=now, by=actor if getattr(actor, "pk", None) else None)
    complaint.save(update_fields=["state", "action", "note", "decided_at", "decided_by", "record", "proposed_entry", "updated_at"])
    events.complaint_substantiated(complaint, actor, from_state=previous, to_state=complaint.state, reason=note, extra=extra)
    _tell_credit_office(complaint, actor, _("Complaint %(receipt)s substantiated: %(action)s") % {
        "receipt": complaint.receipt_number, "action": ComplaintAction(action).label})
    return complaint


complaint_substantiate = entry_point(complaint_substantiate_in_transaction)


@transaction.atomic(savepoint=False)
def complaint_reject_in_transaction(*, complaint: Complaint, actor, reason: str) -> Complaint:
    """Not substantiated (or outside anyone's remit): the reporter reads the reason on the follow-up page."""
    complaint = _lock(complaint)
    require(complaint.state not in OPEN_STATES or access.can_reject_complaint(actor, complaint),
            _("Only the credit office or the assigned department rejects this complaint."))
    reason = (reason or "").strip()
    if complaint.state in OPEN_STATES and not reason:
        raise ValidationError({"reason": [_("Give the reason: the reporter reads it.")]})
    previous = complaint.state
    now = timezone.now()
    run_transition(complaint, "reject", reason=reason, at=now, by=actor if getattr(actor, "pk", None) else None)
    complaint.save(update_fields=["state", "rejection_reason", "decided_at", "decided_by", "updated_at"])
    events.complaint_rejected(complaint, actor, from_state=previous, to_state=complaint.state, reason=reason)
    _tell_credit_office(complaint, actor, _("Complaint %(receipt)s rejected") % {"receipt": complaint.receipt_number})
    return complaint


complaint_reject = entry_point(complaint_reject_in_transaction)


def _tell_credit_office(complaint: Complaint, actor, title: str) -> None:
    """The credit office, which routed it, learns a department's decision (not its own)."""
    office = _credit_office()
    if office is not None and getattr(getattr(actor, "department", None), "pk", None) != office.pk:
        notifications.notify_on_commit(department=office, verb="complaint_decided", title=title, url=complaint_url(complaint))


@transaction.atomic(savepoint=False)
def complaint_urge_in_transaction(*, complaint: Complaint, actor, note: str = "") -> Complaint:
    """督办: an overdue complaint's department (the credit office while unrouted) is told; once a day.

    PermissionDenied for anyone but the leadership and credit offices; ValidationError when it is
    not overdue or was urged today."""
    if not access.can_urge_complaint(actor):
        raise PermissionDenied(_("Only the leadership office and the credit office can urge."))
    complaint = _lock(complaint)
    today = timezone.localdate()
    label = _("complaint %(receipt)s") % {"receipt": complaint.receipt_number}
    if not complaints_overdue(today=today).filter(pk=complaint.pk).exists():
        raise ValidationError({"item": [_("Only overdue work can be urged; this %(item)s is not overdue.") % {"item": label}]})
    if complaint.last_urged_on == today:
        raise ValidationError({"item": [_("This %(item)s has already been urged today.") % {"item": label}]})
    note = (note or "").strip()
    complaint.urge_count += 1
    complaint.last_urged_on = today
    complaint.save(update_fields=["urge_count", "last_urged_on", "updated_at"])
    department = complaint.department or _credit_office()
    events.complaint_urged(complaint, actor, from_state=complaint.state, to_state=complaint.state, reason=note,
                           extra={"urge_count": complaint.urge_count, "department": getattr(department, "code", None)})
    if department is not None:
        notifications.notify_on_commit(
            department=department, verb="complaint_urged",
            title=_("Urged by the leadership office: %(item)s is overdue") % {"item": label},
            body=note or _("Complete it without delay and report back."), url=complaint_url(complaint),
        )
    return complaint


complaint_urge = entry_point(complaint_urge_in_transaction)


def complaints_recompute_provisional(year: int) -> int:
    """After a change to ``year``'s calendar: open complaints with a provisional due date in it get it
    recomputed from the day their clock started (assignment, else receipt); audited."""
    candidates = Complaint.objects.filter(state__in=OPEN_STATES, due_dates_provisional=True, due_on__year__gte=year)

    def handle(pk):
        with transaction.atomic():
            complaint = lock_one(Complaint.objects.filter(pk=pk))
            start = timezone.localdate(complaint.assigned_at) if complaint.assigned_at else complaint.received_on
            due = calendar.add_working_days(start, verify_working_days())
            if (due.date, due.provisional) == (complaint.due_on, complaint.due_dates_provisional):
                return False
            old = complaint.due_on
            complaint.due_on, complaint.due_dates_provisional = due.date, due.provisional
            complaint.save(update_fields=["due_on", "due_dates_provisional", "updated_at"])
            events.complaint_due_dates_recomputed(complaint, None, from_state=complaint.state, to_state=complaint.state,
                                                  extra={"year": year, "due_on": [old, due.date]})
            return True

    return each_by_pk(candidates, handle)
