"""The credit check (信用核查, 应查必查): before an approval, procurement, grant or tender a department
checks the subject's credit, and feeds back every hit.

- ``credit_check``: the subject's lists (published, or suspended while an objection is verified)
  and the measures the caller's own department must apply now; measures held by an objection are
  listed apart (联合惩戒措施在信息核实期间暂不执行). A natural person's look-up is logged.
- ``credit_check_feedback``: a hit of the check (a bid refused, a permit held back), recorded on the
  department's own fed-back assignment with source ``credit_check``.

- ``standing``: published penalty and dishonesty records, breached commitments, ``clean_since`` and
  ``green_channel`` (``checks.standing``).

Bounded: six queries whatever the number of entries, assignments and measures (subject, entries,
assignments with their cases, their measures, records, breached commitments), plus the audit event
for a person.
"""
import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _

from checks.standing import Standing, standing
from credit_platform import identifiers
from credit_platform.domains import ListType
from credit_platform.exceptions import IllegalTransition, available_transitions
from credit_platform.models import Subject, SubjectKind
from credit_platform.permissions import department_of
from credit_platform.selectors import person_records_viewed
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


def credit_check(*, user, subject: Subject, purpose: str = "") -> CreditCheck:
    """What the caller's department must know before it grants, approves or awards anything."""
    entries = subject_entries_checked(subject)
    result = CreditCheck(subject=subject, entries=[entry for entry in entries if entry.state in CHECKED_ENTRY_STATES])
    result.standing = standing(user=user, subject=subject, entries=entries)
    for assignment in department_assignments(department=department_of(user), subject=subject):
        held = assignment.state == AssignmentState.SUSPENDED or assignment.case.state == CaseState.SUSPENDED
        bucket = result.held_measures if held else result.measures_to_apply
        bucket.extend(MeasureDue(assignment=assignment, measure=m, held=held) for m in assignment.measures.all())
    if subject.kind == SubjectKind.NATURAL_PERSON:
        person_records_viewed(user=user, subjects=[subject], reason=purpose or str(_("credit check")))
    return result


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
