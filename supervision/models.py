"""Supervision (跟踪问效): urges, escalations, daily scorecard snapshots, monthly reports and the
dashboard's trigger-kept tallies.

The dashboard's figures are aggregate queries over cases and assignments (``supervision.selectors``);
these tables hold only what cannot be computed from the current rows: who urged what and when, which
overdue items were escalated on which day, how many items were overdue on each past day (the
snapshot), the stored monthly report files, and the running totals (``supervision.tallies``).

The models moved here from ``credit_platform`` (migration ``supervision.0001``): they keep their
tables (``db_table``: the tallies' triggers and the frozen SQL of ``credit_platform.0006`` name
them) and the audit stream names of their objects (``AUDIT_STREAM_LABEL``, read by
``credit_platform.audit.stream_label``; streams are append-only).
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SupervisedKind(models.TextChoices):
    """The kinds of overdue work the leadership office supervises."""

    ASSIGNMENT = "assignment", _("push")
    OBJECTION = "objection", _("objection")
    REPAIR = "repair", _("credit repair")


class Urge(models.Model):
    """One urge (督办) sent by the leadership office (or the credit office) about one overdue item."""

    AUDIT_STREAM_LABEL = "credit_platform.urge"  # moved from credit_platform: its streams keep their name

    kind = models.CharField(_("kind"), max_length=16, choices=SupervisedKind.choices)
    assignment = models.ForeignKey(
        "sanctions.Assignment", verbose_name=_("push"), null=True, blank=True, on_delete=models.PROTECT, related_name="urges"
    )
    objection = models.ForeignKey(
        "objections.Objection", verbose_name=_("objection"), null=True, blank=True, on_delete=models.PROTECT, related_name="urges"
    )
    repair = models.ForeignKey(
        "repair.RepairApplication", verbose_name=_("credit repair"), null=True, blank=True, on_delete=models.PROTECT, related_name="urges"
    )
    department = models.ForeignKey(
        "credit_platform.Department", verbose_name=_("urged department"), on_delete=models.PROTECT, related_name="urges_received"
    )
    urged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("urged by"), on_delete=models.PROTECT, related_name="+")
    urged_on = models.DateField(_("urged on"))
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        db_table = "credit_platform_urge"
        verbose_name = _("urge")
        verbose_name_plural = _("urges")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind=SupervisedKind.ASSIGNMENT, assignment__isnull=False, objection__isnull=True, repair__isnull=True)
                    | Q(kind=SupervisedKind.OBJECTION, assignment__isnull=True, objection__isnull=False, repair__isnull=True)
                    | Q(kind=SupervisedKind.REPAIR, assignment__isnull=True, objection__isnull=True, repair__isnull=False)
                ),
                name="urge_one_target_of_its_kind",
            ),
            # One urge per item per day: a double click or a retried request urges once.
            models.UniqueConstraint(fields=["assignment", "urged_on"], condition=Q(assignment__isnull=False), name="uniq_urge_assignment_day"),
            models.UniqueConstraint(fields=["objection", "urged_on"], condition=Q(objection__isnull=False), name="uniq_urge_objection_day"),
            models.UniqueConstraint(fields=["repair", "urged_on"], condition=Q(repair__isnull=False), name="uniq_urge_repair_day"),
        ]
        indexes = [models.Index(fields=["department", "urged_on"], name="urge_dept_day_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.target_id} → {self.department_id} ({self.urged_on})"

    @property
    def target_id(self):
        return self.assignment_id or self.objection_id or self.repair_id


class Escalation(models.Model):
    """An item overdue by more than the configured working days, escalated once on ``day``."""

    AUDIT_STREAM_LABEL = "credit_platform.escalation"  # moved from credit_platform: its streams keep their name

    kind = models.CharField(_("kind"), max_length=16, choices=SupervisedKind.choices)
    object_id = models.BigIntegerField(_("item id"))
    department = models.ForeignKey(
        "credit_platform.Department", verbose_name=_("overdue department"), on_delete=models.PROTECT, related_name="escalations"
    )
    day = models.DateField(_("escalated on"))
    due_date = models.DateField(_("was due on"))
    overdue_working_days = models.PositiveIntegerField(_("working days overdue"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        db_table = "credit_platform_escalation"
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["-day", "kind", "object_id"]
        constraints = [
            # Once per item per day, whatever the number of scans (beat retries, redelivered tasks).
            models.UniqueConstraint(fields=["kind", "object_id", "day"], name="uniq_escalation_item_day"),
        ]
        indexes = [models.Index(fields=["day", "department"], name="escalation_day_dept_idx")]

    def __str__(self):
        return f"{self.kind} {self.object_id} ({self.day})"


class ScorecardSnapshot(models.Model):
    """One executing department's figures at the end of one day (written by a daily task).

    "Overdue now" cannot be computed for a past day from the current rows, so the daily task keeps
    it here for the trend chart; everything else on the dashboard is computed live.
    """

    AUDIT_STREAM_LABEL = "credit_platform.scorecardsnapshot"  # moved from credit_platform: its streams keep their name

    day = models.DateField(_("day"))
    department = models.ForeignKey(
        "credit_platform.Department", verbose_name=_("department"), on_delete=models.CASCADE, related_name="scorecard_snapshots"
    )
    received = models.PositiveIntegerField(_("pushes received"), default=0)
    live = models.PositiveIntegerField(_("pushes being worked"), default=0)
    overdue_now = models.PositiveIntegerField(_("overdue"), default=0)
    lifts_unconfirmed = models.PositiveIntegerField(_("lifting overdue"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        db_table = "credit_platform_scorecardsnapshot"
        verbose_name = _("scorecard snapshot")
        verbose_name_plural = _("scorecard snapshots")
        ordering = ["-day", "department"]
        constraints = [models.UniqueConstraint(fields=["day", "department"], name="uniq_snapshot_day_department")]

    def __str__(self):
        return f"{self.day} {self.department_id}"


def _report_path(instance, filename):
    return f"reports/supervision/{instance.month:%Y}/{filename}"


class MonthlyReport(models.Model):
    """The supervision report of one month (an xlsx file), generated on the first day of the next."""

    AUDIT_STREAM_LABEL = "credit_platform.monthlyreport"  # moved from credit_platform: its streams keep their name

    month = models.DateField(_("month"), unique=True, help_text=_("The first day of the month the report covers."))
    file = models.FileField(_("file"), upload_to=_report_path)
    file_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(_("checksum"), max_length=64)
    headline = models.JSONField(_("headline figures"), default=dict, blank=True)
    generated_at = models.DateTimeField(_("generated at"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("generated by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        db_table = "credit_platform_monthlyreport"
        verbose_name = _("monthly supervision report")
        verbose_name_plural = _("monthly supervision reports")
        ordering = ["-month"]

    def __str__(self):
        return f"{self.month:%Y-%m}"


class AssignmentTally(models.Model):
    """Running totals of the pushes, per (executing department, initiating department, day pushed).

    Written only by PostgreSQL triggers on the pushes and their feedback records (see
    ``supervision.tallies``): each change appends a signed delta row, an hourly task
    folds the deltas into one row per key. A figure is the SUM over the rows of its key range, so
    the scorecard reads thousands of rows, not millions of pushes, and is exact in the same
    transaction as the change that moved it.
    """

    department = models.ForeignKey("credit_platform.Department", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False)
    initiating_department = models.ForeignKey(
        "credit_platform.Department", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    pushed_on = models.DateField()
    received = models.BigIntegerField(default=0, db_default=0)
    signed_for = models.BigIntegerField(default=0, db_default=0)
    signed_for_on_time = models.BigIntegerField(default=0, db_default=0)
    signed_for_late = models.BigIntegerField(default=0, db_default=0)
    sign_for_working_days = models.BigIntegerField(default=0, db_default=0)
    fed_back = models.BigIntegerField(default=0, db_default=0)
    fed_back_on_time = models.BigIntegerField(default=0, db_default=0)
    fed_back_late = models.BigIntegerField(default=0, db_default=0)
    feedback_working_days = models.BigIntegerField(default=0, db_default=0)
    lifts_late = models.BigIntegerField(default=0, db_default=0)
    returned = models.BigIntegerField(default=0, db_default=0)
    urged = models.BigIntegerField(default=0, db_default=0)
    times_urged = models.BigIntegerField(default=0, db_default=0)
    applied = models.BigIntegerField(default=0, db_default=0)
    hits = models.BigIntegerField(default=0, db_default=0)

    class Meta:
        db_table = "credit_platform_assignmenttally"
        verbose_name = _("push tally")
        verbose_name_plural = _("push tallies")
        default_permissions = ()
        indexes = [
            models.Index(fields=["pushed_on"], name="asg_tally_day_idx"),
            models.Index(fields=["department", "pushed_on"], name="asg_tally_dept_day_idx"),
            models.Index(fields=["initiating_department", "pushed_on"], name="asg_tally_init_day_idx"),
        ]


class CaseTally(models.Model):
    """Running counts of the cases, per initiating department, day opened, memorandum, kind, state
    and the months they were pushed, fed back completely and ended (trigger-maintained like
    ``AssignmentTally``)."""

    initiating_department = models.ForeignKey(
        "credit_platform.Department", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    created_on = models.DateField()
    memorandum = models.ForeignKey("sanctions.Memorandum", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False)
    kind = models.CharField(max_length=16)
    state = models.CharField(max_length=32)
    pushed_month = models.DateField(null=True)
    completed_month = models.DateField(null=True)
    ended_month = models.DateField(null=True)
    n = models.BigIntegerField(default=0, db_default=0)

    class Meta:
        db_table = "credit_platform_casetally"
        verbose_name = _("case tally")
        verbose_name_plural = _("case tallies")
        default_permissions = ()
        indexes = [
            models.Index(fields=["created_on"], name="case_tally_day_idx"),
            models.Index(fields=["initiating_department", "created_on"], name="case_tally_init_day_idx"),
        ]


class OpenWorkTally(models.Model):
    """Counts of the pushes whose deadline is still running (pending, signed for, lifting), per
    executing and initiating department, day pushed, state and due dates (trigger-maintained like
    ``AssignmentTally``). "Overdue now" is the sum over the rows whose due date is past today:
    the same predicate (``sanctions.selectors.overdue_q``) as on the pushes."""

    department = models.ForeignKey("credit_platform.Department", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False)
    initiating_department = models.ForeignKey(
        "credit_platform.Department", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    pushed_on = models.DateField()
    state = models.CharField(max_length=32)
    sign_for_due = models.DateField()
    feedback_due = models.DateField()
    lift_due = models.DateField(null=True)
    n = models.BigIntegerField(default=0, db_default=0)

    class Meta:
        db_table = "credit_platform_openworktally"
        verbose_name = _("open work tally")
        verbose_name_plural = _("open work tallies")
        default_permissions = ()
        indexes = [models.Index(fields=["department", "pushed_on"], name="open_tally_dept_day_idx")]
