"""Who asks and what they see: the filters, the scope, and the permission-scoped querysets every
figure and every drill-down list starts from."""
import datetime
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone

from credit_platform.models import Department
from credit_platform.permissions import can_see_everything, department_of, is_department_member
from objections.access import objections_for_user
from objections.models import Objection
from records.access import records_for_user
from records.models import CreditRecord
from repair.access import repairs_for_user
from repair.models import RepairApplication
from sanctions import access
from sanctions.models import Assignment, JointCase, MeasureFeedback
from supervision.models import AssignmentTally, CaseTally, Urge

# --- filters and scope -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """The filters every dashboard view takes from its query string (``from``, ``to``, ``department``, ``region``)."""

    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    department: str = ""  # a department code
    region: str = ""  # a region code prefix

    def params(self, **extra) -> dict:
        params = {
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "department": self.department,
            "region": self.region,
            **extra,
        }
        return {k: v for k, v in params.items() if v not in ("", None)}

    def query(self, **extra) -> str:
        return urlencode(self.params(**extra))


@dataclass(frozen=True)
class Scope:
    """Who asks (and so what they may see), with the filters and the day "now" is."""

    user: object | None
    filters: Filters
    today: datetime.date
    sees_all: bool
    department: Department | None  # the caller's own department when it does not see everything

    def with_department(self, code: str) -> "Scope":
        return replace(self, filters=replace(self.filters, department=code))


def scope_for(*, user, filters: Filters | None = None, today: datetime.date | None = None) -> Scope:
    """The dashboard scope of a user; PermissionDenied for a user outside any active department."""
    if not is_department_member(user):
        raise PermissionDenied("Only a user of a department may see the dashboard.")
    sees_all = can_see_everything(user)
    return Scope(
        user=user,
        filters=filters or Filters(),
        today=today or timezone.localdate(),
        sees_all=sees_all,
        department=None if sees_all else department_of(user),
    )


def platform_scope(*, filters: Filters | None = None, today: datetime.date | None = None) -> Scope:
    """The whole platform, for the platform's own work (monthly report, snapshots, escalation)."""
    return Scope(user=None, filters=filters or Filters(), today=today or timezone.localdate(), sees_all=True, department=None)


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _datetime_range(field: str, date_from, date_to) -> Q:
    q = Q()
    if date_from:
        q &= Q(**{f"{field}__gte": _day_start(date_from)})
    if date_to:
        q &= Q(**{f"{field}__lt": _day_start(date_to + datetime.timedelta(days=1))})
    return q


def _department_q(prefix: str, filters: Filters) -> Q:
    q = Q()
    if filters.department:
        q &= Q(**{f"{prefix}__code": filters.department})
    if filters.region:
        q &= Q(**{f"{prefix}__region_code__startswith": filters.region})
    return q


# --- the scoped querysets every figure and list starts from ----------------------------------------


def cases(scope: Scope) -> QuerySet[JointCase]:
    """Cases in scope: for a department, those it initiated. Filtered on created_at."""
    queryset = JointCase.objects.all() if scope.user is None else access.cases_for_user(scope.user)
    if not scope.sees_all:
        queryset = queryset.filter(initiating_department=scope.department)
    f = scope.filters
    return queryset.filter(_department_q("initiating_department", f), _datetime_range("created_at", f.date_from, f.date_to))


def _pushed_range(f: Filters) -> Q:
    q = Q()
    if f.date_from:
        q &= Q(pushed_on__gte=f.date_from)
    if f.date_to:
        q &= Q(pushed_on__lte=f.date_to)
    return q


def _on_side(queryset: QuerySet, scope: Scope, department_field: str) -> QuerySet:
    """Pushes (or their tally) of one side: for a department, its own; the filters applied."""
    if not scope.sees_all:
        queryset = queryset.filter(**{department_field: scope.department})
    return queryset.filter(_department_q(department_field, scope.filters), _pushed_range(scope.filters))


def assignments(scope: Scope) -> QuerySet[Assignment]:
    """Pushes in scope, on the executing side: for a department, those it received. Filtered on pushed_on."""
    queryset = Assignment.objects.all() if scope.user is None else access.assignments_for_user(scope.user)
    return _on_side(queryset, scope, "department")


def initiator_assignments(scope: Scope) -> QuerySet[Assignment]:
    """Pushes in scope, on the initiating side: for a department, those of the cases it initiated."""
    queryset = Assignment.objects.all() if scope.user is None else access.assignments_for_user(scope.user)
    return _on_side(queryset, scope, "case__initiating_department")


# What the figures count. A department's pushes on either side are exactly the rows of its own
# department: the push grants the executing department's group ``work_assignment`` and the case
# grants the initiating department's group ``manage_jointcase``, and grants are never revoked
# (sanctions.access). So the counts filter on the department column, without the permission
# tables' join; the drill-down lists keep the access check, and the tests hold both equal.

def assignment_tally(scope: Scope, *, side: str = "department") -> QuerySet[AssignmentTally]:
    """The push tally (tallies.py) of one side (``department`` or ``initiating_department``)."""
    return _on_side(AssignmentTally.objects.all(), scope, side)


def case_tally(scope: Scope) -> QuerySet[CaseTally]:
    """The case tally of the cases in scope (as ``cases(scope)``: by initiating department, day opened)."""
    queryset = CaseTally.objects.all()
    if not scope.sees_all:
        queryset = queryset.filter(initiating_department=scope.department)
    f = scope.filters
    if f.date_from:
        queryset = queryset.filter(created_on__gte=f.date_from)
    if f.date_to:
        queryset = queryset.filter(created_on__lte=f.date_to)
    return queryset.filter(_department_q("initiating_department", f))


def objections(scope: Scope) -> QuerySet[Objection]:
    """Objections in scope (for a department: those it decides as provider or filed). Filtered on filing time."""
    queryset = Objection.objects.all() if scope.user is None else objections_for_user(scope.user)
    f = scope.filters
    return queryset.filter(_department_q("provider_department", f), _datetime_range("created_at", f.date_from, f.date_to))


def repairs(scope: Scope) -> QuerySet[RepairApplication]:
    """Repair applications in scope (for a department: those it decides or entered). Filtered on filing time."""
    queryset = RepairApplication.objects.all() if scope.user is None else repairs_for_user(scope.user)
    f = scope.filters
    return queryset.filter(_department_q("deciding_department", f), _datetime_range("created_at", f.date_from, f.date_to))


def feedback_records(scope: Scope) -> QuerySet[MeasureFeedback]:
    """Feedback records of the pushes in scope (executing side)."""
    return MeasureFeedback.objects.filter(assignment__in=assignments(scope).values("pk"))


def urges(scope: Scope) -> QuerySet[Urge]:
    """Urges of the pushes in scope (the scorecard's "times urged" lists them)."""
    return Urge.objects.filter(assignment__in=assignments(scope).values("pk"))


def objection_urges(scope: Scope) -> QuerySet[Urge]:
    return Urge.objects.filter(objection__in=objections(scope).values("pk"))


def repair_urges(scope: Scope) -> QuerySet[Urge]:
    return Urge.objects.filter(repair__in=repairs(scope).values("pk"))


def publicity_records(scope: Scope) -> QuerySet[CreditRecord]:
    """Licensing and penalty decisions with a 双公示 date (minor penalties have none) in scope: for a
    department, those it provides. Filtered on the decision date."""
    queryset = CreditRecord.objects.all() if scope.user is None else records_for_user(scope.user)
    if not scope.sees_all:
        queryset = queryset.filter(department=scope.department)
    f = scope.filters
    queryset = queryset.filter(_department_q("department", f), publication_due__isnull=False)
    if f.date_from:
        queryset = queryset.filter(decided_on__gte=f.date_from)
    if f.date_to:
        queryset = queryset.filter(decided_on__lte=f.date_to)
    return queryset
