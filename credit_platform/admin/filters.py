"""List filters every app's admin can use."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class OverdueFilter(admin.SimpleListFilter):
    """Overdue or not, over rows annotated with ``is_overdue`` (the decided inboxes: objections, repairs)."""

    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("overdue")), ("no", _("not overdue"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(is_overdue=self.value() == "yes")
        return queryset
