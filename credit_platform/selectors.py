"""Reads of the platform core that the API, the admin and the pages share.

Natural persons (RULES.md, personal information): a department reads a person's data only with a
reason, which is logged with every person shown (``person_records_viewed``), and only for persons it
has work about (need-to-know) or whose exact identifier it gives. Which persons a department has work
about is said by the apps: each registers a scope in its AppConfig.ready() (``register_subject_scope``),
so the core names no app. The credit office and the leadership office see every person, with a reason.
"""
from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from credit_platform import events, identifiers
from credit_platform.models import Department, ResponsiblePerson, Subject, SubjectKind, User
from credit_platform.permissions import can_see_everything, department_of

REASON_MAX_LENGTH = 500
REASON_REQUIRED = _(
    "Give the reason for looking up a natural person's record (for example the case or file number): "
    "every look-up of a person is logged with it."
)

# department id -> a query of subject ids (one column) the department has work about.
SubjectScope = Callable[[int], QuerySet]
_subject_scopes: list[SubjectScope] = []


def register_subject_scope(scope: SubjectScope) -> SubjectScope:
    """Say which subjects a department has work about: ``scope(department_id)`` returns a query of
    subject ids (``Model.objects.filter(department_id=...).values_list("subject_id", flat=True)``),
    served by an index on the department column. Called by each app in its AppConfig.ready()."""
    if scope not in _subject_scopes:
        _subject_scopes.append(scope)
    return scope


def subjects_with_work_for(department_id: int) -> QuerySet:
    """The ids of the subjects ``department_id`` has work about: one UNION ALL of the apps' scopes, to
    use as ``pk__in`` (the database drives the look-up from the department's rows, not the registry)."""
    queries = [scope(department_id).order_by() for scope in _subject_scopes]
    if not queries:
        return Subject.objects.none().values_list("pk", flat=True)
    return queries[0].union(*queries[1:], all=True) if len(queries) > 1 else queries[0]


def subjects_registered_by(department_id: int) -> QuerySet:
    """The core's scope (registered in ``CreditPlatformConfig.ready()``): a department has work about
    the subjects its clerks registered."""
    return Subject.objects.filter(registered_by_id=department_id).values_list("pk", flat=True)


def clean_reason(reason: str | None) -> str:
    """The reason for a look-up of persons, trimmed; a ValidationError on ``reason`` when blank."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [REASON_REQUIRED]})
    return reason[:REASON_MAX_LENGTH]


def is_person_identifier(value: str) -> bool:
    """Whether ``value`` (as typed) is a valid citizen ID: looking it up is a look-up of a person."""
    try:
        identifiers.validate_citizen_id(identifiers.normalise(value))
    except ValidationError:
        return False
    return True


def departments_list() -> QuerySet[Department]:
    """Every department (the catalogue of who takes part), parents joined, ordered by code."""
    return Department.objects.select_related("parent").order_by("code")


def subjects_for_user(user: User) -> QuerySet[Subject]:
    """The subjects ``user`` may refer to (open a case or an entry about): all of them, the registry
    is shared by every department. Not for showing them: reads go through ``subjects_shown_to_user``."""
    return Subject.objects.all()


def persons_shown_to_user(user: User) -> QuerySet[Subject]:
    """The natural persons ``user`` may read (with a reason): every one for the credit office and the
    leadership office, otherwise those the department has work about. The exact identifier finds any
    person: ``subjects_by_identifier``."""
    persons = Subject.objects.filter(kind=SubjectKind.NATURAL_PERSON)
    if can_see_everything(user):
        return persons
    department = department_of(user)
    if department is None:
        return persons.none()
    return persons.filter(pk__in=subjects_with_work_for(department.pk))


def subjects_shown_to_user(user: User, *, with_persons: bool) -> QuerySet[Subject]:
    """The subjects ``user`` may read: every organisation, and (``with_persons``: a reason was given)
    the persons of ``persons_shown_to_user``."""
    organisations = Q(kind__in=SubjectKind.organisations())
    if not with_persons:
        return Subject.objects.filter(organisations)
    if can_see_everything(user):
        return Subject.objects.all()
    return Subject.objects.filter(organisations) | persons_shown_to_user(user)


def subjects_by_identifier(identifier: str) -> QuerySet[Subject]:
    """The subject (of any kind) with exactly this identifier (normalised), whoever asks."""
    return Subject.objects.filter(identifier=identifiers.normalise(identifier))


def subject_detail(*, subject_id, queryset: QuerySet[Subject] | None = None) -> Subject:
    """One subject (from ``queryset``, default all) with its responsible persons, in two queries;
    404 when unknown. Logs nothing: a department's look-up goes through ``subject_get_for_user``."""
    queryset = Subject.objects.all() if queryset is None else queryset
    links = ResponsiblePerson.objects.select_related("person").order_by("role", "person__name")
    try:
        return queryset.prefetch_related(Prefetch("responsible_persons", queryset=links)).get(pk=subject_id)
    except (Subject.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def subject_get_for_user(*, user: User, subject_id, reason: str = "") -> Subject:
    """The subject ``user`` looks up, with its responsible persons; 404 when unknown or not visible
    (a person the department has no work about: the exact identifier finds them in a list instead).

    A person needs a reason (ValidationError on ``reason``, after the 404 check so it tells nothing
    about persons out of reach). Logs the look-up of every natural person shown: the subject itself,
    or, when a reason is given, an organisation's responsible persons (without a reason the caller
    shows them masked and nothing is logged).
    """
    reason = (reason or "").strip()
    subject = subject_detail(subject_id=subject_id, queryset=subjects_shown_to_user(user, with_persons=True))
    if subject.is_person:
        reason = clean_reason(reason)
    if reason:
        shown = [subject, *(link.person for link in subject.responsible_persons.all())]
        person_records_viewed(user=user, subjects=shown, reason=reason)
    return subject


def person_records_viewed(*, user: User, subjects: Iterable[Subject], reason: str = "") -> None:
    """Write one ``person_record_viewed`` audit event per natural person in ``subjects`` (RULES.md:
    every look-up of a person's record by a department is logged: who, when, why)."""
    person_ids = sorted({s.pk for s in subjects if s.kind == SubjectKind.NATURAL_PERSON})
    if not person_ids:
        return
    with transaction.atomic():
        # Lock the persons (in id order) so two simultaneous look-ups of one person append to its
        # audit stream one after the other instead of racing for the same sequence number.
        persons = list(Subject.objects.select_for_update().filter(pk__in=person_ids).order_by("pk"))
        for person in persons:
            events.person_record_viewed(person, user, reason=reason[:REASON_MAX_LENGTH])
