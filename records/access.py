"""Who may see and do what with the catalogue and credit records. The one place that decides.

- the credit office sees and manages every record, and manages the catalogue;
- the leadership office reads every record;
- a providing department sees and manages the records it provided, in every state;
- every other department sees the published records of public types only;
- whoever may not see a record gets 404 (``record_get_for_user``).
A record is decided by its ``department`` (no per-object grant rows). The admin, the API, the
services and the transitions' ``permission=`` callables ask these functions.
"""
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet, Value
from django.http import Http404

from credit_platform.permissions import can_see_everything, department_of, is_credit_office, is_department_member, is_leadership
from records.models import CreditRecord, RecordState, RecordType, may_manage_record

# What departments other than the provider see: published records of public types.
VISIBLE_TO_OTHERS = Q(state=RecordState.PUBLISHED, record_type__public=True)


def _department(user):
    return department_of(user) if is_department_member(user) else None


def records_for_user(user) -> QuerySet[CreditRecord]:
    """Records the user's department may see: every one for supervisors, its own, and the published public ones."""
    records = CreditRecord.objects.all()
    if can_see_everything(user):
        return records
    department = _department(user)
    if department is None:
        return records.none()
    return records.filter(VISIBLE_TO_OTHERS | Q(department_id=department.pk))


def with_caller_manages(queryset: QuerySet[CreditRecord], user) -> QuerySet[CreditRecord]:
    """Annotate ``caller_manages``: whether ``user`` may publish or remove the record (no extra query)."""
    if is_credit_office(user):
        return queryset.annotate(caller_manages=Value(True, output_field=BooleanField()))
    department = _department(user)
    if department is None or is_leadership(user):
        return queryset.annotate(caller_manages=Value(False, output_field=BooleanField()))
    return queryset.annotate(caller_manages=ExpressionWrapper(Q(department_id=department.pk), output_field=BooleanField()))


def record_get_for_user(*, user, record_id, queryset=None) -> CreditRecord:
    """The record, or Http404 both when it does not exist and when the user may not see it."""
    try:
        return (queryset if queryset is not None else records_for_user(user)).get(pk=record_id)
    except (CreditRecord.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No such credit record.") from None


def can_manage_record(user, record: CreditRecord) -> bool:
    """Publish, remove: the providing department and the credit office."""
    return may_manage_record(record, user)


def can_manage_catalogue(user) -> bool:
    """Add and change record types: the credit office."""
    return is_credit_office(user)


def types_provided_by(user) -> QuerySet[RecordType]:
    """The active record types the user's department may record under: those it provides; every one for the credit office."""
    types = RecordType.objects.filter(is_active=True)
    if is_credit_office(user):
        return types
    department = _department(user)
    if department is None or is_leadership(user):
        return types.none()
    return types.filter(departments=department)


def can_record(user, record_type: RecordType) -> bool:
    """Enter a record of ``record_type``: a providing department of the type (or the credit office)."""
    return types_provided_by(user).filter(pk=record_type.pk).exists()


def subjects_with_work(department_id: int) -> QuerySet:
    """The subjects a department has work about here (credit_platform.selectors' need-to-know scope):
    those of the records it provided."""
    return CreditRecord.objects.filter(department_id=department_id).values_list("subject_id", flat=True)


# Credit commitments (records/commitment_access.py).
from records.commitment_access import (  # noqa: E402,F401
    can_accept_commitments,
    can_manage_commitment,
    commitment_get_for_user,
    commitments_for_user,
)
