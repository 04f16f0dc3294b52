"""Credit commitments (信用承诺, RULES.md "Credit commitments"): who promised what, for which matter,
to which department, by when. In force until the accepting department finds it fulfilled or
breached; a breach becomes a published dishonesty record (``records.services.commitments``)."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from credit_platform.permissions import department_of, is_credit_office, is_department_member


class CommitmentKind(models.TextChoices):
    NOTICE_COMMITMENT = "notice_commitment", _("notice-and-commitment approval (告知承诺)")
    REPAIR = "repair", _("credit repair commitment")
    INDUSTRY = "industry", _("industry commitment")
    VOLUNTARY = "voluntary", _("voluntary commitment")


# 信用承诺公示: commitments are public unless their kind says otherwise. A repair commitment is part
# of the subject's repair application (not published by itself).
PUBLIC_BY_KIND = {
    CommitmentKind.NOTICE_COMMITMENT: True, CommitmentKind.REPAIR: False, CommitmentKind.INDUSTRY: True, CommitmentKind.VOLUNTARY: True,
}

# The catalogue item a breach is recorded under (records/fixtures/demo_record_types.yaml).
BREACH_RECORD_TYPE = "commitment-breach"


class CommitmentState(models.TextChoices):
    IN_FORCE = "in_force", _("in force")
    FULFILLED = "fulfilled", _("fulfilled")
    BREACHED = "breached", _("breached")


def may_manage_commitment(commitment, user) -> bool:
    """Fulfil, breach: the accepting department and the credit office."""
    if is_credit_office(user):
        return True
    if not is_department_member(user):
        return False
    department = department_of(user)
    return department is not None and department.pk == commitment.department_id


class Commitment(ConcurrentTransitionMixin, models.Model):
    subject = models.ForeignKey("credit_platform.Subject", verbose_name=_("subject"), on_delete=models.PROTECT, related_name="commitments")
    kind = models.CharField(_("kind"), max_length=24, choices=CommitmentKind.choices)
    matter = models.CharField(_("matter"), max_length=300)
    business_reference = models.CharField(_("business reference"), max_length=200, blank=True)
    promised = models.TextField(_("promised"))
    due_on = models.DateField(_("due on"), null=True, blank=True)
    department = models.ForeignKey(
        "credit_platform.Department", verbose_name=_("accepting department"), on_delete=models.PROTECT, related_name="commitments",
    )
    public = models.BooleanField(_("public"), default=True, help_text=_("Shown to every department and on the credit website (信用承诺公示)."))
    state = FSMField(_("state"), default=CommitmentState.IN_FORCE, choices=CommitmentState.choices, protected=True)
    breach_reason = models.TextField(_("breach reason"), blank=True)
    fulfilled_at = models.DateTimeField(_("fulfilled at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)
    breached_on = models.DateField(_("breached on"), null=True, blank=True)
    breach_record = models.ForeignKey(
        "records.CreditRecord", verbose_name=_("breach record"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("credit commitment")
        verbose_name_plural = _("credit commitments")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["subject", "state"], name="commitment_subject_state_idx"),
            models.Index(fields=["department", "state"], name="commitment_dept_state_idx"),
        ]

    def __str__(self):
        return f"{self.matter} · {self.subject.name}"

    @transition(field=state, source=CommitmentState.IN_FORCE, target=CommitmentState.FULFILLED, permission=may_manage_commitment,
                custom={"label": _("Fulfilled")})
    def fulfil(self, *, at):
        self.fulfilled_at = at

    @transition(field=state, source=CommitmentState.IN_FORCE, target=CommitmentState.BREACHED, permission=may_manage_commitment,
                custom={"label": _("Breached")})
    def breach(self, *, at, on, reason):
        self.breached_at, self.breached_on, self.breach_reason = at, on, reason
