"""The measure catalogue and the memoranda: the credit office edits them, every department reads them.

Model permissions decide (credit_platform.roles: ``view_*`` for all, ``add_*``/``change_*`` for the
credit office). Nothing is deleted: cases refer to measures and memoranda, so they are deactivated.
"""
from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from credit_platform.admin.mixins import AuditedSaveAdminMixin, AuditHistoryAdminMixin
from sanctions.forms import MeasureForm
from sanctions.models import AppliesTo, Measure, Memorandum


@admin.register(Measure)
class MeasureAdmin(AuditedSaveAdminMixin, AuditHistoryAdminMixin, admin.ModelAdmin):
    form = MeasureForm
    list_display = ["code", "name", "name_en", "department", "kind", "category", "applies_to_display", "is_active"]
    list_filter = ["kind", "category", "is_active", "department"]
    list_select_related = ["department"]
    search_fields = ["code", "name", "name_en"]
    fieldsets = [
        (None, {"fields": ["code", "department", "kind", "category", "is_active"]}),
        (_("Text"), {"fields": ["name", "name_en", "legal_basis"]}),
        (_("Subjects"), {"fields": ["applies_to"]}),
    ]

    @admin.display(description=_("applies to"))
    def applies_to_display(self, obj):
        labels = dict(AppliesTo.choices)
        return ", ".join(str(labels.get(value, value)) for value in obj.applies_to)

    def get_readonly_fields(self, request, obj=None):
        # Cases, assignments and department systems refer to a measure by its code.
        return ["code"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: cases refer to it


@admin.register(Memorandum)
class MemorandumAdmin(AuditedSaveAdminMixin, AuditHistoryAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "kind", "list_type", "domain", "measure_count", "push_on_publish", "is_active"]
    list_filter = ["kind", "list_type", "domain", "is_active"]
    search_fields = ["code", "name", "name_en"]
    filter_horizontal = ["measures", "initiators"]
    fieldsets = [
        (None, {"fields": ["code", "name", "name_en", "kind", "list_type", "domain", "is_active"]}),
        (_("Who initiates"), {"fields": ["initiators", "push_on_publish"]}),
        (_("Measures"), {"fields": ["measures"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(measure_count=Count("measures", distinct=True))

    @admin.display(description=_("measures"), ordering="measure_count")
    def measure_count(self, obj):
        return obj.measure_count

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: cases refer to it
