"""Read queries of cases and assignments shared by the admin, the API and the dashboards.

They start from the access functions (sanctions.access), so nobody sees what they may not.
"""
import datetime

from django.db.models import BooleanField, Case, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from sanctions import access
from sanctions.models import Assignment, AssignmentState, JointCase, MeasureFeedback, MeasureLifting


def overdue_q(today: datetime.date | None = None) -> Q:
    """Past a working-day due date (the due dates are computed in working days):
    not signed for by the sign-for date, not fed back by the feedback date, lifting not confirmed."""
    today = today or timezone.localdate()
    return (
        Q(state=AssignmentState.PENDING, sign_for_due__lt=today)
        | Q(state__in=[AssignmentState.PENDING, AssignmentState.ACKNOWLEDGED], feedback_due__lt=today)
        | Q(state=AssignmentState.LIFTING, lift_due__lt=today)
    )


def lift_to_confirm_q() -> Q:
    """待确认解除: a push being lifted whole, or one whose withdrawn measure awaits its confirmation."""
    unconfirmed = MeasureLifting.objects.filter(assignment=OuterRef("pk"), confirmed_at__isnull=True)
    return Q(state=AssignmentState.LIFTING) | Q(Exists(unconfirmed))


def lift_overdue_q(today: datetime.date | None = None) -> Q:
    """A lifting (whole or of a withdrawn measure) not confirmed by its working-day due date."""
    today = today or timezone.localdate()
    late = MeasureLifting.objects.filter(assignment=OuterRef("pk"), confirmed_at__isnull=True, due__lt=today)
    return Q(state=AssignmentState.LIFTING, lift_due__lt=today) | Q(Exists(late))


def with_overdue(queryset: QuerySet[Assignment], today=None) -> QuerySet[Assignment]:
    return queryset.annotate(is_overdue=Case(When(overdue_q(today), then=Value(True)), default=Value(False), output_field=BooleanField()))


def cases_list(*, user) -> QuerySet[JointCase]:
    # Uses case_initiator_state_idx / the permission table's (group, permission, object) index.
    return access.cases_for_user(user).select_related("subject", "memorandum", "initiating_department")


def assignments_list(*, user, today=None) -> QuerySet[Assignment]:
    return with_overdue(
        access.assignments_for_user(user).select_related("case", "case__subject", "department", "target"), today
    )


def assignment_after_move(*, assignment_id, today=None) -> Assignment:
    """A push read again after a move, to answer the one who moved it (the view checked access
    before the move: a move never takes a push out of its department's sight)."""
    return with_overdue(Assignment.objects.select_related("case", "case__subject", "department", "target"), today).get(pk=assignment_id)


def inbox(*, user, today=None) -> QuerySet[Assignment]:
    """The executing department's own assignments, overdue first, then by due date."""
    department = getattr(user, "department", None)
    queryset = assignments_list(user=user, today=today)
    if department is not None and not user.is_superuser:
        queryset = queryset.filter(department=department)
    return queryset.order_by("-is_overdue", "feedback_due", "pk")


def visible_feedback(*, user, case: JointCase):
    """Feedback records of a case the user may read: all for the initiator and supervisors,
    only its own department's for an executing department."""
    records = MeasureFeedback.objects.filter(assignment__case=case).select_related("measure", "assignment__department", "recorded_by")
    if access.sees_other_departments_feedback(user, case):
        return records
    return records.filter(assignment__department_id=getattr(user, "department_id", None))


def case_assignments_visible(*, user, case: JointCase) -> QuerySet[Assignment]:
    queryset = with_overdue(case.assignments.select_related("department", "target"))
    if access.sees_other_departments_feedback(user, case):
        return queryset
    return queryset.filter(department_id=getattr(user, "department_id", None))
