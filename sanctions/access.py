"""Who may see and do what with cases and assignments. The one place that decides.

Object permissions are guardian rows on direct foreign-key tables, granted to department groups:
- ``manage_jointcase`` on a case for its initiating department;
- ``view_jointcase`` on a case for each executing department it was pushed to;
- ``work_assignment`` on an assignment for its executing department.
The credit office sees and manages everything; the leadership office reads everything.
The admin, the API and the dashboards all ask these functions.
"""
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from credit_platform.permissions import can_see_everything as sees_everything
from credit_platform.permissions import department_group_id as _group_id
from credit_platform.permissions import department_of, is_credit_office, is_department_member, permission_id
from sanctions.models import (
    Assignment,
    AssignmentGroupObjectPermission,
    BulkPushJob,
    JointCase,
    JointCaseGroupObjectPermission,
    may_manage_case,
    may_work_assignment,
)


def _department(user):
    return department_of(user) if is_department_member(user) else None


def _case_perm_exists(group_id, codenames):
    return Exists(
        JointCaseGroupObjectPermission.objects.filter(
            content_object=OuterRef("pk"),
            group_id=group_id,
            permission_id__in=[permission_id(JointCase, c) for c in codenames],
        )
    )


def cases_for_user(user) -> QuerySet[JointCase]:
    """Cases the user's department may see: its own, and those pushed to it."""
    cases = JointCase.objects.all()
    if sees_everything(user):
        return cases
    group_id = _group_id(user)
    if group_id is None:
        return cases.none()
    return cases.filter(_case_perm_exists(group_id, ["manage_jointcase", "view_jointcase"]))


def cases_managed_by(user) -> QuerySet[JointCase]:
    """Cases the user may manage (revoke, end, push): its department's own; the credit office all."""
    cases = JointCase.objects.all()
    if is_credit_office(user):
        return cases
    group_id = _group_id(user)
    if group_id is None:
        return cases.none()
    return cases.filter(_case_perm_exists(group_id, ["manage_jointcase"]))


def case_get_for_user(*, user, case_id, queryset=None) -> JointCase:
    """The case, or Http404 both when it does not exist and when the user may not see it."""
    try:
        return (queryset if queryset is not None else cases_for_user(user)).get(pk=case_id)
    except (JointCase.DoesNotExist, ValueError, TypeError):
        raise Http404("No such case.") from None


def can_manage_case(user, case: JointCase) -> bool:
    """Initiate, push, revoke, discard, reassign: the initiating department and the credit office."""
    return may_manage_case(case, user)


def assignments_for_user(user) -> QuerySet[Assignment]:
    """Assignments the user's department may see: its own, and those of the cases it initiated."""
    assignments = Assignment.objects.all()
    if sees_everything(user):
        return assignments
    group_id = _group_id(user)
    if group_id is None:
        return assignments.none()
    own = Exists(
        AssignmentGroupObjectPermission.objects.filter(
            content_object=OuterRef("pk"), group_id=group_id, permission_id=permission_id(Assignment, "work_assignment")
        )
    )
    of_own_cases = Exists(
        JointCaseGroupObjectPermission.objects.filter(
            content_object=OuterRef("case_id"), group_id=group_id, permission_id=permission_id(JointCase, "manage_jointcase")
        )
    )
    return assignments.filter(Q(own) | Q(of_own_cases))


def assignment_get_for_user(*, user, assignment_id, queryset=None) -> Assignment:
    try:
        return (queryset if queryset is not None else assignments_for_user(user)).get(pk=assignment_id)
    except (Assignment.DoesNotExist, ValueError, TypeError):
        raise Http404("No such assignment.") from None


def can_work_assignment(user, assignment: Assignment) -> bool:
    """Sign for, feed back, return, confirm lifting: only the executing department itself."""
    return may_work_assignment(assignment, user)


def can_initiate(user, memorandum=None) -> bool:
    """Open a case: an initiating department named by the memorandum, or the credit office."""
    if is_credit_office(user):
        return True
    department = _department(user)
    if department is None or not department.is_initiating:
        return False
    return memorandum is None or memorandum.initiators.filter(pk=department.pk).exists()


def sees_other_departments_feedback(user, case: JointCase) -> bool:
    """Executing departments never see one another's feedback; the initiator and supervisors do."""
    return sees_everything(user) or can_manage_case(user, case)


def bulk_push_jobs_for_user(user):
    """Bulk pushes of the user's department; the credit office sees every job."""
    jobs = BulkPushJob.objects.all()
    if is_credit_office(user):
        return jobs
    department = _department(user)
    if department is None:
        return jobs.none()
    return jobs.filter(requested_by__department=department)


def subjects_with_work(department_id: int) -> QuerySet:
    """The subjects a department has work about here (credit_platform.selectors' need-to-know scope):
    those of the cases it initiated, and of the pushes it received (the case's subject and the push's
    target)."""
    pushes = Assignment.objects.filter(department_id=department_id).order_by()
    return JointCase.objects.filter(initiating_department_id=department_id).order_by().values_list("subject_id", flat=True).union(
        pushes.values_list("target_id", flat=True), pushes.values_list("case__subject_id", flat=True), all=True
    )
