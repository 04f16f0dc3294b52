"""Who sees and manages credit commitments (the one place that decides; ``records.access`` re-exports).

- the accepting department sees and manages its commitments;
- the credit office sees and manages every one; the leadership office reads every one;
- every other department sees the public ones (信用承诺公示); anything else is a 404.
"""
from django.db.models import Q, QuerySet
from django.http import Http404

from credit_platform.permissions import can_see_everything, department_of, is_department_member, is_leadership
from records.commitment_models import Commitment, may_manage_commitment


def commitments_for_user(user) -> QuerySet[Commitment]:
    commitments = Commitment.objects.all()
    if can_see_everything(user):
        return commitments
    department = department_of(user) if is_department_member(user) else None
    if department is None:
        return commitments.none()
    return commitments.filter(Q(public=True) | Q(department_id=department.pk))


def commitment_get_for_user(*, user, commitment_id, queryset=None) -> Commitment:
    """The commitment, or Http404 both when it does not exist and when the user may not see it."""
    try:
        return (queryset if queryset is not None else commitments_for_user(user)).get(pk=commitment_id)
    except (Commitment.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No such commitment.") from None


def can_manage_commitment(user, commitment: Commitment) -> bool:
    return may_manage_commitment(commitment, user)


def can_accept_commitments(user) -> bool:
    """Record a commitment: any department member but the leadership office (which reads)."""
    return is_department_member(user) and not is_leadership(user)
