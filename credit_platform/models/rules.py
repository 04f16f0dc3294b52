from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleSet(models.Model):
    """Periods and deadlines in force from a date (RULES.md). Never constants in code.

    A decision uses the rule set in force on the date of the decision it rests on and records which.
    Working-day deadlines are counted with credit_platform.calendar.
    """

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    source = models.CharField(_("source"), max_length=300, blank=True)
    effective_from = models.DateField(_("effective from"), unique=True)

    # Publication periods (months, from the decision date)
    minor_published = models.BooleanField(_("minor dishonesty is published"), default=False)
    minor_min_months = models.PositiveSmallIntegerField(_("minor: minimum months before repair"), default=0)
    minor_max_months = models.PositiveSmallIntegerField(_("minor: maximum publication months"), default=3)
    general_min_months = models.PositiveSmallIntegerField(_("general: minimum months before repair"), default=3)
    general_max_months = models.PositiveSmallIntegerField(_("general: maximum publication months"), default=12)
    severe_min_months = models.PositiveSmallIntegerField(_("severe: minimum months before repair"), default=12)
    severe_max_months = models.PositiveSmallIntegerField(_("severe: maximum publication months"), default=36)

    # Listing procedure (working days)
    statement_window_days = models.PositiveSmallIntegerField(_("statement and defence window (working days)"), default=5)
    publication_due_days = models.PositiveSmallIntegerField(_("publication due after decision (working days)"), default=7)
    watch_domains_threshold = models.PositiveSmallIntegerField(_("watch lists in this many domains flag a subject"), default=3)
    # A red-list (honour) entry is no dishonesty: no severity, no publication period; it is valid
    # for these months from its decision date unless the decision gives its own end.
    red_valid_months = models.PositiveSmallIntegerField(_("red list: validity from the decision (months)"), default=24)

    # Executing departments (working days)
    sign_for_days = models.PositiveSmallIntegerField(_("sign for a push within (working days)"), default=1)
    feedback_days = models.PositiveSmallIntegerField(_("first feedback within (working days)"), default=5)
    lift_confirm_days = models.PositiveSmallIntegerField(_("confirm lifting within (working days)"), default=3)

    # Objections (working days)
    objection_accept_days = models.PositiveSmallIntegerField(_("accept or refuse an objection within (working days)"), default=1)
    objection_verify_days = models.PositiveSmallIntegerField(_("verify an objection within (working days)"), default=5)
    objection_extension_days = models.PositiveSmallIntegerField(_("one extension of verification (working days)"), default=5)

    # Credit repair
    repair_answer_days = models.PositiveSmallIntegerField(_("platform answers a repair application within (working days)"), default=10)
    repair_decide_days = models.PositiveSmallIntegerField(_("department decides a repair within (working days)"), default=3)
    repair_bar_months = models.PositiveSmallIntegerField(
        _("bar after false materials or a broken commitment (months)"), default=36
    )
    severe_repair_requires_training = models.BooleanField(_("severe: credit training proof required"), default=True)
    non_repairable_domains = models.JSONField(
        _("domains not repairable"), default=list, blank=True, help_text=_("Domain codes, e.g. internet_fraud, illegal_fundraising.")
    )

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("rule set")
        verbose_name_plural = _("rule sets")
        ordering = ["-effective_from"]

    def __str__(self):
        return f"{self.name} ({self.effective_from:%Y-%m-%d})"

    def months(self, severity: str, bound: str) -> int:
        """Months of ``bound`` ('min' or 'max') for ``severity`` ('minor', 'general', 'severe')."""
        return getattr(self, f"{severity}_{bound}_months")
