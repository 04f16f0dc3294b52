"""Amendments of a live case (变更措施): measures of its memorandum added or withdrawn, with a reason,
and the lifting of each withdrawn measure that its department confirms.

Imported by ``sanctions.models`` (the models of the app); the services live in
``sanctions.services.amendments``. An added measure goes out as a new push (``Assignment.amendment``):
its own deadlines, its own sign-for and feedback of each of its measures. A withdrawn measure leaves
the push that carried it: the push keeps going with its other measures and the department confirms
the measure lifted (``MeasureLifting``); when it was the push's last measure, the push itself goes to
lifting as when a case ends.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Amendment(models.Model):
    """One change of a live case's measures by its initiating department (or the credit office)."""

    case = models.ForeignKey("sanctions.JointCase", verbose_name=_("case"), on_delete=models.PROTECT, related_name="amendments")
    added = models.ManyToManyField("sanctions.Measure", verbose_name=_("measures added"), blank=True, related_name="+")
    withdrawn = models.ManyToManyField("sanctions.Measure", verbose_name=_("measures withdrawn"), blank=True, related_name="+")
    reason = models.TextField(_("reason"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("amended by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("amended at"))

    class Meta:
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        ordering = ["case", "id"]

    def __str__(self):
        return f"{self.case} #{self.pk}"


class MeasureLifting(models.Model):
    """A measure withdrawn from a push that stays live: its department lifts it and confirms (per measure)."""

    amendment = models.ForeignKey(Amendment, verbose_name=_("amendment"), on_delete=models.PROTECT, related_name="liftings")
    assignment = models.ForeignKey(
        "sanctions.Assignment", verbose_name=_("assignment"), on_delete=models.PROTECT, related_name="measure_liftings"
    )
    measure = models.ForeignKey("sanctions.Measure", verbose_name=_("measure"), on_delete=models.PROTECT, related_name="+")
    opened_on = models.DateField(_("lifting notified on"))
    due = models.DateField(_("confirm lifting by"))
    due_provisional = models.BooleanField(_("due date provisional"), default=False)
    confirmed_at = models.DateTimeField(_("lifting confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_on_time = models.BooleanField(_("lifting confirmed on time"), null=True, blank=True)

    class Meta:
        verbose_name = _("lifting of a withdrawn measure")
        verbose_name_plural = _("liftings of withdrawn measures")
        ordering = ["assignment", "id"]
        constraints = [
            # A measure leaves a push once (it is no longer on the push afterwards).
            models.UniqueConstraint(fields=["assignment", "measure"], name="uniq_measure_lifting_assignment_measure"),
        ]

    def __str__(self):
        return f"{self.assignment} − {self.measure.code}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None
