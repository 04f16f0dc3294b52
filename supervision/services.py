"""Writes of the supervision dashboard: urges (督办), escalation, daily snapshots, monthly reports.

An urge is the leadership office's (or the credit office's) formal push on one overdue item: an
``Urge`` row, the department told in-app, an audit event on the item's own stream and, for a push,
``Assignment.urge_count`` incremented (``sanctions.services.assignment_urged``) under the case and
assignment locks (the order every sanctions service locks in), so the scorecard can sum a column
instead of counting rows.
"""
import datetime
import hashlib
import logging
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from credit_platform import calendar, notifications
from credit_platform.models import Department
from credit_platform.permissions import is_credit_office, is_leadership
from objections import access as objection_access
from objections.models import Objection, ObjectionState
from objections.selectors import objections_overdue
from repair import access as repair_access
from repair.models import RepairApplication, RepairState
from repair.selectors import repairs_overdue
from sanctions import access as sanctions_access
from sanctions.models import Assignment, AssignmentState, JointCase
from sanctions.selectors import overdue_q
from sanctions.services import assignment_urged
from supervision import events, export, notification_kinds, selectors, tallies
from supervision.links import item_admin_url
from supervision.models import Escalation, MonthlyReport, ScorecardSnapshot, SupervisedKind, Urge

logger = logging.getLogger(__name__)

ESCALATE_AFTER_DEFAULT = 3
# Above this many escalated items for one department on one day, it gets one digest notification
# (with a link to the list) instead of one notification per item.
ESCALATION_DIGEST_OVER_DEFAULT = 50


def can_urge(user) -> bool:
    """Urging is supervision: the leadership office, and the credit office that runs the platform."""
    return is_leadership(user) or is_credit_office(user)


def _lock_item(kind: str, item_id, actor, today):
    """Fetch the item through its access function (404 when unseen), lock it, and check it is overdue.

    Returns (item, the department urged, a label for messages, whether it is overdue today).
    """
    if kind == SupervisedKind.ASSIGNMENT:
        seen = sanctions_access.assignment_get_for_user(user=actor, assignment_id=item_id)
        # Lock the case, then the push (the order of sanctions.services), so the urge count and the
        # push's audit stream move in step with any sign-for or feedback happening at the same time.
        JointCase.objects.select_for_update().only("pk").get(pk=seen.case_id)
        item = Assignment.objects.select_for_update().select_related("department", "case").get(pk=seen.pk)
        overdue = Assignment.objects.filter(pk=item.pk).filter(overdue_q(today)).exists()
        return item, item.department, _("push of case %(number)s") % {"number": item.case.number}, overdue
    if kind == SupervisedKind.OBJECTION:
        seen = objection_access.objection_get_for_user(user=actor, objection_id=item_id)
        # Lock the objection: its audit stream is appended under this lock.
        item = Objection.objects.select_for_update().select_related("provider_department").get(pk=seen.pk)
        overdue = objections_overdue(today=today).filter(pk=item.pk).exists()
        return item, item.provider_department, _("objection %(receipt)s") % {"receipt": item.receipt_number}, overdue
    if kind == SupervisedKind.REPAIR:
        seen = repair_access.repair_get_for_user(user=actor, repair_id=item_id)
        # Lock the application: its audit stream is appended under this lock.
        item = RepairApplication.objects.select_for_update().select_related("deciding_department").get(pk=seen.pk)
        overdue = repairs_overdue(today=today).filter(pk=item.pk).exists()
        return item, item.deciding_department, _("credit repair %(receipt)s") % {"receipt": item.receipt_number}, overdue
    raise ValidationError({"kind": [_("Choose a push, an objection or a credit repair.")]})


@transaction.atomic
def urge_send(*, actor, kind: str, item_id, note: str = "") -> Urge:
    """Urge the department responsible for one overdue item (督办).

    Refused with PermissionDenied for anyone but the leadership and credit offices, 404 for an item
    the actor cannot see, and a ValidationError when the item is not overdue or was already urged
    today (one urge per item per day; a double click urges once).
    """
    if not can_urge(actor):
        raise PermissionDenied(_("Only the leadership office and the credit office can urge."))
    today = timezone.localdate()
    item, department, label, overdue = _lock_item(kind, item_id, actor, today)
    if not overdue:
        raise ValidationError({"item": [_("Only overdue work can be urged; this %(item)s is not overdue.") % {"item": label}]})
    note = (note or "").strip()
    try:
        # A savepoint: the unique (item, day) constraint turns a second urge today into an answer, not a 500.
        with transaction.atomic():
            urge = Urge.objects.create(
                kind=kind, department=department, urged_by=actor, urged_on=today, note=note,
                **{{SupervisedKind.ASSIGNMENT: "assignment", SupervisedKind.OBJECTION: "objection", SupervisedKind.REPAIR: "repair"}[kind]: item},
            )
    except IntegrityError:
        raise ValidationError({"item": [_("This %(item)s has already been urged today.") % {"item": label}]}) from None
    extra = {"urge": urge.pk, "department": department.code}
    if kind == SupervisedKind.ASSIGNMENT:
        extra["urge_count"] = assignment_urged(assignment=item)
    events.URGED[kind](item, actor, from_state=item.state, to_state=item.state, reason=note, extra=extra)
    notifications.notify_on_commit(
        department=department,
        verb="urged",
        title=_("Urged by the leadership office: %(item)s is overdue") % {"item": label},
        body=note or _("Complete it without delay and report back."),
        url=item_admin_url(kind, item.pk),
    )
    return urge


# --- escalation of long-overdue work ------------------------------------------------------------


def escalate_after() -> int:
    return int(getattr(settings, "DASHBOARD_ESCALATE_AFTER_WORKING_DAYS", ESCALATE_AFTER_DEFAULT))


def escalation_cutoff(today: datetime.date, working_days: int) -> datetime.date:
    """The day ``c`` such that a due date before ``c`` is overdue by more than ``working_days``
    working days on ``today``: the (working_days + 1)-th working day counting back from today."""
    cal = calendar.current_calendar()
    day, seen = today, 0
    while True:
        if cal.is_working_day(day):
            seen += 1
            if seen == working_days + 1:
                return day
        day -= datetime.timedelta(days=1)


def _long_overdue(cutoff: datetime.date):
    """(kind, id, department_id, due date, label) of every item overdue before ``cutoff``."""
    assignments = (
        Assignment.objects.filter(overdue_q(cutoff))
        .values_list("pk", "department_id", "state", "sign_for_due", "feedback_due", "lift_due", "case__number")
        .order_by("pk")
    )
    for pk, department_id, state, sign_for_due, feedback_due, lift_due, number in assignments.iterator(chunk_size=2000):
        if state == AssignmentState.LIFTING:
            due = lift_due
        elif state == AssignmentState.PENDING and sign_for_due < cutoff:
            due = sign_for_due
        else:
            due = feedback_due
        yield SupervisedKind.ASSIGNMENT, pk, department_id, due, _("push of case %(number)s") % {"number": number}
    objections = (
        objections_overdue(today=cutoff).values_list("pk", "provider_department_id", "state", "accept_due", "verify_due", "receipt_number")
        .order_by("pk")
    )
    for pk, department_id, state, accept_due, verify_due, receipt in objections.iterator(chunk_size=2000):
        due = verify_due if state == ObjectionState.VERIFYING else accept_due
        yield SupervisedKind.OBJECTION, pk, department_id, due, _("objection %(receipt)s") % {"receipt": receipt}
    repairs = (
        repairs_overdue(today=cutoff).values_list("pk", "deciding_department_id", "state", "answer_due", "decide_due", "receipt_number")
        .order_by("pk")
    )
    for pk, department_id, state, answer_due, decide_due, receipt in repairs.iterator(chunk_size=2000):
        due = decide_due if state == RepairState.REVIEWING else answer_due
        yield SupervisedKind.REPAIR, pk, department_id, due, _("credit repair %(receipt)s") % {"receipt": receipt}


@transaction.atomic
def overdue_escalate(*, today: datetime.date | None = None, working_days: int | None = None, chunk_size: int = 2000) -> int:
    """Escalate every item overdue by more than ``working_days`` (default: the setting
    ``DASHBOARD_ESCALATE_AFTER_WORKING_DAYS``, 3): tell the leadership office and the overdue
    department's parent department, once per item per day. Returns how many items were escalated now.

    Idempotent within a day: the unique (kind, item, day) row is written before anyone is told, and
    items already escalated today are skipped. Streams in chunks (rows written and audited per
    chunk; the notices keep at most the digest threshold of items per recipient), so a backlog of a
    million overdue items does not have to fit in memory.
    """
    today = today or timezone.localdate()
    working_days = escalate_after() if working_days is None else working_days
    cutoff = escalation_cutoff(today, working_days)
    cal = calendar.current_calendar()
    _serialise("overdue_escalate")  # two scans at once (a retried task) take turns
    last_pk = Escalation.objects.aggregate(last=Max("pk"))["last"] or 0
    done = set(Escalation.objects.filter(day=today).values_list("kind", "object_id"))
    notices = _EscalationNotices(today)
    chunk, escalated = [], 0

    def flush(last_pk: int) -> int:
        Escalation.objects.bulk_create(chunk, ignore_conflicts=True)
        # Each escalation opens its own audit stream (bulk path: one event per row, no chain to
        # read); the platform is the actor. ignore_conflicts leaves the new rows without ids.
        created = list(Escalation.objects.filter(pk__gt=last_pk).order_by("pk"))
        events.overdue_escalated.bulk(
            created,
            extra_for=lambda e: {"kind": e.kind, "object_id": e.object_id, "department_id": e.department_id,
                                 "due_date": e.due_date.isoformat(), "overdue_working_days": e.overdue_working_days},
        )
        chunk.clear()
        return created[-1].pk if created else last_pk

    for kind, pk, department_id, due, label in _long_overdue(cutoff):
        if (kind, pk) in done:
            continue
        escalation = Escalation(kind=kind, object_id=pk, department_id=department_id, day=today, due_date=due,
                                overdue_working_days=cal.working_days_between(due, today))
        chunk.append(escalation)
        notices.add(escalation, label)
        escalated += 1
        if len(chunk) >= chunk_size:
            last_pk = flush(last_pk)
    if chunk:
        flush(last_pk)
    notices.send()
    return escalated


def _serialise(name: str) -> None:
    """Hold a transaction-level lock named ``name`` (PostgreSQL; SQLite writers are serial anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [name])


class _EscalationNotices:
    """Who is told of the day's escalations: the leadership office and the overdue department's
    parent department, one notice per item, or one digest for a recipient with more than
    ``DASHBOARD_ESCALATION_DIGEST_OVER`` (50) items. Keeps at most that many items per recipient."""

    def __init__(self, today: datetime.date):
        self.today = today
        self.digest_over = int(getattr(settings, "DASHBOARD_ESCALATION_DIGEST_OVER", ESCALATION_DIGEST_OVER_DEFAULT))
        self.leadership = list(Department.objects.filter(is_leadership_office=True, is_active=True).values_list("pk", flat=True))
        self.departments: dict[int, Department] = {}
        self.counts: dict[int, int] = defaultdict(int)
        self.kept: dict[int, list[tuple[Escalation, str]]] = defaultdict(list)

    def _department(self, pk: int) -> Department:
        if pk not in self.departments:
            self.departments[pk] = Department.objects.get(pk=pk)
        return self.departments[pk]

    def add(self, escalation: Escalation, label: str) -> None:
        parent_id = self._department(escalation.department_id).parent_id
        for recipient in {*self.leadership, *([parent_id] if parent_id else [])}:
            self.counts[recipient] += 1
            if self.counts[recipient] <= self.digest_over:
                self.kept[recipient].append((escalation, label))
            else:
                self.kept.pop(recipient, None)  # a digest now: the items are not needed

    def send(self) -> None:
        items = []
        for recipient, count in self.counts.items():
            if count > self.digest_over:
                items.append({
                    "department_id": recipient, "verb": "overdue_escalated",
                    "title": _("%(n)d items are overdue by more than %(days)d working days") % {"n": count, "days": escalate_after()},
                    "url": f"/dashboard/escalations/?day={self.today.isoformat()}",
                })
                continue
            for e, label in self.kept[recipient]:
                items.append({
                    "department_id": recipient, "verb": "overdue_escalated",
                    "title": _("Escalated: %(item)s of %(department)s is %(days)d working days overdue")
                    % {"item": label, "department": self._department(e.department_id).display_name, "days": e.overdue_working_days},
                    "body": _("Due on %(due)s.") % {"due": e.due_date.isoformat()},
                    "url": item_admin_url(e.kind, e.object_id),
                })
        notifications.notify_many_on_commit(items)


# --- the daily snapshot -----------------------------------------------------------------------


@transaction.atomic
def scorecard_snapshot_take(*, today: datetime.date | None = None) -> int:
    """Keep each executing department's overdue count (and live pushes) at the end of ``today``,
    for the trend chart: one aggregate query and one upsert. Idempotent (re-running updates)."""
    today = today or timezone.localdate()
    figures = selectors.assignment_figures(today)
    rows = (
        Assignment.objects.values("department_id")
        .annotate(
            received=Count("pk"),
            live=Count("pk", filter=figures["live"]),
            overdue_now=Count("pk", filter=figures["overdue_now"]),
            lifts_unconfirmed=Count("pk", filter=figures["lifts_unconfirmed"]),
        )
        .order_by()
    )
    snapshots = [ScorecardSnapshot(day=today, department_id=row.pop("department_id"), **row) for row in rows]
    ScorecardSnapshot.objects.bulk_create(
        snapshots, update_conflicts=True, unique_fields=["day", "department"],
        update_fields=["received", "live", "overdue_now", "lifts_unconfirmed"],
    )
    return len(snapshots)


# --- the monthly report --------------------------------------------------------------------------


def previous_month(today: datetime.date) -> datetime.date:
    first = today.replace(day=1)
    return (first - datetime.timedelta(days=1)).replace(day=1)


@transaction.atomic
def monthly_report_generate(*, month: datetime.date, actor=None, replace: bool = False) -> MonthlyReport:
    """Write the supervision report of ``month`` (every view, platform-wide, over the cases and
    pushes of that month) as an xlsx file and keep it as a ``MonthlyReport``.

    Idempotent: an existing report is returned unchanged unless ``replace``.
    """
    month = month.replace(day=1)
    # Lock the month's row (if any) so two runs of the task write one report.
    existing = MonthlyReport.objects.select_for_update().filter(month=month).first()
    if existing is not None and not replace:
        return existing
    last_day = selectors.month_bounds(f"{month:%Y-%m}")[1] - datetime.timedelta(days=1)
    scope = selectors.platform_scope(filters=selectors.Filters(date_from=month, date_to=last_day))
    content = export.workbook_bytes(scope, export.report_sheets(scope))
    card = selectors.scorecard(scope)
    breakdown = selectors.case_breakdown(scope)
    headline = {
        "cases_opened": breakdown["total"],
        "pushes": card["totals"]["received"],
        "signed_for_late": card["totals"]["signed_for_late"],
        "fed_back_late": card["totals"]["fed_back_late"],
        "overdue_now": card["totals"]["overdue_now"],
        "times_urged": card["totals"]["times_urged"],
    }
    name = f"supervision-report-{month:%Y-%m}.xlsx"
    report = existing or MonthlyReport(month=month)
    if existing is not None and existing.file:
        existing.file.delete(save=False)
    report.file_name = name
    report.size = len(content)
    report.sha256 = hashlib.sha256(content).hexdigest()
    report.headline = headline
    report.generated_at = timezone.now()
    report.generated_by = actor if getattr(actor, "pk", None) else None
    report.file.save(name, ContentFile(content), save=False)
    report.save()
    events.monthly_report_generated(report, actor, extra={"month": f"{month:%Y-%m}", "sha256": report.sha256, **headline})
    return report


def monthly_report_for_previous_month(*, today: datetime.date | None = None) -> MonthlyReport:
    return monthly_report_generate(month=previous_month(today or timezone.localdate()))


def reports_for_user(user):
    """Monthly reports hold every department's figures: supervisors only."""
    if is_leadership(user) or is_credit_office(user):
        return MonthlyReport.objects.all()
    return MonthlyReport.objects.none()


# --- the tallies' weekly check -------------------------------------------------------------------


def tallies_check() -> dict:
    """Weekly: compare the dashboard tallies with the tables (``tallies.verify``). They can only
    drift through writes that fire no trigger (TRUNCATE, a restore, hand-written SQL); if they did,
    rebuild them and tell the credit office which figures were corrected. Returns the differences."""
    if not tallies.enabled():
        return {}
    differences = tallies.verify()
    if not any(differences.values()):
        return differences
    logger.error("Dashboard tallies differed from the tables (%s); rebuilding them.", differences)
    tallies.rebuild()
    offices = Department.objects.filter(is_credit_office=True, is_active=True).values_list("pk", flat=True)
    title = _("Dashboard figures corrected: %(n)d groups differed from the records and were recomputed") % {
        "n": sum(differences.values()),
    }
    with transaction.atomic():
        notifications.notify_many_on_commit(
            [{"department_id": pk, "verb": notification_kinds.DASHBOARD_TALLIES_CORRECTED, "title": title, "url": "/dashboard/"} for pk in offices]
        )
    return differences
