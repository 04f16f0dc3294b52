"""Credit repair (信用修复): applications, review by the identifying department, and the bars."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from credit_platform.permissions import is_credit_office_or_member
from credit_platform.public_filing import new_receipt_number


def may_decide_repair(application, user) -> bool:
    """Approve, refuse, ask for more: the deciding (identifying) department or the credit office.
    The transitions' ``permission`` and ``repair.access.can_decide_repair``'s answer."""
    return is_credit_office_or_member(user, application.deciding_department_id)


def _new_repair_receipt() -> str:
    return new_receipt_number("XF")


class RepairState(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")  # waiting for the identifying department to take the file
    REVIEWING = "reviewing", _("reviewing")  # file accepted; the department decides
    APPROVED = "approved", _("approved")  # repaired: entry removed, measures lifted
    REJECTED = "rejected", _("rejected")  # reviewed and rejected, with reasons
    REFUSED = "refused", _("refused")  # not accepted for review (ineligible or incomplete)


class RepairApplication(ConcurrentTransitionMixin, models.Model):
    class Channel(models.TextChoices):
        PUBLIC = "public", _("filed by the subject (public)")
        DEPARTMENT = "department", _("entered by a department")

    receipt_number = models.CharField(_("receipt number"), max_length=20, unique=True, default=_new_repair_receipt, editable=False)
    channel = models.CharField(_("filed through"), max_length=16, choices=Channel.choices)
    subject = models.ForeignKey("credit_platform.Subject", verbose_name=_("subject"), on_delete=models.PROTECT, related_name="repair_applications")
    # What is repaired: a list entry, or a penalty (or dishonesty) record's publicity (records app); exactly one.
    list_entry = models.ForeignKey("lists.ListEntry", verbose_name=_("list entry"), null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="repair_applications")
    record = models.ForeignKey("records.CreditRecord", verbose_name=_("credit record"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="repair_applications")
    deciding_department = models.ForeignKey(
        "credit_platform.Department", verbose_name=_("deciding department"), on_delete=models.PROTECT, related_name="repairs_to_decide"
    )
    filing_department = models.ForeignKey(
        "credit_platform.Department", verbose_name=_("entered by department"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("filed by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    applicant_name = models.CharField(_("applicant"), max_length=200)
    contact = models.CharField(_("contact"), max_length=200)
    evidence = models.TextField(_("proof of fulfilment"), help_text=_("How the obligations were fulfilled (judgement performed, tax and fines paid...)."))
    commitment_signed = models.BooleanField(_("credit commitment signed"), default=False)
    training_completed = models.BooleanField(_("credit training completed or credit report supplied"), default=False)
    rule_set = models.ForeignKey("credit_platform.RuleSet", verbose_name=_("rule set of the entry"), on_delete=models.PROTECT, related_name="+")
    state = FSMField(_("state"), default=RepairState.SUBMITTED, choices=RepairState.choices, protected=True, db_index=True)
    answer_due = models.DateField(_("platform answers by"))
    due_dates_provisional = models.BooleanField(
        _("due dates provisional"), default=False,
        help_text=_("Computed through a year whose official calendar was not yet known; recomputed when it is."),
    )
    decide_due = models.DateField(_("department decides by"), null=True, blank=True)
    extended = models.BooleanField(_("extended"), default=False)
    extension_reason = models.TextField(_("reason for extension"), blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    false_materials = models.BooleanField(_("false materials found"), default=False)
    eligible_from = models.DateField(_("may apply again from"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("taken for review at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("filed at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("credit repair application")
        verbose_name_plural = _("credit repair applications")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["deciding_department", "state"], name="repair_dept_state_idx"),
            models.Index(fields=["state", "answer_due"], name="repair_state_answer_idx"),
            models.Index(fields=["subject", "state"], name="repair_subject_state_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(list_entry__isnull=False, record__isnull=True) | models.Q(list_entry__isnull=True, record__isnull=False),
                name="repair_one_target",
            ),
        ]

    def __str__(self):
        return self.receipt_number

    @property
    def target(self):
        """The list entry or the credit record repaired."""
        return self.list_entry if self.list_entry_id else self.record

    @transition(field=state, source=RepairState.SUBMITTED, target=RepairState.REVIEWING, permission=may_decide_repair, custom={"label": _("Take for review")})
    def accept(self, *, at, decide_due):
        self.accepted_at, self.decide_due = at, decide_due

    @transition(field=state, source=RepairState.SUBMITTED, target=RepairState.REFUSED, permission=may_decide_repair, custom={"label": _("Refuse")})
    def refuse(self, *, at, reason, eligible_from=None):
        self.decided_at, self.refusal_reason, self.eligible_from = at, reason, eligible_from

    @transition(field=state, source=[RepairState.SUBMITTED, RepairState.REVIEWING], target=RETURN_VALUE(RepairState.SUBMITTED, RepairState.REVIEWING), permission=may_decide_repair,
                conditions=[lambda r: not r.extended], custom={"admin": False})
    def extend(self, *, reason, answer_due, decide_due):
        self.extended, self.extension_reason, self.answer_due, self.decide_due = True, reason, answer_due, decide_due
        return self.state  # the state does not change; only the deadlines move

    @transition(field=state, source=RepairState.REVIEWING, target=RepairState.APPROVED, permission=may_decide_repair, custom={"label": _("Approve")})
    def approve(self, *, at):
        self.decided_at = at

    @transition(field=state, source=RepairState.REVIEWING, target=RepairState.REJECTED, permission=may_decide_repair, custom={"label": _("Reject")})
    def reject(self, *, at, reason, false_materials=False):
        self.decided_at, self.rejection_reason, self.false_materials = at, reason, false_materials


class RepairDocument(models.Model):
    """An uploaded proof, commitment or training certificate (size- and type-checked)."""

    class Kind(models.TextChoices):
        PROOF = "proof", _("proof of fulfilment")
        COMMITMENT = "commitment", _("signed credit commitment")
        TRAINING = "training", _("credit training certificate or credit report")

    application = models.ForeignKey(RepairApplication, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="repairs/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.original_name


class CommitmentBreach(models.Model):
    """False materials or a broken credit commitment: bars repair for the rule set's bar period."""

    class Kind(models.TextChoices):
        FALSE_MATERIALS = "false_materials", _("provided false materials")
        BROKEN_COMMITMENT = "broken_commitment", _("broke a credit commitment")

    subject = models.ForeignKey("credit_platform.Subject", verbose_name=_("subject"), on_delete=models.PROTECT, related_name="commitment_breaches")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    occurred_on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("commitment breach")
        verbose_name_plural = _("commitment breaches")
        indexes = [models.Index(fields=["subject", "occurred_on"], name="breach_subject_date_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.occurred_on}"
