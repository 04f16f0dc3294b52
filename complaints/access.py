"""Who sees and decides complaints: the credit office (everything: it routes them), the leadership
office (reads everything), the assigned department (its own); anyone else gets 404."""
from django.db.models import QuerySet
from django.http import Http404

from complaints.models import Complaint, may_assign_complaint, may_decide_complaint, may_reject_complaint
from credit_platform.permissions import can_see_everything, department_of, is_credit_office, is_department_member, is_leadership


def complaints_for_user(user) -> QuerySet[Complaint]:
    complaints = Complaint.objects.all()
    if can_see_everything(user):
        return complaints
    department = department_of(user) if is_department_member(user) else None
    if department is None:
        return complaints.none()
    return complaints.filter(department=department)


def complaint_get_for_user(*, user, complaint_id, queryset=None) -> Complaint:
    try:
        return (queryset if queryset is not None else complaints_for_user(user)).get(pk=complaint_id)
    except (Complaint.DoesNotExist, ValueError, TypeError):
        raise Http404("No such complaint.") from None


def can_assign_complaint(user, complaint=None) -> bool:
    return may_assign_complaint(complaint, user)


def can_decide_complaint(user, complaint: Complaint) -> bool:
    return may_decide_complaint(complaint, user)


def can_reject_complaint(user, complaint: Complaint) -> bool:
    return may_reject_complaint(complaint, user)


def can_urge_complaint(user) -> bool:
    """督办 is supervision: the leadership office and the credit office."""
    return is_leadership(user) or is_credit_office(user)


def subjects_with_work(department_id: int) -> QuerySet:
    """The subjects a department has work about here (need-to-know scope): those of the complaints assigned to it."""
    return Complaint.objects.filter(department_id=department_id, subject__isnull=False).values_list("subject_id", flat=True)
