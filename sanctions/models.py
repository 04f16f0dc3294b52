"""Memoranda and measures, joint cases, assignments to executing departments, and their feedback."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition
from guardian.models import GroupObjectPermissionBase

from credit_platform.domains import Domain, ListType, MeasureKind, Severity
from credit_platform.permissions import has_group_grant, is_credit_office


# Who may move a case or an assignment by hand: the transitions' ``permission`` and the answer of
# ``sanctions.access`` (``can_manage_case``, ``can_work_assignment``), written once here beside the
# grant tables they read.
def may_manage_case(case, user) -> bool:
    """Initiate, push, revoke, discard, reassign: the initiating department and the credit office."""
    return is_credit_office(user) or has_group_grant(user, case, JointCaseGroupObjectPermission, "manage_jointcase")


def may_work_assignment(assignment, user) -> bool:
    """Sign for, feed back, return, confirm lifting: only the executing department itself."""
    if user is None or not user.is_authenticated:
        return False
    return user.is_superuser or has_group_grant(user, assignment, AssignmentGroupObjectPermission, "work_assignment")


# Moves the platform makes itself (first sign-for, last feedback, objections, repair, expiry):
# never a button.
SYSTEM = {"admin": False}


class Category(models.TextChoices):
    A = "A", _("A: reduces rights or adds obligations under law")
    B = "B", _("B: taken by public bodies as their duties need")
    C = "C", _("C: taken by market and social organisations")


class AppliesTo(models.TextChoices):
    LEGAL_PERSON = "legal_person", _("legal person")
    OTHER_ORG = "other_org", _("unincorporated organisation")
    INDIVIDUAL_BUSINESS = "individual_business", _("individual business")
    NATURAL_PERSON = "natural_person", _("natural person")
    RESPONSIBLE_PERSON = "responsible_person", _("responsible persons of an organisation")


class Measure(models.Model):
    """One concrete action of one executing department, from the measure catalogue."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    department = models.ForeignKey(
        "credit_platform.Department", verbose_name=_("executing department"), on_delete=models.PROTECT, related_name="measures"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=MeasureKind.choices)
    category = models.CharField(_("national category"), max_length=1, choices=Category.choices)
    name = models.CharField(_("name (Chinese)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    # Every measure carries its legal basis (RULES.md, joint measures: only catalogue measures, each with its basis).
    legal_basis = models.TextField(
        _("legal basis"), help_text=_("The law, regulation or memorandum the measure rests on: its title and document number."),
    )
    applies_to = models.JSONField(_("applies to"), default=list, help_text=_("Kinds of subject the measure fits."))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    def fits(self, subject_kind: str) -> bool:
        return subject_kind in self.applies_to

    @property
    def reaches_responsible_persons(self) -> bool:
        return AppliesTo.RESPONSIBLE_PERSON in self.applies_to


class Memorandum(models.Model):
    """A cooperation memorandum (合作备忘录): the list it answers, who initiates, and its measures."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name (Chinese)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=MeasureKind.choices)
    list_type = models.CharField(_("list type"), max_length=8, choices=ListType.choices)
    domain = models.CharField(_("domain"), max_length=32, choices=Domain.choices)
    initiators = models.ManyToManyField(
        "credit_platform.Department", verbose_name=_("initiating departments"), related_name="initiated_memoranda"
    )
    measures = models.ManyToManyField(Measure, verbose_name=_("measures"), related_name="memoranda")
    push_on_publish = models.BooleanField(
        _("push at once when a list entry is published"), default=False,
        help_text=_("Otherwise the case waits in 'initiated' for the identifying department to push it."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("memorandum")
        verbose_name_plural = _("memoranda")
        ordering = ["code"]

    def __str__(self):
        return self.name


class CaseNumberCounter(models.Model):
    """The last case number issued in a year (LJ-<year>-<6 digits>)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)


class CaseState(models.TextChoices):
    DRAFT = "draft", _("draft")  # being prepared by the initiating department
    DISCARDED = "discarded", _("discarded")  # draft abandoned; never pushed
    INITIATED = "initiated", _("initiated")  # basis, measures and period fixed; ready to push
    PUSHED = "pushed", _("pushed")  # assignments created; departments notified
    EXECUTING = "executing", _("executing")  # at least one department has signed for its push
    FEEDBACK_COMPLETE = "feedback_complete", _("feedback complete")  # every live assignment fed back
    SUSPENDED = "suspended", _("suspended (objection being verified)")  # measures held
    REPAIRED = "repaired", _("repaired")  # credit repaired; measures lifted
    EXPIRED = "expired", _("expired")  # period ended; measures lifted
    REVOKED = "revoked", _("revoked")  # withdrawn (wrong record, objection upheld); measures lifted


LIVE_CASE_STATES = [CaseState.PUSHED, CaseState.EXECUTING, CaseState.FEEDBACK_COMPLETE]
ENDED_CASE_STATES = [CaseState.DISCARDED, CaseState.REPAIRED, CaseState.EXPIRED, CaseState.REVOKED]


class JointCase(ConcurrentTransitionMixin, models.Model):
    """A joint reward or punishment case (联合奖惩案件). Services in sanctions.services move it."""

    number = models.CharField(_("number"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=MeasureKind.choices)
    subject = models.ForeignKey("credit_platform.Subject", verbose_name=_("subject"), on_delete=models.PROTECT, related_name="cases")
    # The list entry the case rests on, by id: sanctions keeps its origin without importing lists
    # (credit_platform.origins: lists checks and names it). The column of the former foreign key.
    list_entry_id = models.BigIntegerField(_("list entry"), null=True, blank=True, db_index=True)
    # Copied from the entry the case was opened from, chosen for a manual case: the case needs no upward read.
    severity = models.CharField(
        _("severity"), max_length=8, choices=Severity.choices, blank=True, default="",
        help_text=_("The list entry's; for a case opened without one, chosen (a reward case may leave it empty)."),
    )
    basis = models.TextField(_("basis"))
    basis_document = models.CharField(_("basis document number"), max_length=200, blank=True)
    memorandum = models.ForeignKey(Memorandum, verbose_name=_("memorandum"), on_delete=models.PROTECT, related_name="cases")
    measures = models.ManyToManyField(Measure, verbose_name=_("measures"), related_name="cases")
    initiating_department = models.ForeignKey(
        "credit_platform.Department", verbose_name=_("initiating department"), on_delete=models.PROTECT, related_name="initiated_cases"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+")
    rule_set = models.ForeignKey("credit_platform.RuleSet", verbose_name=_("rule set"), on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    state = FSMField(_("state"), default=CaseState.DRAFT, choices=CaseState.choices, protected=True, db_index=True)
    state_before_suspension = models.CharField(_("state before suspension"), max_length=32, blank=True)
    end_reason = models.TextField(_("reason it ended"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    initiated_at = models.DateTimeField(_("initiated at"), null=True, blank=True)
    pushed_at = models.DateTimeField(_("pushed at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("feedback completed at"), null=True, blank=True)
    suspended_at = models.DateTimeField(_("suspended at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("joint case")
        verbose_name_plural = _("joint cases")
        ordering = ["-id"]
        permissions = [("manage_jointcase", _("Can manage the case (initiating department)"))]
        indexes = [
            # The expiry scan: live cases whose period has ended.
            models.Index(fields=["state", "period_end"], name="case_state_period_end_idx"),
            models.Index(fields=["initiating_department", "state"], name="case_initiator_state_idx"),
            models.Index(fields=["subject", "state"], name="case_subject_state_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="case_period_ordered"),
        ]

    def __str__(self):
        return self.number

    # --- transitions: they only guard and set fields; sanctions.services saves and audits -------

    @transition(field=state, source=CaseState.DRAFT, target=CaseState.INITIATED, permission=may_manage_case, custom={"label": _("Initiate")})
    def initiate(self, *, at):
        self.initiated_at = at

    @transition(field=state, source=CaseState.DRAFT, target=CaseState.DISCARDED, permission=may_manage_case, custom={"label": _("Discard")})
    def discard(self, *, at, reason=""):
        self.ended_at, self.end_reason = at, reason

    @transition(field=state, source=CaseState.INITIATED, target=CaseState.PUSHED, permission=may_manage_case, custom={"label": _("Push")})
    def push(self, *, at):
        self.pushed_at = at

    @transition(field=state, source=CaseState.PUSHED, target=CaseState.EXECUTING, custom=SYSTEM)
    def start_execution(self):
        pass

    @transition(field=state, source=CaseState.EXECUTING, target=CaseState.FEEDBACK_COMPLETE, custom=SYSTEM)
    def complete_feedback(self, *, at):
        self.completed_at = at

    @transition(field=state, source=CaseState.FEEDBACK_COMPLETE, target=CaseState.EXECUTING, custom=SYSTEM)
    def reopen(self):
        """A reassigned department has work to do again."""
        self.completed_at = None

    @transition(field=state, source=[CaseState.INITIATED, *LIVE_CASE_STATES, CaseState.SUSPENDED], target=CaseState.REVOKED, permission=may_manage_case,
                custom={"label": _("Revoke")})
    def revoke(self, *, at, reason):
        self.ended_at, self.end_reason = at, reason

    @transition(field=state, source=LIVE_CASE_STATES, target=CaseState.SUSPENDED, custom=SYSTEM)
    def suspend(self, *, at):
        self.state_before_suspension, self.suspended_at = self.state, at

    @transition(field=state, source=CaseState.SUSPENDED, target=RETURN_VALUE(*LIVE_CASE_STATES), custom=SYSTEM)
    def resume(self):
        previous, self.state_before_suspension, self.suspended_at = self.state_before_suspension, "", None
        return previous

    @transition(field=state, source=LIVE_CASE_STATES, target=CaseState.REPAIRED, custom=SYSTEM)
    def mark_repaired(self, *, at, reason=""):
        self.ended_at, self.end_reason = at, reason

    @transition(field=state, source=LIVE_CASE_STATES, target=CaseState.EXPIRED, custom=SYSTEM)
    def expire(self, *, at):
        self.ended_at = at

    @property
    def is_live(self) -> bool:
        return self.state in LIVE_CASE_STATES

    def actions_besides_transitions(self) -> list[str]:
        """What the state opens besides its transitions (a 409 names it): amending a live case's measures."""
        return ["amend"] if self.is_live else []


class AssignmentState(models.TextChoices):
    PENDING = "pending", _("pending sign-for")  # pushed, not yet signed for
    ACKNOWLEDGED = "acknowledged", _("signed for")  # the department is applying the measures
    FED_BACK = "fed_back", _("fed back")  # every measure answered
    RETURNED = "returned", _("returned (not competent)")  # the initiating department reassigns
    SUSPENDED = "suspended", _("suspended (hold the measures)")  # an objection is being verified
    LIFTING = "lifting", _("lifting")  # the case ended: lift the measures and confirm
    LIFTED = "lifted", _("lifted")  # lifting confirmed


LIVE_ASSIGNMENT_STATES = [AssignmentState.PENDING, AssignmentState.ACKNOWLEDGED, AssignmentState.FED_BACK]


class Assignment(ConcurrentTransitionMixin, models.Model):
    """The push of a case to one executing department (推送任务), for one target subject.

    The target is the case's subject, or — 落实到人 — a responsible person of an organisation
    for the measures that reach persons.
    """

    case = models.ForeignKey(JointCase, verbose_name=_("case"), on_delete=models.PROTECT, related_name="assignments")
    department = models.ForeignKey(
        "credit_platform.Department", verbose_name=_("executing department"), on_delete=models.PROTECT, related_name="assignments"
    )
    target = models.ForeignKey(
        "credit_platform.Subject", verbose_name=_("target subject"), on_delete=models.PROTECT, related_name="assignments"
    )
    target_role = models.CharField(
        _("target's role"), max_length=32, blank=True, help_text=_("Empty for the case's subject; else the responsible person's role.")
    )
    measures = models.ManyToManyField(Measure, verbose_name=_("measures"), related_name="assignments")
    state = FSMField(_("state"), default=AssignmentState.PENDING, choices=AssignmentState.choices, protected=True)
    state_before_suspension = models.CharField(_("state before suspension"), max_length=32, blank=True)
    reassigned_from = models.ForeignKey(
        "self", verbose_name=_("reassigned from"), null=True, blank=True, on_delete=models.PROTECT, related_name="reassignments"
    )
    # The amendment that pushed the measures added to a live case (sanctions.models_amendments);
    # empty for the case's push and a reassignment. One push per amendment, department and target.
    amendment = models.ForeignKey(
        "sanctions.Amendment", verbose_name=_("amendment"), null=True, blank=True, on_delete=models.PROTECT, related_name="assignments"
    )
    pushed_on = models.DateField(_("pushed on"))
    sign_for_due = models.DateField(_("sign for by"))
    feedback_due = models.DateField(_("feed back by"))
    lift_opened_on = models.DateField(_("lifting notified on"), null=True, blank=True)
    lift_due = models.DateField(_("confirm lifting by"), null=True, blank=True)
    due_dates_provisional = models.BooleanField(
        _("due dates provisional"), default=False, help_text=_("Computed from a provisional calendar; recomputed when the official one is entered.")
    )
    suspended_on = models.DateField(_("suspended on"), null=True, blank=True)
    suspended_working_days = models.PositiveIntegerField(_("working days suspended"), default=0)
    acknowledged_at = models.DateTimeField(_("signed for at"), null=True, blank=True)
    fed_back_at = models.DateTimeField(_("fed back at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    lifted_at = models.DateTimeField(_("lifting confirmed at"), null=True, blank=True)
    # Punctuality, fixed by the services when each step happens (working days, time held by an
    # objection excluded), so the supervision dashboard aggregates columns instead of rows.
    sign_for_working_days = models.PositiveIntegerField(_("working days to sign for"), null=True, blank=True)
    feedback_working_days = models.PositiveIntegerField(_("working days to feed back"), null=True, blank=True)
    signed_for_on_time = models.BooleanField(_("signed for on time"), null=True, blank=True)
    fed_back_on_time = models.BooleanField(_("fed back on time"), null=True, blank=True)
    lift_confirmed_on_time = models.BooleanField(_("lifting confirmed on time"), null=True, blank=True)
    urge_count = models.PositiveIntegerField(_("times urged"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-id"]
        permissions = [("work_assignment", _("Can work the assignment (executing department)"))]
        constraints = [
            # A repeated push (retry, broker redelivery) can never create a second assignment; an
            # amendment adds its own pushes, one per department and target.
            models.UniqueConstraint(
                fields=["case", "department", "target"], condition=Q(amendment__isnull=True), name="uniq_assignment_case_dept_target",
            ),
            models.UniqueConstraint(
                fields=["amendment", "department", "target"], condition=Q(amendment__isnull=False), name="uniq_assignment_amendment_dept_target",
            ),
        ]
        indexes = [
            # The inbox: a department's assignments by state, ordered by due date.
            models.Index(fields=["department", "state", "feedback_due"], name="assignment_inbox_idx"),
            models.Index(fields=["department", "state", "sign_for_due"], name="assignment_signfor_idx"),
            models.Index(fields=["state", "lift_due"], name="assignment_lift_idx"),
            # The dashboard's date range (bench: 5-10x faster date-filtered figures).
            models.Index(fields=["pushed_on"], name="assignment_pushed_on_idx"),
            # Work with a deadline still running (the only pushes that can be overdue): a small
            # slice of all pushes, for the overdue lists and counts of the inbox and the dashboard.
            models.Index(
                fields=["department", "state"], name="assignment_open_work_idx",
                include=["case", "pushed_on", "sign_for_due", "feedback_due", "lift_due"],
                condition=models.Q(state__in=["pending", "acknowledged", "lifting"]),
            ),
        ]

    def __str__(self):
        return f"{self.case.number} → {self.department.display_name}"

    @transition(field=state, source=AssignmentState.PENDING, target=AssignmentState.ACKNOWLEDGED, permission=may_work_assignment,
                custom={"label": _("Sign for")})
    def acknowledge(self, *, at):
        self.acknowledged_at = at

    @transition(field=state, source=AssignmentState.ACKNOWLEDGED, target=AssignmentState.FED_BACK, permission=may_work_assignment,
                custom={"label": _("Feed back")})
    def feedback(self, *, at):
        self.fed_back_at = at

    @transition(field=state, source=[AssignmentState.PENDING, AssignmentState.ACKNOWLEDGED], target=AssignmentState.RETURNED, permission=may_work_assignment,
                custom={"label": _("Return")})
    def return_(self, *, at, reason):
        self.returned_at, self.return_reason = at, reason

    @transition(field=state, source=LIVE_ASSIGNMENT_STATES, target=AssignmentState.SUSPENDED, custom=SYSTEM)
    def suspend(self, *, on):
        self.state_before_suspension, self.suspended_on = self.state, on

    @transition(field=state, source=AssignmentState.SUSPENDED, target=RETURN_VALUE(*LIVE_ASSIGNMENT_STATES), custom=SYSTEM)
    def resume(self):
        previous, self.state_before_suspension, self.suspended_on = self.state_before_suspension, "", None
        return previous

    @transition(field=state, source=[*LIVE_ASSIGNMENT_STATES, AssignmentState.SUSPENDED], target=AssignmentState.LIFTING, custom=SYSTEM)
    def lift(self, *, on, due):
        self.lift_opened_on, self.lift_due = on, due

    @transition(field=state, source=AssignmentState.LIFTING, target=AssignmentState.LIFTED, permission=may_work_assignment,
                custom={"label": _("Confirm lifting")})
    def confirm_lift(self, *, at):
        self.lifted_at = at

    @property
    def is_live(self) -> bool:
        return self.state in LIVE_ASSIGNMENT_STATES


class Outcome(models.TextChoices):
    APPLIED = "applied", _("applied")
    NOT_APPLICABLE = "not_applicable", _("not applicable")
    FAILED = "failed", _("failed")


class MeasureFeedback(models.Model):
    """What a department did with one measure (执行反馈); further rows follow each time it bites."""

    class Source(models.TextChoices):
        FEEDBACK = "feedback", _("feedback")
        LATER = "later", _("later record")
        CREDIT_CHECK = "credit_check", _("credit check")

    assignment = models.ForeignKey(Assignment, verbose_name=_("assignment"), on_delete=models.PROTECT, related_name="feedback_records")
    measure = models.ForeignKey(Measure, verbose_name=_("measure"), on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    note = models.TextField(_("note / reason"), blank=True)
    occurred_on = models.DateField(_("date"))
    business_reference = models.CharField(_("business reference"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.FEEDBACK)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("measure feedback")
        verbose_name_plural = _("measure feedback")
        ordering = ["assignment", "id"]
        indexes = [models.Index(fields=["assignment", "measure"], name="feedback_asg_measure_idx")]

    def __str__(self):
        return f"{self.measure.code}: {self.get_outcome_display()}"


# How an operator may end many cases at once (case_end ``how`` values): revoked, or expired (only
# a case whose period has ended). ``repaired`` comes only from an approved repair.
BULK_LIFT_HOWS = ("revoked", "expired")


class BulkPushJob(models.Model):
    """A request to push (or lift: revoke or end) many cases; Celery tasks work them in batches and
    count progress here. ``pushed`` counts the cases the job moved, whatever its kind."""

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")

    class Kind(models.TextChoices):
        PUSH = "push", _("push")
        LIFT = "lift", _("lift")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.PUSH)
    # A lift: how the cases end (a case_end ``how``: revoked | expired) and the reason given.
    how = models.CharField(_("how"), max_length=16, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    case_ids = models.JSONField(default=list)
    total = models.PositiveIntegerField(default=0)
    pushed = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=dict, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.QUEUED)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The batches run so far, by their first case id: {"<id>": {"n": cases, "pushed": pushed}}. A
    # batch delivered again (or sent again by the sweep) pushes nothing twice and counts once.
    batches_done = models.JSONField(default=dict, blank=True)
    # Progress kept at every batch: a job whose batches were lost (broker down at commit, worker
    # killed) is found by its old heartbeat and its missing batches sent again by the sweep.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("bulk push")
        verbose_name_plural = _("bulk pushes")
        ordering = ["-id"]

    def __str__(self):
        return f"#{self.pk} {self.pushed + self.skipped}/{self.total}"

    @property
    def progress_percent(self) -> int:
        return 100 if not self.total else int(100 * (self.pushed + self.skipped + len(self.errors)) / self.total)


# The amendments of live cases and the per-measure liftings they open (a module of their own).
from sanctions.models_amendments import Amendment, MeasureLifting  # noqa: E402, F401


# --- object permissions on direct foreign keys (guardian's generic tables do not scale) --------


class JointCaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(JointCase, on_delete=models.CASCADE, related_name="group_permissions")


class AssignmentGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="group_permissions")
