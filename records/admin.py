"""The information catalogue and credit records in the admin.

Record types: every department reads the catalogue; the credit office adds and changes types
through ``services.record_type_create``/``record_type_update`` (a field naming a forbidden category
is refused on the form, with the rule). Credit records: rows come from
``records.access.records_for_user`` (another department's draft is absent, its page a 404); the
add page enters a record through ``services.record_create``; the change page is read-only and moves
the record only through its buttons (publish, remove: credit_platform.admin.actions).
"""
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from credit_platform import identifiers
from credit_platform.admin.actions import ObjectAction, ObjectActionsMixin
from credit_platform.admin.mixins import AuditHistoryAdminMixin, ServiceAddFormMixin, as_text
from credit_platform.permissions import is_department_member
from records import access, selectors, services
from records.forms import RecordCreateForm, RecordRemoveForm
from records.models import CreditRecord, RecordType


@admin.register(RecordType)
class RecordTypeAdmin(AuditHistoryAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "kind", "public", "needs_consent", "domain", "is_active"]
    list_filter = ["kind", "public", "needs_consent", "is_active"]
    search_fields = ["code", "name"]
    filter_horizontal = ["departments"]
    fields = ["code", "name", "kind", "departments", "public", "needs_consent", "domain", "fields", "is_active"]

    def has_view_permission(self, request, obj=None):
        return is_department_member(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return access.can_manage_catalogue(request.user)

    def has_change_permission(self, request, obj=None):
        return access.can_manage_catalogue(request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # records keep their type; a type no longer used is made inactive

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        """The service saves (and audits) the type with its providing departments."""
        values = {name: form.cleaned_data[name] for name in services.TYPE_FIELDS if name in form.cleaned_data}
        departments = form.cleaned_data.get("departments", [])
        if change:
            saved = services.record_type_update_in_transaction(record_type=obj, actor=request.user, departments=departments, **values)
        else:
            saved = services.record_type_create_in_transaction(actor=request.user, departments=departments, **values)
        obj.pk = saved.pk

    def save_related(self, request, form, formsets, change):
        pass  # the departments were set by the service


class PublicationDeadlineFilter(admin.SimpleListFilter):
    """双公示: drafts to publish, past their date, due within two working days, published late, published on time."""

    title = _("publication deadline (双公示)")
    parameter_name = "publication"

    def lookups(self, request, model_admin):
        return [
            ("due", _("to publish")), ("overdue", _("not yet published, overdue")), ("due_soon", _("due within two working days")),
            ("late", _("published late")), ("on_time", _("published on time")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "due_soon":
            return queryset.filter(state="draft", publication_due__gte=today, publication_due__lte=services.due_soon_until(today))
        if self.value() in selectors.PUBLICATION_FIGURES:
            return queryset.filter(selectors.publication_q(self.value(), today))
        return queryset


def _record_service(service):
    """An ObjectAction runner: ``service(record=..., actor=..., **form data)``."""

    def run(request, record, data):
        return service(record=record, actor=request.user, **data)

    return run


@admin.register(CreditRecord)
class CreditRecordAdmin(ObjectActionsMixin, AuditHistoryAdminMixin, ServiceAddFormMixin, admin.ModelAdmin):
    list_display = [
        "decision_number", "subject_name", "subject_identifier", "record_type", "severity", "state", "department",
        "decided_on", "publication_due", "published_on_time", "publication_ends_on",
    ]
    list_filter = ["record_type__kind", "state", "severity", PublicationDeadlineFilter, "record_type"]
    list_select_related = ["subject", "record_type", "department"]
    search_fields = ["=subject__identifier", "subject__name", "decision_number"]
    search_help_text = _("Subject identifier (exact), or part of the subject's name or of the decision number.")
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    fieldsets = [
        (None, {"fields": ["state", "subject", "record_type", "department", "source", "source_region", "exchange_item_id", "created_by_name"]}),
        (_("Decision"), {"fields": ["decision_number", "decided_on", "severity", "domain", "basis", "content", "valid_until",
                                    "consent_reference", "rule_set"]}),
        (_("Publication (双公示)"), {"fields": ["publication_due", "publication_due_provisional", "published_at", "published_on_time",
                                               "publication_ends_on", "repair_possible_from", "suspended_on", "held_working_days"]}),
        (_("Removal"), {"fields": ["removal_reason", "removal_note", "removed_at"]}),
    ]
    created_by_name = as_text(CreditRecord, "created_by")
    readonly_fields = [field for _name, options in fieldsets for field in options["fields"]]

    object_actions = [
        ObjectAction(name="publish", transition="publish", run=_record_service(services.record_publish), success=_("%(object)s is published.")),
        ObjectAction(
            name="remove", transition="remove", run=_record_service(services.record_remove), form=RecordRemoveForm, danger=True,
            intro=_("The record leaves publication and the public website; it is kept."), success=_("%(object)s is removed."),
        ),
    ]

    class Media:
        css = {"all": ["credit/sanctions.css"]}

    def get_queryset(self, request):
        return access.records_for_user(request.user).select_related("subject", "record_type", "department", "rule_set", "created_by")

    def get_search_results(self, request, queryset, search_term):
        term = identifiers.normalise(search_term) if len(search_term.strip()) == 18 else search_term
        return super().get_search_results(request, queryset, term)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and access.types_provided_by(request.user).exists()

    def has_change_permission(self, request, obj=None):
        return False  # records move through their buttons (services), never through the form

    def has_delete_permission(self, request, obj=None):
        return False  # a removed record stays in the records

    @admin.display(description=_("subject"), ordering="subject__name")
    def subject_name(self, obj):
        return obj.subject.name

    @admin.display(description=_("identifier"))
    def subject_identifier(self, obj):
        return obj.subject.identifier

    def add_view(self, request, form_url="", extra_context=None):
        """Enter a record through ``services.record_create``; its refusals show on the form's fields."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = RecordCreateForm(request.POST if request.method == "POST" else None, types=access.types_provided_by(request.user),
                                admin_site=self.admin_site)
        fieldsets = [
            (None, {"fields": ["subject", "record_type"]}),
            (_("Decision"), {"fields": ["decision_number", "decided_on", "severity", "domain", "basis", "content", "valid_until",
                                        "consent_reference", "publish"]}),
        ]
        return self.service_add_view(
            request, form=form, create=lambda **data: services.record_create(actor=request.user, **data),
            success=lambda record: gettext("%(record)s entered.") % {"record": record},
            fieldsets=fieldsets, title=_("Enter a credit record"), form_url=form_url, extra_context=extra_context,
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None:
            context["action_buttons"] = self.offered_buttons(request, obj)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)
