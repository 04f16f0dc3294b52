"""The credit check (信用核查, 应查必查): before an approval, procurement, grant or tender a department
checks the subject's credit, and feeds back every hit.

- ``credit_check_run``: the logged check of one identifier (API and the admin page): the subject's
  lists (published, or suspended while an objection is verified), the measures the caller's own
  department must apply now, measures held by an objection apart (联合惩戒措施在信息核实期间暂不执行),
  and the ``standing`` (published penalty and dishonesty records, breached commitments,
  ``clean_since``, ``green_channel``: ``checks.standing``). Every check of a well-formed identifier is
  logged (``CreditCheckLog``, its id the answer's ``check_id``), organisations too; a natural person
  needs the ``purpose`` and its look-up is also written to the person's audit stream.
- ``credit_check_batch``: up to 1,000 identifiers (a tender's bidders), answered in input order with
  an error per bad item, in the same number of queries whatever the count; natural persons are
  checked one at a time.
- ``credit_check_hit_fed_back``: the checking department says the hit was used (a bid refused, a
  permit held back); ``credit_check_feedback``: a hit recorded on the department's own fed-back push.

Bounded: two reads (the subject with its entries, records and breached commitments as JSON arrays;
the department's pushes with their cases and measures: ``checks.reads``) plus the log insert; for a
person, the audit event too.
"""
import datetime
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from checks import events, reads
from checks.models import CheckChannel, CreditCheckLog
from checks.standing import Standing, standing
from credit_platform import identifiers
from credit_platform.domains import ListType
from credit_platform.exceptions import IllegalTransition, available_transitions
from credit_platform.models import Subject, SubjectKind
from credit_platform.permissions import department_of, is_leadership
from credit_platform.selectors import is_person_identifier, person_records_viewed
from credit_platform.workflow import entry_point, lock_one, require
from lists.models import EntryState, ListEntry
from sanctions import services
from sanctions.models import (
    LIVE_ASSIGNMENT_STATES,
    LIVE_CASE_STATES,
    Assignment,
    AssignmentState,
    CaseState,
    Measure,
    MeasureFeedback,
)

CHECKED_ENTRY_STATES = [EntryState.PUBLISHED, EntryState.SUSPENDED]
BATCH_MAX = 1000
PURPOSE_MAX_LENGTH = 500
REFERENCE_MAX_LENGTH = 200
FEEDBACK_NOTE_MAX_LENGTH = 1000
PURPOSE_REQUIRED = _("Give the purpose of the check (the approval, procurement, grant or tender): a natural person's look-up is logged with it.")
NOT_FOUND = _("No subject is registered with this identifier.")
INVALID_IDENTIFIER = _("Not a valid unified social credit code or citizen ID.")
PERSON_IN_BATCH = _("A natural person is checked one at a time, with the purpose of the look-up.")
HELD_NOTE = _("Held: an objection is being verified; this measure must not be applied while the verification runs.")


@dataclass
class MeasureDue:
    """One measure of one of the caller's assignments targeting the subject."""

    assignment: Assignment
    measure: Measure
    held: bool

    @property
    def case(self):
        return self.assignment.case

    @property
    def period_end(self) -> datetime.date:
        return self.assignment.case.period_end

    @property
    def note(self) -> str:
        return str(HELD_NOTE) if self.held else ""


@dataclass
class CreditCheck:
    subject: Subject
    entries: list[ListEntry]
    measures_to_apply: list[MeasureDue] = field(default_factory=list)
    held_measures: list[MeasureDue] = field(default_factory=list)
    # Records, breached commitments, clean_since, green_channel (checks.standing).
    standing: Standing = field(default_factory=Standing)
    check_id: uuid.UUID | None = None  # the log's id, when the check was logged

    @property
    def hit(self) -> bool:
        """A black entry on the list now, or measures the caller's department must apply or holds."""
        black = any(entry.list_type == ListType.BLACK for entry in self.entries)
        return black or bool(self.measures_to_apply or self.held_measures)


@dataclass
class BatchItem:
    """One identifier of a batch, in input order: its answer, or the error (``code``, ``message``)."""

    identifier: str
    result: CreditCheck | None = None
    error_code: str = ""
    error: str = ""


def subject_by_identifier(identifier) -> Subject | None:
    """The subject with this unified social credit code or citizen ID (normalised), or None."""
    value = identifiers.normalise(identifier)
    if not value:
        return None
    return Subject.objects.filter(identifier=value).first()


def subject_entries_checked(subject: Subject) -> list[ListEntry]:
    """The subject's entries on a list now, and its removed black entries (``checks.standing``: clean_since)."""
    return list(
        ListEntry.objects.filter(subject=subject)
        .filter(Q(state__in=CHECKED_ENTRY_STATES) | Q(list_type=ListType.BLACK, state=EntryState.REMOVED))
        .order_by("-decided_on", "-id")
    )


def subject_entries(subject: Subject) -> list[ListEntry]:
    """The subject's entries on a list now: published, or suspended while an objection is verified."""
    return list(
        ListEntry.objects.filter(subject=subject, state__in=CHECKED_ENTRY_STATES).order_by("-decided_on", "-id")
    )


def department_assignments(*, department, subject: Subject) -> list[Assignment]:
    """The department's live or held assignments targeting the subject, on live or held cases.

    A natural person who is a responsible person of an organisation under a case is targeted
    directly by the assignments that reach persons (落实到人), so the same query covers them.
    """
    if department is None:
        return []
    measures = Prefetch(
        "measures", queryset=Measure.objects.only("pk", "code", "name", "name_en", "category", "legal_basis").order_by("code")
    )
    return list(
        Assignment.objects.filter(
            department=department,
            target=subject,
            state__in=[*LIVE_ASSIGNMENT_STATES, AssignmentState.SUSPENDED],
            case__state__in=[*LIVE_CASE_STATES, CaseState.SUSPENDED],
        )
        .select_related("case")
        .prefetch_related(measures)
        .order_by("case__period_end", "pk")
    )


def _answer(*, user, subject: Subject, assignments: list[Assignment]) -> CreditCheck:
    """The answer from a subject read by ``checks.reads`` (entries, records, commitments on it) and the
    department's pushes targeting it (``measure_list`` on each)."""
    entries = subject.checked_entries
    result = CreditCheck(subject=subject, entries=[entry for entry in entries if entry.state in CHECKED_ENTRY_STATES])
    result.standing = standing(user=user, subject=subject, entries=entries, records=subject.standing_records,
                               commitments=subject.standing_commitments)
    for assignment in assignments:
        held = assignment.state == AssignmentState.SUSPENDED or assignment.case.state == CaseState.SUSPENDED
        bucket = result.held_measures if held else result.measures_to_apply
        bucket.extend(MeasureDue(assignment=assignment, measure=m, held=held) for m in assignment.measure_list)
    return result


def credit_check(*, user, subject: Subject, purpose: str = "") -> CreditCheck:
    """What the caller's department must know before it grants, approves or awards anything (not
    logged as a check: ``credit_check_run`` is; a person's look-up is written to its audit stream)."""
    subject = reads.subjects_with_standing([subject.identifier])[subject.identifier]
    assignments = reads.assignments_for(department=department_of(user), subject_ids=[subject.pk]).get(subject.pk, [])
    result = _answer(user=user, subject=subject, assignments=assignments)
    if subject.kind == SubjectKind.NATURAL_PERSON:
        person_records_viewed(user=user, subjects=[subject], reason=purpose or str(_("credit check")))
    return result


def is_well_formed(value: str) -> bool:
    """A valid unified social credit code or citizen ID (normalised): worth a look-up and a log line."""
    for validate in (identifiers.validate_uscc, identifiers.validate_citizen_id):
        try:
            validate(value)
        except ValidationError:
            continue
        return True
    return False


def _log(*, actor, identifier: str, result: CreditCheck | None, purpose: str, business_reference: str, channel: str) -> CreditCheckLog:
    return CreditCheckLog(
        identifier=identifier, subject=result.subject if result else None, department=department_of(actor),
        user=actor if getattr(actor, "pk", None) else None, channel=channel, purpose=purpose, business_reference=business_reference,
        hit=result.hit if result else False, green_channel=result.standing.green_channel if result else None,
    )


def _clean_text(value, limit: int) -> str:
    return (value or "").strip()[:limit]


def credit_check_run_in_transaction(*, actor, identifier, purpose: str = "", business_reference: str = "",
                                    channel: str = CheckChannel.API) -> CreditCheck | None:
    """Check one identifier and log it; None when no subject is registered with it (logged too when
    the identifier is well-formed). A citizen ID without ``purpose``: ValidationError, nothing read."""
    value = identifiers.normalise_typed(identifier)
    purpose, business_reference = _clean_text(purpose, PURPOSE_MAX_LENGTH), _clean_text(business_reference, REFERENCE_MAX_LENGTH)
    if is_person_identifier(value) and not purpose:
        raise ValidationError({"purpose": [PURPOSE_REQUIRED]})
    if not value:
        return None
    subject = reads.subjects_with_standing([value]).get(value)
    result = None
    if subject is not None:
        if subject.kind == SubjectKind.NATURAL_PERSON and not purpose:
            raise ValidationError({"purpose": [PURPOSE_REQUIRED]})
        assignments = reads.assignments_for(department=department_of(actor), subject_ids=[subject.pk]).get(subject.pk, [])
        result = _answer(user=actor, subject=subject, assignments=assignments)
    if subject is not None or is_well_formed(value):
        log = _log(actor=actor, identifier=value, result=result, purpose=purpose, business_reference=business_reference, channel=channel)
        log.save(force_insert=True)
        if result is not None:
            result.check_id = log.pk
    if subject is not None and subject.kind == SubjectKind.NATURAL_PERSON:
        person_records_viewed(user=actor, subjects=[subject], reason=purpose)
    return result


credit_check_run = entry_point(credit_check_run_in_transaction)


def credit_check_batch_in_transaction(*, actor, identifiers_given: list, purpose: str = "", business_reference: str = "") -> list[BatchItem]:
    """Check up to ``BATCH_MAX`` identifiers at once, answered in input order; every well-formed one is
    logged (one insert). Errors per item: ``invalid`` (not a well-formed code or ID), ``not_found``
    (no subject registered, as the single check answers), ``person`` (persons are checked one at a time)."""
    purpose, business_reference = _clean_text(purpose, PURPOSE_MAX_LENGTH), _clean_text(business_reference, REFERENCE_MAX_LENGTH)
    items = [BatchItem(identifier=str(given)) for given in identifiers_given]
    values = [identifiers.normalise_typed(item.identifier) for item in items]
    wanted = []
    for item, value in zip(items, values, strict=True):
        if not is_well_formed(value):
            item.error_code, item.error = "invalid", str(INVALID_IDENTIFIER)
        elif is_person_identifier(value):
            item.error_code, item.error = "person", str(PERSON_IN_BATCH)
        else:
            wanted.append(value)
    subjects = reads.subjects_with_standing(sorted(set(wanted)))
    # An organisation's code that a person holds cannot happen (the kinds' formats differ); kept safe.
    organisations = {value: s for value, s in subjects.items() if s.kind != SubjectKind.NATURAL_PERSON}
    by_subject = reads.assignments_for(department=department_of(actor), subject_ids=[s.pk for s in organisations.values()])
    logs = []
    for item, value in zip(items, values, strict=True):
        if item.error_code:
            continue
        subject = organisations.get(value)
        if subject is None:
            item.error_code, item.error = "not_found", str(NOT_FOUND)
        else:
            item.result = _answer(user=actor, subject=subject, assignments=by_subject.get(subject.pk, []))
        log = _log(actor=actor, identifier=value, result=item.result, purpose=purpose, business_reference=business_reference,
                   channel=CheckChannel.BATCH)
        if item.result is not None:
            item.result.check_id = log.pk
        logs.append(log)
    CreditCheckLog.objects.bulk_create(logs, batch_size=1000)
    return items


credit_check_batch = entry_point(credit_check_batch_in_transaction)


def check_log_get_for_user(*, user, check_id) -> CreditCheckLog:
    """The check, for its own department only (anything else: 404, as an unknown id)."""
    department = department_of(user)
    check = CreditCheckLog.objects.filter(pk=check_id, department=department).first() if department is not None else None
    if check is None:
        raise Http404("No such check.")
    return check


def credit_check_hit_fed_back_in_transaction(*, check: CreditCheckLog, actor, measure_applied: bool, note: str = "") -> CreditCheckLog:
    """The checking department says what it did with the hit (once; 409 for a check without a hit)."""
    check = lock_one(CreditCheckLog.objects.filter(pk=check.pk))
    require(department_of(actor) is not None and check.department_id == department_of(actor).pk, str(_("Not your department's check.")))
    # The leadership office reads (its own checks too) but applies no measure: it feeds back nothing.
    require(not is_leadership(actor), str(_("The leadership office supervises; it feeds back no hit.")))
    state = "fed_back" if check.fed_back_at else ("hit" if check.hit else "no_hit")
    if state != "hit":
        detail = _("This check's hit was already fed back.") if check.fed_back_at else _("This check found nothing to apply: there is no hit to feed back.")
        raise IllegalTransition(detail, state=state)
    check.fed_back_at, check.fed_back_by = timezone.now(), actor
    check.measure_applied, check.feedback_note = measure_applied, _clean_text(note, FEEDBACK_NOTE_MAX_LENGTH)
    check.save(update_fields=["fed_back_at", "fed_back_by", "measure_applied", "feedback_note"])
    events.credit_check_fed_back(check, actor, to_state="fed_back",
                                 extra={"measure_applied": measure_applied, "business_reference": check.business_reference})
    return check


credit_check_hit_fed_back = entry_point(credit_check_hit_fed_back_in_transaction)


def credit_check_feedback(*, assignment: Assignment, actor, items: list[services.FeedbackItem]) -> list[MeasureFeedback]:
    """Record a hit of the credit check on a fed-back assignment (409 before the first feedback or
    while an objection holds the case; the service checks the department and the state again under lock)."""
    if assignment.state in (AssignmentState.PENDING, AssignmentState.ACKNOWLEDGED):
        raise IllegalTransition(
            _("The first feedback on this push must come first: sign for it and feed back every measure, "
              "then record the credit-check hits."),
            state=assignment.state, allowed=available_transitions(assignment),
        )
    return services.assignment_record_feedback(
        assignment=assignment, actor=actor, items=items, source=MeasureFeedback.Source.CREDIT_CHECK
    )
