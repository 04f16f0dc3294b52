"""Reads of the platform core that the API, the admin and the pages share."""
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from credit_platform import audit
from credit_platform.models import Department, ResponsiblePerson, Subject, SubjectKind, User

PERSON_RECORD_VIEWED = "person_record_viewed"


def departments_list() -> QuerySet[Department]:
    """Every department (the catalogue of who takes part), parents joined, ordered by code."""
    return Department.objects.select_related("parent").order_by("code")


def subjects_for_user(user: User) -> QuerySet[Subject]:
    """The subjects ``user`` may look up: all of them (the registry is shared by every department).

    Whoever shows natural persons from it must log the look-up (``person_records_viewed``).
    """
    return Subject.objects.all()


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
    """The subject ``user`` looks up, with its responsible persons; 404 when unknown or not visible.

    Logs the look-up of every natural person shown (the subject itself or its responsible persons).
    """
    subject = subject_detail(subject_id=subject_id, queryset=subjects_for_user(user))
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
            audit.record(obj=person, action=PERSON_RECORD_VIEWED, actor=user, reason=reason[:500])
