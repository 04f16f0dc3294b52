"""Who sees and decides repair applications: the identifying department decides (谁认定谁修复),
the credit office does everything, the leadership office reads everything."""
from django.db.models import Q, QuerySet
from django.http import Http404

from credit_platform.permissions import can_see_everything, department_of, is_credit_office, is_department_member, is_leadership
from repair.models import RepairApplication, may_decide_repair


def repairs_for_user(user) -> QuerySet[RepairApplication]:
    repairs = RepairApplication.objects.all()
    if can_see_everything(user):
        return repairs
    department = department_of(user) if is_department_member(user) else None
    if department is None:
        return repairs.none()
    return repairs.filter(Q(deciding_department=department) | Q(filing_department=department))


def repair_get_for_user(*, user, repair_id, queryset=None) -> RepairApplication:
    try:
        return (queryset if queryset is not None else repairs_for_user(user)).get(pk=repair_id)
    except (RepairApplication.DoesNotExist, ValueError, TypeError):
        raise Http404("No such repair application.") from None


def can_enter_repair(user) -> bool:
    """Enter an application for a subject: a department with the role permission, never the leadership office."""
    if is_credit_office(user):
        return True
    if not is_department_member(user):
        return False
    if is_leadership(user):
        return False
    return user.has_perm("repair.add_repairapplication")


def can_decide_repair(user, application: RepairApplication) -> bool:
    return may_decide_repair(application, user)


def subjects_with_work(department_id: int) -> QuerySet:
    """The subjects a department has work about here (credit_platform.selectors' need-to-know scope):
    those of the repair applications it decides or entered for someone."""
    return RepairApplication.objects.filter(Q(deciding_department_id=department_id) | Q(filing_department_id=department_id)).values_list(
        "subject_id", flat=True
    )
