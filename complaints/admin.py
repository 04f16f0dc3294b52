"""Complaints in the admin: the credit office's routing desk and each department's inbox, moved
with buttons (assign: the credit office; substantiate, reject: the assigned department or the
credit office). Rows come from ``complaints.access``: another department's complaint is absent
from the list and its page, files and buttons answer like a deleted object. Complaints come from
the public site only: no add page. Every move is a service call."""
from django.contrib import admin
from django.db.models import Case, F, Q, When
from django.utils.translation import gettext_lazy as _

from complaints import selectors, services
from complaints.forms import AssignForm, SubstantiateForm
from complaints.models import OPEN_STATES, Complaint
from complaints.workbench import TO_VERIFY
from credit_platform.admin.actions import ObjectAction, ObjectActionsMixin
from credit_platform.admin.filters import OverdueFilter
from credit_platform.admin.mixins import AttachedFileAdminMixin, AuditHistoryAdminMixin, DecidedInboxAdminMixin, as_text
from credit_platform.forms import RequiredReasonForm
from credit_platform.permissions import department_of, is_credit_office, is_department_member


def _service(service):
    def run(request, complaint, data):
        return service(complaint=complaint, actor=request.user, **data)

    return run


class WhoseFilter(admin.SimpleListFilter):
    title = _("whose complaints")
    parameter_name = "whose"

    def lookups(self, request, model_admin):
        if not is_department_member(request.user) or department_of(request.user) is None:
            return []
        return [(TO_VERIFY, _("to handle (ours to route or verify)"))]

    def queryset(self, request, queryset):
        department = department_of(request.user)
        if self.value() == TO_VERIFY and department is not None:
            if is_credit_office(request.user):
                return queryset.filter(Q(department=department) | Q(state="received"))
            return queryset.filter(department=department)
        return queryset


@admin.register(Complaint)
class ComplaintAdmin(ObjectActionsMixin, AuditHistoryAdminMixin, AttachedFileAdminMixin, DecidedInboxAdminMixin, admin.ModelAdmin):
    attached_files = ("evidence", "evidence", "complaints_complaint_evidence")
    list_display = ["receipt_number", "name", "identifier", "department", "state", "due_display", "overdue_flag", "urge_count", "created_at"]
    list_filter = [WhoseFilter, "state", OverdueFilter, "action"]
    list_select_related = ["subject", "department"]
    search_fields = ["=receipt_number", "=identifier", "name"]
    search_help_text = _("Receipt number or identifier (exact), or part of the name.")
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    fieldsets = [
        (None, {"fields": ["receipt_number", "state", "identifier", "name", "subject", "department"]}),
        (_("Complaint"), {"fields": ["grounds", "evidence_files", "contact", "created_at"]}),
        (_("Deadlines"), {"fields": ["received_on", "assigned_at", "due_on", "due_dates_provisional", "urge_count", "last_urged_on"]}),
        (_("Outcome"), {"fields": ["action", "note", "record", "proposed_entry", "removed_entries", "rejection_reason", "decided_at",
                                   "decided_by_name"]}),
    ]
    decided_by_name = as_text(Complaint, "decided_by")
    readonly_fields = [field for _name, options in fieldsets for field in options["fields"]]

    object_actions = [
        ObjectAction(
            name="assign", transition="assign", run=_service(services.complaint_assign), form=AssignForm,
            intro=_("Route the complaint to the competent department: it verifies and answers within 15 working days from today."),
            success=_("Complaint %(object)s assigned."),
        ),
        ObjectAction(
            name="substantiate", transition="substantiate", run=_service(services.complaint_substantiate), form=SubstantiateForm,
            intro=_("The report is true. Enter a dishonesty record, propose a black-list entry (domain, exit conditions and remedies "
                    "required), or remove the subject from the red list (its reward cases end and every department lifts the reward "
                    "measures)."),
            success=_("Complaint %(object)s substantiated."),
        ),
        ObjectAction(
            name="reject", transition="reject", run=_service(services.complaint_reject), form=RequiredReasonForm, danger=True,
            intro=_("The report is not substantiated. The reporter reads the reason."),
            success=_("Complaint %(object)s rejected."),
        ),
    ]

    def get_queryset(self, request):
        return selectors.complaints_list(user=request.user).annotate(
            current_due=Case(When(state__in=OPEN_STATES, then=F("due_on")), default=None),
        )

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("evidence"))
    def evidence_files(self, obj):
        return self.attached_files_html(obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None:
            context["action_buttons"] = self.offered_buttons(request, obj)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)
