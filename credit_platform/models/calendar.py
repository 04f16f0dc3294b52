from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OfficialCalendarYear(models.Model):
    """Marks a year whose official holiday arrangement has been entered as overrides.

    For such a year the calendar is: weekdays work, weekends rest, except the overrides (the
    holidays and make-up working days of the State Council's notice). Entering it recomputes every
    due date that was computed from the provisional calendar.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=200, blank=True, help_text=_("e.g. 国办发明电〔2026〕X号"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("official calendar year")
        verbose_name_plural = _("official calendar years")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)


class CalendarOverride(models.Model):
    """One day whose status the credit office sets by hand: a holiday or a make-up working day."""

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {'working day' if self.is_working_day else 'holiday'}"
