"""Admin of the working-day calendar and the rule sets. Writes go through credit_platform.calendar
and credit_platform.rules; only the credit office (or a superuser) may write."""
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from credit_platform import calendar as working_calendar
from credit_platform import permissions, rules
from credit_platform.admin.mixins import AuditHistoryAdminMixin
from credit_platform.models import CalendarOverride, OfficialCalendarYear, RuleSet


class CreditOfficeWritesMixin:
    """Model permissions decide as usual; writing also requires belonging to the credit office."""

    def has_add_permission(self, request, *args):
        return super().has_add_permission(request, *args) and permissions.is_credit_office(request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and permissions.is_credit_office(request.user)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and permissions.is_credit_office(request.user)


# --- Rule sets -----------------------------------------------------------------------------------


class RuleSetForm(forms.ModelForm):
    class Meta:
        model = RuleSet
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        try:
            rules.rule_set_validate(cleaned)
        except ValidationError as exc:
            self.add_error(None, exc)
        return cleaned


@admin.register(RuleSet)
class RuleSetAdmin(AuditHistoryAdminMixin, CreditOfficeWritesMixin, admin.ModelAdmin):
    form = RuleSetForm
    list_display = ["code", "name", "effective_from"]
    search_fields = ["code", "name"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["code", "name", "source", "effective_from", "created_at", "updated_at"]}),
        (
            _("Publication periods (months from the decision)"),
            {
                "fields": [
                    "minor_published",
                    ("minor_min_months", "minor_max_months"),
                    ("general_min_months", "general_max_months"),
                    ("severe_min_months", "severe_max_months"),
                ]
            },
        ),
        (_("Listing procedure"), {"fields": ["statement_window_days", "publication_due_days", "watch_domains_threshold", "red_valid_months"]}),
        (_("Executing departments"), {"fields": ["sign_for_days", "feedback_days", "lift_confirm_days"]}),
        (_("Objections"), {"fields": ["objection_accept_days", "objection_verify_days", "objection_extension_days"]}),
        (
            _("Credit repair"),
            {
                "fields": [
                    "repair_answer_days",
                    "repair_decide_days",
                    "repair_bar_months",
                    "severe_repair_requires_training",
                    "non_repairable_domains",
                ]
            },
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        # Decisions and reports name a rule set by its code: fixed once created.
        return [*self.readonly_fields, "code"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        saved = rules.rule_set_save(rule_set=obj, actor=request.user)
        obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None):
        return False  # decisions record the rule set they used


# --- Calendar overrides ------------------------------------------------------------------------------


class DayKindFilter(admin.SimpleListFilter):
    title = _("day")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [("working", _("Working day")), ("holiday", _("Holiday"))]

    def queryset(self, request, queryset):
        if self.value() == "working":
            return queryset.filter(is_working_day=True)
        if self.value() == "holiday":
            return queryset.filter(is_working_day=False)
        return queryset


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(AuditHistoryAdminMixin, CreditOfficeWritesMixin, admin.ModelAdmin):
    list_display = ["date", "weekday", "is_working_day", "note", "created_by"]
    list_filter = [DayKindFilter]
    list_select_related = ["created_by"]
    date_hierarchy = "date"
    search_fields = ["note"]
    fields = ["date", "is_working_day", "note", "created_by", "created_at"]
    readonly_fields = ["created_by", "created_at"]

    @admin.display(description=_("weekday"), ordering="date")
    def weekday(self, obj):
        return date_format(obj.date, "l")

    def get_readonly_fields(self, request, obj=None):
        # A day's row is about that day: to move it, delete it and enter the other day.
        return [*self.readonly_fields, "date"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        saved = working_calendar.calendar_override_set(
            date=obj.date, is_working_day=obj.is_working_day, note=obj.note, actor=request.user
        )
        obj.pk, obj.created_at = saved.pk, saved.created_at

    def delete_model(self, request, obj):
        working_calendar.calendar_override_delete(override=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for override in queryset.order_by("date"):
            working_calendar.calendar_override_delete(override=override, actor=request.user)


# --- Official years -------------------------------------------------------------------------------


class OfficialCalendarYearForm(forms.ModelForm):
    class Meta:
        model = OfficialCalendarYear
        fields = ["year", "source"]
        help_texts = {
            "year": _(
                "Enter the year's holidays and make-up working days as calendar overrides first: publishing "
                "the year takes them as its official arrangement and recomputes the due dates that were "
                "computed from the provisional calendar."
            ),
        }

    def clean(self):
        cleaned = super().clean()
        year = cleaned.get("year")
        if year is None:
            return cleaned
        cleaned["days"] = working_calendar.overrides_for_year(year)
        try:
            working_calendar.calendar_publish_year_validate(year=year, days=cleaned["days"])
        except ValidationError as exc:
            self.add_error(None, exc)
        return cleaned

    def validate_unique(self):
        pass  # calendar_publish_year_validate already reports a year published before


@admin.register(OfficialCalendarYear)
class OfficialCalendarYearAdmin(AuditHistoryAdminMixin, CreditOfficeWritesMixin, admin.ModelAdmin):
    form = OfficialCalendarYearForm
    list_display = ["year", "source", "created_at"]
    readonly_fields = ["days_entered", "created_at"]

    def get_fields(self, request, obj=None):
        return ["year", "source", "days_entered", "created_at"] if obj else ["year", "source"]

    @admin.display(description=_("days entered"))
    def days_entered(self, obj):
        days = working_calendar.overrides_for_year(obj.year)
        holidays = sum(1 for _date, working, _note in days if not working)
        return _("holidays: %(holidays)s; make-up working days: %(working)s") % {
            "holidays": holidays,
            "working": len(days) - holidays,
        }

    def save_model(self, request, obj, form, change):
        official = working_calendar.calendar_publish_year(
            year=obj.year, source=obj.source, days=form.cleaned_data["days"], actor=request.user
        )
        obj.pk, obj.created_at = official.pk, official.created_at

    def has_change_permission(self, request, obj=None):
        return False  # a published year is a record; corrections are made on its overrides

    def has_delete_permission(self, request, obj=None):
        return False
