"""Who sees and decides objections: the information provider, the filing department, the credit
office (everything) and the leadership office (reads everything)."""
from django.db.models import Q, QuerySet
from django.http import Http404

from credit_platform.permissions import can_see_everything, department_of, is_credit_office, is_department_member, is_leadership
from objections.models import Objection, may_decide_objection


def objections_for_user(user) -> QuerySet[Objection]:
    objections = Objection.objects.all()
    if can_see_everything(user):
        return objections
    department = department_of(user) if is_department_member(user) else None
    if department is None:
        return objections.none()
    return objections.filter(Q(provider_department=department) | Q(filing_department=department))


def objection_get_for_user(*, user, objection_id, queryset=None) -> Objection:
    try:
        return (queryset if queryset is not None else objections_for_user(user)).get(pk=objection_id)
    except (Objection.DoesNotExist, ValueError, TypeError):
        raise Http404("No such objection.") from None


def can_file_objection(user) -> bool:
    """File a department objection: a department with the role permission, never the leadership office."""
    if is_credit_office(user):
        return True
    if not is_department_member(user):
        return False
    if is_leadership(user):
        return False
    return user.has_perm("objections.add_objection")


def can_decide_objection(user, objection: Objection) -> bool:
    """Accept, refuse, extend, uphold, dismiss: the information provider or the credit office."""
    return may_decide_objection(objection, user)


def subjects_with_work(department_id: int) -> QuerySet:
    """The subjects a department has work about here (credit_platform.selectors' need-to-know scope):
    those of the objections it decides (information provider) or filed for someone."""
    return Objection.objects.filter(Q(provider_department_id=department_id) | Q(filing_department_id=department_id)).values_list(
        "subject_id", flat=True
    )
