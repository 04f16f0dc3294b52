"""Objections (异议): a disputed record is verified while its measures are held (暂不执行)."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

# The receipt number's default; migration 0001 names it ``objections.models.new_receipt_number``, keep it importable here.
from credit_platform.permissions import is_credit_office_or_member
from credit_platform.public_filing import new_receipt_number


def may_decide_objection(objection, user) -> bool:
    """Accept, refuse, extend, uphold, dismiss: the information provider or the credit office.
    The transitions' ``permission`` and ``objections.access.can_decide_objection``'s answer."""
    return is_credit_office_or_member(user, objection.provider_department_id)


class ObjectionState(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")  # waiting for the information provider to accept or refuse
    VERIFYING = "verifying", _("verifying")  # accepted: the record is verified, its measures held
    UPHELD = "upheld", _("upheld")  # the record was wrong: revoked or corrected
    DISMISSED = "dismissed", _("dismissed")  # the record was right: the measures resume
    REFUSED = "refused", _("refused")  # not accepted (reason given to the applicant)


class Decision(models.TextChoices):
    REVOKE = "revoke", _("revoke the record")
    CORRECT = "correct", _("correct the record")
    DISMISS = "dismiss", _("dismiss")


class Objection(ConcurrentTransitionMixin, models.Model):
    class Channel(models.TextChoices):
        PUBLIC = "public", _("filed by the subject (public)")
        DEPARTMENT = "department", _("filed by a department")

    receipt_number = models.CharField(_("receipt number"), max_length=20, unique=True, default=new_receipt_number, editable=False)
    channel = models.CharField(_("filed through"), max_length=16, choices=Channel.choices)
    subject = models.ForeignKey("credit_platform.Subject", verbose_name=_("subject"), on_delete=models.PROTECT, related_name="objections")
    list_entry = models.ForeignKey("lists.ListEntry", verbose_name=_("list entry"), null=True, blank=True, on_delete=models.PROTECT, related_name="objections")
    case = models.ForeignKey("sanctions.JointCase", verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT, related_name="objections")
    # A credit record (双公示, records app) is disputed alone: no list entry, no case with it.
    record = models.ForeignKey("records.CreditRecord", verbose_name=_("credit record"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="objections")
    provider_department = models.ForeignKey(
        "credit_platform.Department", verbose_name=_("information provider"), on_delete=models.PROTECT, related_name="objections_to_verify"
    )
    filing_department = models.ForeignKey(
        "credit_platform.Department", verbose_name=_("filing department"), null=True, blank=True, on_delete=models.PROTECT, related_name="objections_filed"
    )
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("filed by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    applicant_name = models.CharField(_("applicant"), max_length=200)
    contact = models.CharField(_("contact"), max_length=200)
    grounds = models.TextField(_("grounds"))
    rule_set = models.ForeignKey("credit_platform.RuleSet", verbose_name=_("rule set"), on_delete=models.PROTECT, related_name="+")
    state = FSMField(_("state"), default=ObjectionState.SUBMITTED, choices=ObjectionState.choices, protected=True, db_index=True)
    accept_due = models.DateField(_("accept or refuse by"))
    due_dates_provisional = models.BooleanField(
        _("due dates provisional"), default=False,
        help_text=_("Computed through a year whose official calendar was not yet known; recomputed when it is."),
    )
    verify_due = models.DateField(_("verify by"), null=True, blank=True)
    extended = models.BooleanField(_("verification extended"), default=False)
    extension_reason = models.TextField(_("reason for extension"), blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices, blank=True)
    decision_reason = models.TextField(_("reasons for the decision"), blank=True)
    corrections = models.JSONField(_("corrections"), default=dict, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("filed at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["provider_department", "state"], name="objection_provider_state_idx"),
            models.Index(fields=["state", "verify_due"], name="objection_state_due_idx"),
            models.Index(fields=["list_entry", "state"], name="objection_entry_state_idx"),
            models.Index(fields=["case", "state"], name="objection_case_state_idx"),
            models.Index(fields=["record", "state"], name="objection_record_state_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(list_entry__isnull=False) | models.Q(case__isnull=False) | models.Q(record__isnull=False),
                name="objection_has_target",
            ),
            models.CheckConstraint(
                condition=models.Q(record__isnull=True) | models.Q(list_entry__isnull=True, case__isnull=True), name="objection_record_alone",
            ),
        ]

    def __str__(self):
        return self.receipt_number

    @transition(field=state, source=ObjectionState.SUBMITTED, target=ObjectionState.VERIFYING, permission=may_decide_objection, custom={"label": _("Accept")})
    def accept(self, *, at, verify_due):
        self.accepted_at, self.verify_due = at, verify_due

    @transition(field=state, source=ObjectionState.SUBMITTED, target=ObjectionState.REFUSED, permission=may_decide_objection, custom={"label": _("Refuse")})
    def refuse(self, *, at, reason):
        self.decided_at, self.refusal_reason = at, reason

    @transition(field=state, source=ObjectionState.VERIFYING, target=ObjectionState.VERIFYING, permission=may_decide_objection,
                conditions=[lambda o: not o.extended], custom={"label": _("Extend verification")})
    def extend(self, *, verify_due, reason):
        self.extended, self.extension_reason, self.verify_due = True, reason, verify_due

    @transition(field=state, source=ObjectionState.VERIFYING, target=ObjectionState.UPHELD, permission=may_decide_objection, custom={"label": _("Uphold")})
    def uphold(self, *, at, decision, reason, corrections=None):
        self.decided_at, self.decision, self.decision_reason, self.corrections = at, decision, reason, corrections or {}

    @transition(field=state, source=ObjectionState.VERIFYING, target=ObjectionState.DISMISSED, permission=may_decide_objection, custom={"label": _("Dismiss")})
    def dismiss(self, *, at, reason):
        self.decided_at, self.decision, self.decision_reason = at, Decision.DISMISS, reason


class Evidence(models.Model):
    """A file the applicant sent with the objection (size- and type-checked on upload)."""

    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to="objections/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self):
        return self.original_name
