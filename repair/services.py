"""Credit repair: eligibility under the entry's rule set, application, review, approval and lifting.

What is repaired is a list entry or, with the same procedure (RULES.md "Licensing and penalty
decisions"), a penalty or dishonesty record's publicity (``record``, records app): decided by its
providing department; approving it removes the record from the public query (reason ``repaired``),
kept in the back end and in the credit file."""
import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from credit_platform import audit, calendar, notifications
from credit_platform.exceptions import ApplicationError
from credit_platform.models import AuditEvent, Department
from credit_platform.public_filing import no_public_match
from credit_platform.rules import add_months, rule_set_in_force
from credit_platform.uploads import uploads_check
from credit_platform.workflow import lock_rows, require, require_transition, run_transition
from lists import services as list_services
from lists.locks import lock_entry
from lists.models import EntryState, RemovalReason
from lists.public import entry_matching_publicly
from records import services as record_services
from records.locks import lock_record
from records.models import Commitment, CommitmentState, CreditRecord, RecordKind, RecordRemovalReason, RecordState
from records.public import record_matching_publicly
from repair import access, events, selectors, wording
from repair.models import CommitmentBreach, RepairApplication, RepairDocument, RepairState
from sanctions.access import assignments_for_user
from sanctions.models import AssignmentState

LIVE_APPLICATION_STATES = [RepairState.SUBMITTED, RepairState.REVIEWING]


@dataclass
class Eligibility:
    eligible: bool
    reasons: list[str] = field(default_factory=list)
    eligible_from: datetime.date | None = None  # None: never (not repairable) or already eligible

    def as_dict(self) -> dict:
        return {"eligible": self.eligible, "reasons": self.reasons, "eligible_from": self.eligible_from.isoformat() if self.eligible_from else None}


REPAIRABLE_RECORD_KINDS = (RecordKind.PENALTY, RecordKind.DISHONESTY)


def rule_set_of(target):
    """The rule set a list entry or a credit record was decided under."""
    return target.rule_set or rule_set_in_force(target.decided_on)


def _target_refusals(target) -> list[str]:
    """Why the entry or record is not something to repair at all (never repairable as it stands)."""
    reasons = []
    if isinstance(target, CreditRecord):
        if target.record_type.kind not in REPAIRABLE_RECORD_KINDS:
            reasons.append(_("Only the publicity of a penalty or dishonesty record can be repaired."))
        if target.state not in (RecordState.PUBLISHED, RecordState.SUSPENDED):
            reasons.append(_("The record is not published (state: %(state)s).") % {"state": target.get_state_display()})
        return reasons
    if target.list_type == "red":
        reasons.append(_("A red-list entry is not a dishonesty record: there is nothing to repair."))
    if target.state not in (EntryState.PUBLISHED, EntryState.SUSPENDED):
        reasons.append(_("The entry is not on the list (state: %(state)s).") % {"state": target.get_state_display()})
    return reasons


def repair_eligibility(*, entry=None, record=None, today: datetime.date | None = None) -> Eligibility:
    """Check an entry, or a penalty or dishonesty record, against the rule set it was decided under
    (RULES.md, credit repair)."""
    today = today or timezone.localdate()
    entry = entry if entry is not None else record
    rules = rule_set_of(entry)
    reasons: list[str] = _target_refusals(entry)
    dates: list[datetime.date] = []
    never = bool(reasons)
    if entry.domain in (rules.non_repairable_domains or []):
        reasons.append(
            _("Dishonesty in the domain '%(domain)s' cannot be repaired under %(rules)s.") % {"domain": entry.get_domain_display(), "rules": rules.name}
        )
        never = True
    if entry.repair_possible_from is not None and today < entry.repair_possible_from:  # none for a red entry
        months = rules.months(entry.severity, "min")
        reasons.append(
            _("The minimum publication period for %(severity)s dishonesty (%(months)d months under %(rules)s) ends on %(date)s.")
            % {"severity": entry.get_severity_display(), "months": months, "rules": rules.name, "date": entry.repair_possible_from}
        )
        dates.append(entry.repair_possible_from)
    bar_start = add_months(today, -rules.repair_bar_months)
    # Breaches bar repair: those recorded by hand on the repair side (CommitmentBreach: false
    # materials found elsewhere, older breaches) and the credit commitments found breached (records).
    breach = CommitmentBreach.objects.filter(subject=entry.subject, occurred_on__gt=bar_start).order_by("-occurred_on").first()
    breached = (
        Commitment.objects.filter(subject=entry.subject, state=CommitmentState.BREACHED, breached_on__gt=bar_start)
        .order_by("-breached_on").first()
    )
    false_materials = (
        RepairApplication.objects.filter(subject=entry.subject, false_materials=True, decided_at__date__gt=bar_start).order_by("-decided_at").first()
    )
    for occurred_on, what in [
        (breach.occurred_on if breach else None, breach.get_kind_display() if breach else ""),
        (breached.breached_on if breached else None,
         _("broke the credit commitment “%(matter)s” (%(reason)s)") % {"matter": breached.matter, "reason": breached.breach_reason}
         if breached else ""),
        (timezone.localdate(false_materials.decided_at) if false_materials else None, _("provided false materials")),
    ]:
        if occurred_on is None:
            continue
        until = add_months(occurred_on, rules.repair_bar_months)
        reasons.append(
            _("The subject %(what)s on %(date)s: repair is barred for %(months)d months, until %(until)s.")
            % {"what": what, "date": occurred_on, "months": rules.repair_bar_months, "until": until}
        )
        dates.append(until)
    if not reasons:
        return Eligibility(True)
    return Eligibility(False, reasons, None if never else max(dates))


def _url(application) -> str:
    return f"/admin/repair/repairapplication/{application.pk}/change/"


def public_repair_target(*, target: str, identifier: str, name: str, decision_number: str) -> dict:
    """``repair_apply``'s ``entry`` or ``record`` for a public filing: ``target`` ``list_entry``
    (``public_repair_entry``) or ``record``, the record the public 双公示 query shows with this
    decision number, of the subject with this identifier and exactly this name. A mismatch is the
    one ``no_public_match``."""
    if target != "record":
        return {"entry": public_repair_entry(identifier=identifier, name=name, decision_number=decision_number)}
    if not (decision_number or "").strip():
        raise ValidationError({"decision_number": [_("Give the decision number of the record to repair.")]})
    record = record_matching_publicly(identifier=identifier, name=name, decision_number=decision_number)
    if record is None:
        raise no_public_match()
    return {"record": record}


def public_repair_entry(*, identifier: str, name: str, decision_number: str):
    """The list entry a member of the public asks to repair: one the public site shows
    (``lists.public.on_public_site``), with this decision number, of the subject with this
    identifier and exactly this name. Whatever does not match is the one ``no_public_match`` error
    (400, the same for every part), so the answer tells nobody who or what is in the registry; only
    a missing number is said as such."""
    if not (decision_number or "").strip():
        raise ValidationError({"decision_number": [_("Give the decision number of the list entry to repair.")]})
    entry = entry_matching_publicly(identifier=identifier, name=name, decision_number=decision_number)
    if entry is None:
        raise no_public_match()
    return entry


# --- the documents ---------------------------------------------------------------------------------

DOCUMENTS_ALWAYS = (RepairDocument.Kind.PROOF, RepairDocument.Kind.COMMITMENT)


def training_required(entry) -> bool:
    """Whether the entry's rule set asks severe dishonesty for a credit training certificate or a
    credit report (order 36 of 2026 does; order 58 did not)."""
    return entry.severity == "severe" and rule_set_of(entry).severe_repair_requires_training


def documents_missing(kinds, *, entry=None) -> list[str]:
    """The document kinds an application lacks: the proof of fulfilment and the signed commitment
    always; the training certificate or credit report where the entry's rule set asks for one
    (known only with the entry)."""
    required = [*DOCUMENTS_ALWAYS, *([RepairDocument.Kind.TRAINING] if entry is not None and training_required(entry) else [])]
    return [kind for kind in required if kind not in set(kinds)]


def missing_documents_messages(missing) -> list[str]:
    """One message per missing kind, naming it (its label and its ``document_kinds`` code)."""
    return [
        _("Missing document: %(label)s (document kind “%(kind)s”).") % {"label": RepairDocument.Kind(kind).label, "kind": kind}
        for kind in missing
    ]


def _application_check(*, entry, evidence, commitment_signed, contact, documents, channel) -> tuple[list[str], list[tuple]]:
    """What the application itself must hold, whatever the entry says: ``(kinds, [(file, content
    type)])`` or one ValidationError by field. A department knows the entry, so the documents its
    rule set asks for are checked here too; a public filing learns them only once filed."""
    errors = {}
    if not (evidence or "").strip():
        errors["evidence"] = [_("Describe how the obligations were fulfilled.")]
    if not commitment_signed:
        errors["commitment_signed"] = [_("A signed credit commitment is required.")]
    if not (contact or "").strip():
        errors["contact"] = [_("Give a contact so the decision can reach you.")]
    kinds = [kind for kind, _file in documents]
    if any(kind not in RepairDocument.Kind.values for kind in kinds):
        errors["document_kinds"] = [_("Each document is one of: %(kinds)s.") % {"kinds": ", ".join(RepairDocument.Kind.values)}]
    try:
        uploads = uploads_check([file for _kind, file in documents], field="documents")
    except ValidationError as exc:
        errors.update(exc.message_dict)
        uploads = []
    missing = documents_missing(kinds, entry=entry if channel == RepairApplication.Channel.DEPARTMENT else None)
    if missing:
        errors.setdefault("documents", []).extend(missing_documents_messages(missing))
    if errors:
        raise ValidationError(errors)
    return kinds, uploads


@dataclass
class Refusal:
    """What the entry's record refuses an application for: the error a department gets at once, and
    for a public filing the reason (in the public's words) and the date its refusal carries."""

    error: Exception
    public_reason: str
    eligible_from: datetime.date | None = None


def _record_refusal(entry, kinds) -> Refusal | None:
    """Under the entry's lock: the entry not eligible, an application already live, a document its
    rule set asks for missing; None when nothing in the record stands against the application."""
    eligibility = repair_eligibility(entry=entry)
    field_name = "record" if isinstance(entry, CreditRecord) else "list_entry"
    if not eligibility.eligible:
        return Refusal(
            ApplicationError(" ".join(eligibility.reasons), extra={
                "reasons": eligibility.reasons, "eligible_from": eligibility.eligible_from.isoformat() if eligibility.eligible_from else None}),
            "".join(wording.ineligibility_in_chinese(entry, eligibility.eligible_from)), eligibility.eligible_from,
        )
    if RepairApplication.objects.filter(**{field_name: entry}, state__in=LIVE_APPLICATION_STATES).exists():
        return Refusal(ValidationError({field_name: [_("A repair application for this entry is already being handled.")]}), wording.ALREADY_LIVE)
    missing = documents_missing(kinds, entry=entry)
    if missing:
        return Refusal(ValidationError({"documents": missing_documents_messages(missing)}), wording.TRAINING_MISSING)
    return None


@transaction.atomic(durable=True)
def repair_apply(*, entry=None, record=None, evidence: str, commitment_signed: bool, contact: str, documents, applicant_name: str = "",
                 actor=None, channel: str = RepairApplication.Channel.DEPARTMENT) -> RepairApplication:
    """File a repair application with its ``documents`` (``[(kind, file)]``: PDF, JPG or PNG): the
    proof of fulfilment and the signed commitment always, the credit training certificate or credit
    report where the entry's rule set asks for one (``documents_missing``).

    Entered by a department, an application the entry refuses (not eligible, one already live, a
    document its rule set asks for missing) is not filed: a 400 with every reason (and
    ``eligible_from``), or naming the missing documents. Filed by the public, it is filed and at once
    refused by the platform with the reasons and the date, which its receipt shows: so a filing
    matched by identifier, name and decision number is always answered with a receipt, and nothing
    of the record is told without a filing on record (docs/DEVELOPMENT.md, public filings)."""
    if (entry is None) == (record is None):
        raise ValidationError({"target": [_("Name the list entry or the credit record to repair.")]})
    documents = list(documents or [])
    kinds, uploads = _application_check(entry=entry, evidence=evidence, commitment_signed=commitment_signed, contact=contact,
                                        documents=documents, channel=channel)
    department = getattr(actor, "department", None) if actor is not None else None
    if channel == RepairApplication.Channel.DEPARTMENT:
        require(department is not None, _("Only a user of a department can enter an application."))
    # Lock the entry before counting its live applications: two filed at the same moment queue here,
    # and the second sees the first.
    if record is not None:
        entry = lock_record(record.pk)  # the record stands where the entry would (``entry`` below)
        record = entry
    else:
        entry = lock_entry(entry.pk)
    refusal = _record_refusal(entry, kinds)
    if refusal is not None and channel == RepairApplication.Channel.DEPARTMENT:
        raise refusal.error
    today = timezone.localdate()
    rules = rule_set_of(entry)
    answer_due = calendar.add_working_days(today, rules.repair_answer_days)
    application = RepairApplication.objects.create(
        channel=channel,
        subject=entry.subject,
        list_entry=None if record is not None else entry,
        record=record,
        deciding_department=record.department if record is not None else entry.identifying_department,
        filing_department=department if channel == RepairApplication.Channel.DEPARTMENT else None,
        filed_by=actor if getattr(actor, "pk", None) else None,
        applicant_name=(applicant_name or entry.subject.name).strip(),
        contact=contact.strip(),
        evidence=evidence.strip(),
        commitment_signed=True,
        training_completed=RepairDocument.Kind.TRAINING in kinds,
        rule_set=rules,
        answer_due=answer_due.date,
        due_dates_provisional=answer_due.provisional,
    )
    for kind, (file, content_type) in zip(kinds, uploads, strict=True):
        RepairDocument.objects.create(
            application=application, kind=kind, file=file, original_name=(file.name or "")[:255], content_type=content_type, size=file.size,
        )
    events.repair_filed(application, actor, to_state=application.state,
                        extra={"list_entry": None if record is not None else entry.pk, "record": getattr(record, "pk", None), "channel": channel, "documents": kinds})
    if refusal is not None:
        return _refuse_on_filing(application, refusal)
    notifications.notify_on_commit(
        department=application.deciding_department, verb="repair_filed",
        title=_("Credit repair %(receipt)s to review; answer by %(due)s") % {"receipt": application.receipt_number, "due": application.answer_due},
        url=_url(application),
    )
    return application


def _refuse_on_filing(application: RepairApplication, refusal: Refusal) -> RepairApplication:
    """The platform refuses a public application its entry does not allow, as it is filed (nobody
    to decide it: no notification), with the reason and the date the receipt holder reads."""
    previous = application.state
    run_transition(application, "refuse", at=timezone.now(), reason=refusal.public_reason, eligible_from=refusal.eligible_from)
    application.save(update_fields=["state", "decided_at", "refusal_reason", "eligible_from"])
    record = refusal.error.messages if isinstance(refusal.error, ValidationError) else [refusal.error.message]
    events.repair_refused(application, None, from_state=previous, to_state=application.state, reason=refusal.public_reason,
                          extra={"by": "platform", "reasons": record})
    return application


def _lock(application_id) -> RepairApplication:
    # Lock the application so two clerks cannot decide it twice.
    return RepairApplication.objects.select_for_update(of=("self",)).select_related("list_entry", "record", "rule_set").get(pk=application_id)


@transaction.atomic(durable=True)
def repair_accept(*, application: RepairApplication, actor) -> RepairApplication:
    application = _lock(application.pk)
    require(access.can_decide_repair(actor, application), _("Only the identifying department decides this repair."))
    previous = application.state
    now = timezone.now()
    decide_due = calendar.add_working_days(timezone.localdate(now), application.rule_set.repair_decide_days)
    run_transition(application, "accept", at=now, decide_due=decide_due.date)
    application.due_dates_provisional = decide_due.provisional
    application.save(update_fields=["state", "accepted_at", "decide_due", "due_dates_provisional"])
    events.repair_accepted(application, actor, from_state=previous, to_state=application.state)
    return application


@transaction.atomic(durable=True)
def repair_refuse(*, application: RepairApplication, actor, reason: str) -> RepairApplication:
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason for refusing; the applicant sees it.")]})
    application = _lock(application.pk)
    require(access.can_decide_repair(actor, application), _("Only the identifying department decides this repair."))
    previous = application.state
    run_transition(application, "refuse", at=timezone.now(), reason=reason.strip())
    application.save(update_fields=["state", "decided_at", "refusal_reason", "eligible_from"])
    events.repair_refused(application, actor, from_state=previous, to_state=application.state, reason=reason)
    return application


@transaction.atomic(durable=True)
def repair_extend(*, application: RepairApplication, actor, reason: str) -> RepairApplication:
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason for extending.")]})
    application = _lock(application.pk)
    require(access.can_decide_repair(actor, application), _("Only the identifying department decides this repair."))
    require_transition(application, "extend")
    rules = application.rule_set
    answer = calendar.add_working_days(application.answer_due, rules.repair_answer_days)
    decide = calendar.add_working_days(application.decide_due, rules.repair_decide_days) if application.decide_due else None
    run_transition(application, "extend", reason=reason.strip(), answer_due=answer.date, decide_due=decide.date if decide else None)
    application.due_dates_provisional = application.due_dates_provisional or (decide or answer).provisional
    application.save(update_fields=["extended", "extension_reason", "answer_due", "decide_due", "due_dates_provisional"])
    events.repair_extended(application, actor, from_state=application.state, to_state=application.state, reason=reason)
    return application


@transaction.atomic(durable=True)
def repair_reject(*, application: RepairApplication, actor, reason: str, false_materials: bool = False) -> RepairApplication:
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reasons for rejecting; the applicant sees them.")]})
    application = _lock(application.pk)
    require(access.can_decide_repair(actor, application), _("Only the identifying department decides this repair."))
    previous = application.state
    run_transition(application, "reject", at=timezone.now(), reason=reason.strip(), false_materials=false_materials)
    application.decided_by = actor
    application.save(update_fields=["state", "decided_at", "rejection_reason", "false_materials", "decided_by"])
    events.repair_rejected(application, actor, from_state=previous, to_state=application.state, reason=reason,
                           extra={"false_materials": false_materials})
    return application


@transaction.atomic(durable=True)
def repair_approve(*, application: RepairApplication, actor) -> RepairApplication:
    """Approve: the entry leaves the list (repaired) and the public site; its cases go to repaired;
    every live assignment goes to lifting with a confirmation due date; departments are told."""
    application = _lock(application.pk)
    require(access.can_decide_repair(actor, application), _("Only the identifying department decides this repair."))
    # The state first: the loser of two approvals at once finds it approved (409), not an entry that
    # has already left the list (no longer eligible, 400).
    require_transition(application, "approve")
    eligibility = repair_eligibility(entry=application.target)
    if not eligibility.eligible:
        raise ApplicationError(" ".join(eligibility.reasons), extra={"reasons": eligibility.reasons})
    previous = application.state
    run_transition(application, "approve", at=timezone.now())
    application.decided_by = actor
    application.save(update_fields=["state", "decided_at", "decided_by"])
    events.repair_approved(application, actor, from_state=previous, to_state=application.state)
    if application.record_id:
        record_services.record_remove_in_transaction(
            record=application.record, actor=actor, reason=RecordRemovalReason.REPAIRED, note=application.receipt_number, check_permission=False,
        )
    else:
        list_services.entry_remove_in_transaction(
            entry=application.list_entry, actor=actor, reason=RemovalReason.REPAIRED, note=application.receipt_number, check_permission=False
        )
    return application


def repairs_urge_overdue(*, today: datetime.date | None = None) -> int:
    overdue = list(selectors.repairs_overdue(today=today))
    items = [
        {"department_id": a.deciding_department_id, "verb": "repair_overdue",
         "title": _("Credit repair %(receipt)s is overdue") % {"receipt": a.receipt_number}, "url": _url(a)}
        for a in overdue
    ]
    if overdue:
        items += [
            {"department_id": d.pk, "verb": "repairs_overdue", "title": _("%(n)d credit repairs are overdue") % {"n": len(overdue)},
             "url": "/admin/repair/repairapplication/?overdue=yes"}
            for d in Department.objects.filter(is_leadership_office=True)
        ]
    with transaction.atomic():
        notifications.notify_many_on_commit(items)
    return len(overdue)


def repair_lifting_progress(*, user, application: RepairApplication, today: datetime.date | None = None) -> list[dict]:
    """The lifting of the entry's measures as ``user`` may see it (sanctions.access): one row per push
    of the entry's cases, with ``status`` lifted | lifted_late | late | lifting | <assignment state>.
    One query (rows with case, department and target joined)."""
    today = today or timezone.localdate()
    rows = []
    if not application.list_entry_id:
        return rows  # a record's publicity: no measures, nothing to lift
    assignments = (
        assignments_for_user(user).filter(case__list_entry_id=application.list_entry_id)
        .select_related("case", "department", "target").order_by("case__number", "department__code", "target_role", "pk")
    )
    for assignment in assignments:
        if assignment.state == AssignmentState.LIFTED:
            status = "lifted" if assignment.lift_confirmed_on_time is not False else "lifted_late"
        elif assignment.state == AssignmentState.LIFTING:
            status = "late" if assignment.lift_due and assignment.lift_due < today else "lifting"
        else:
            status = assignment.state
        rows.append({"assignment": assignment, "case": assignment.case, "department": assignment.department, "status": status})
    return rows


def repairs_recompute_provisional(year: int) -> int:
    """Recompute the deadlines of open applications computed through a provisional calendar
    (registered with credit_platform.calendar): the answer date from the filing day, the decision
    date from the acceptance day, each moved once more if the application was extended at that
    stage (the extension's audit event says whether it came before or after acceptance). Running it
    twice changes nothing. Each application is locked and its new dates and their audit event
    written in one transaction. Returns how many changed."""
    start = datetime.date(year - 1, 1, 1)
    candidates = RepairApplication.objects.filter(
        due_dates_provisional=True, state__in=[RepairState.SUBMITTED, RepairState.REVIEWING],
        created_at__gte=timezone.make_aware(datetime.datetime.combine(start, datetime.time.min)),
    )
    changed, last_pk = 0, 0
    while ids := list(candidates.filter(pk__gt=last_pk).order_by("pk").values_list("pk", flat=True)[:500]):
        last_pk = ids[-1]
        changed += sum(_repair_recompute_one(application_id, year, candidates) for application_id in ids)
    return changed


@transaction.atomic(durable=True)
def _repair_recompute_one(application_id: int, year: int, candidates) -> bool:
    """Recompute one application's deadlines under its lock (still open and provisional: checked again)."""
    locked = lock_rows(candidates.filter(pk=application_id).select_related("rule_set"))
    if not locked:
        return False
    application = locked[0]
    rules = application.rule_set
    extended_while = set(
        AuditEvent.objects.filter(stream=audit.stream_for(application), action=events.repair_extended.code).values_list("from_state", flat=True)
    ) if application.extended else set()
    if application.state == RepairState.SUBMITTED:
        due = calendar.add_working_days(timezone.localdate(application.created_at), rules.repair_answer_days)
        provisional = due.provisional
        if RepairState.SUBMITTED in extended_while:
            due = calendar.add_working_days(due.date, rules.repair_answer_days)
            provisional = provisional or due.provisional
        fields = {"answer_due": due.date, "due_dates_provisional": provisional}
    else:
        due = calendar.add_working_days(timezone.localdate(application.accepted_at), rules.repair_decide_days)
        provisional = due.provisional
        if RepairState.REVIEWING in extended_while:
            due = calendar.add_working_days(due.date, rules.repair_decide_days)
            provisional = provisional or due.provisional
        fields = {"decide_due": due.date, "due_dates_provisional": provisional}
    if all(getattr(application, f) == v for f, v in fields.items()):
        return False
    RepairApplication.objects.filter(pk=application.pk).update(**fields)
    events.repair_due_dates_recomputed(application, extra={"year": year, **fields})
    return True
