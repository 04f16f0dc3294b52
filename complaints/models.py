"""Complaints and reports (投诉举报, RULES.md "Complaints and reports"): anyone reports a subject's
dishonesty (or a red-listed subject's misconduct) on the public site; the credit office routes the
report to the competent department, which verifies it within 15 working days and substantiates it
(a dishonesty record, a black-list proposal, or the removal of a red entry) or rejects it with a
reason the reporter reads. The reporter's contact is seen by the credit office and the assigned
department only: never by the subject, never in a credit file, never by another department."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from credit_platform.permissions import is_credit_office, is_credit_office_or_member
from credit_platform.public_filing import new_receipt_number

RECEIPT_PREFIX = "JB"  # 举报


def new_complaint_receipt_number() -> str:
    """``JB`` and 12 random characters (``credit_platform.public_filing``): unguessable, it alone opens the follow-up."""
    return new_receipt_number(RECEIPT_PREFIX)


def may_assign_complaint(complaint, user) -> bool:
    """Routing (and re-routing while not decided) is the credit office's."""
    return is_credit_office(user)


def may_decide_complaint(complaint, user) -> bool:
    """Substantiate or reject an assigned complaint: the assigned department, or the credit office."""
    return complaint.department_id is not None and is_credit_office_or_member(user, complaint.department_id)


def may_reject_complaint(complaint, user) -> bool:
    """Reject: the credit office at any open stage (a report outside anyone's remit), the assigned department once routed.

    Who, not when: a decided complaint is refused by its state (409), not as if the department were a stranger (403)."""
    return is_credit_office(user) or may_decide_complaint(complaint, user)


class ComplaintState(models.TextChoices):
    RECEIVED = "received", _("received")  # waiting for the credit office to route it
    ASSIGNED = "assigned", _("assigned")  # the competent department verifies it
    SUBSTANTIATED = "substantiated", _("substantiated")
    REJECTED = "rejected", _("rejected")


OPEN_STATES = [ComplaintState.RECEIVED, ComplaintState.ASSIGNED]


class ComplaintAction(models.TextChoices):
    RECORD = "record", _("enter a dishonesty record")
    PROPOSE_BLACK = "propose_black", _("propose a black-list entry")
    REMOVE_RED = "remove_red", _("remove from the red list")


class Complaint(ConcurrentTransitionMixin, models.Model):
    receipt_number = models.CharField(_("receipt number"), max_length=20, unique=True, default=new_complaint_receipt_number, editable=False)
    identifier = models.CharField(_("identifier"), max_length=32, help_text=_("As the reporter gave it."))
    name = models.CharField(_("name"), max_length=200, help_text=_("As the reporter gave it."))
    subject = models.ForeignKey(
        "credit_platform.Subject", verbose_name=_("subject"), null=True, blank=True, on_delete=models.PROTECT, related_name="complaints",
        help_text=_("The registered subject with this identifier, if any."),
    )
    grounds = models.TextField(_("grounds"))
    contact = models.CharField(_("reporter's contact"), max_length=200, help_text=_("Never shown to the subject or to other departments."))
    state = FSMField(_("state"), default=ComplaintState.RECEIVED, choices=ComplaintState.choices, protected=True)
    department = models.ForeignKey(
        "credit_platform.Department", verbose_name=_("assigned department"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="complaints",
    )
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("due on"), help_text=_("Verified and answered by this date (15 working days)."))
    due_dates_provisional = models.BooleanField(_("provisional due date"), default=False)
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    action = models.CharField(_("outcome"), max_length=16, choices=ComplaintAction.choices, blank=True)
    note = models.TextField(_("verification note"), blank=True)
    rejection_reason = models.TextField(_("rejection reason"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    record = models.ForeignKey("records.CreditRecord", verbose_name=_("credit record"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    proposed_entry = models.ForeignKey("lists.ListEntry", verbose_name=_("black-list proposal"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    removed_entries = models.ManyToManyField("lists.ListEntry", verbose_name=_("red entries removed"), blank=True, related_name="+")
    urge_count = models.PositiveIntegerField(_("times urged"), default=0)
    last_urged_on = models.DateField(_("last urged on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["department", "state"], name="complaint_dept_state_idx"),
            models.Index(fields=["state", "due_on"], name="complaint_state_due_idx"),
        ]

    def __str__(self):
        return self.receipt_number

    @transition(field=state, source=[ComplaintState.RECEIVED, ComplaintState.ASSIGNED], target=ComplaintState.ASSIGNED,
                permission=may_assign_complaint, custom={"label": _("Assign")})
    def assign(self, *, department, at, by, due_on, provisional):
        self.department, self.assigned_at, self.assigned_by = department, at, by
        self.due_on, self.due_dates_provisional = due_on, provisional

    @transition(field=state, source=ComplaintState.ASSIGNED, target=ComplaintState.SUBSTANTIATED, permission=may_decide_complaint,
                custom={"label": _("Substantiate")})
    def substantiate(self, *, action, note, at, by):
        self.action, self.note, self.decided_at, self.decided_by = action, note, at, by

    @transition(field=state, source=[ComplaintState.RECEIVED, ComplaintState.ASSIGNED], target=ComplaintState.REJECTED,
                permission=may_reject_complaint, custom={"label": _("Reject")})
    def reject(self, *, reason, at, by):
        self.rejection_reason, self.decided_at, self.decided_by = reason, at, by


class ComplaintEvidence(models.Model):
    """A file the reporter sent with the complaint (size- and type-checked on upload)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to="complaints/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self):
        return self.original_name
