"""Credit repair applications in the admin: the deciding department's inbox (overdue first), decided
with buttons, and the lifting of the entry's measures department by department.

Rows come from ``repair.access.repairs_for_user``: another department's application is absent from
the list, and its change page, documents and buttons answer like a deleted object. Every write is a
service call: the add page enters an application (``services.repair_apply``, whose eligibility
refusal shows its reasons and the date from which it becomes possible); the change page moves the
application only through its buttons (the identifying department and the credit office).
"""
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from credit_platform.admin.actions import ObjectAction, ObjectActionsMixin, add_service_errors, admin_url
from credit_platform.admin.filters import OverdueFilter
from credit_platform.admin.mixins import AttachedFileAdminMixin, AuditHistoryAdminMixin, DecidedInboxAdminMixin, ServiceAddFormMixin, as_text
from credit_platform.exceptions import ApplicationError
from credit_platform.forms import RequiredReasonForm
from credit_platform.permissions import department_of, is_department_member
from repair import access, selectors, services
from repair.forms import RejectForm, RepairEnterForm
from repair.models import RepairApplication, RepairState
from sanctions.models import Assignment, AssignmentState

TO_DECIDE, ENTERED = "to_decide", "entered"


def _repair_service(service):
    """An ObjectAction runner: ``service(application=..., actor=..., **form data)``."""

    def run(request, application, data):
        return service(application=application, actor=request.user, **data)

    return run


def _may_extend(request, application) -> bool:
    # ``extend`` keeps the state (custom admin False on the model), so it is offered here.
    return (
        application.state in (RepairState.SUBMITTED, RepairState.REVIEWING)
        and not application.extended
        and access.can_decide_repair(request.user, application)
    )


def _approve_consequences(request, application) -> str:
    """What the confirmation of 批准 says: the entry leaves the list, and how many departments lift."""
    pushes = Assignment.objects.filter(case__list_entry_id=application.list_entry_id).exclude(
        state__in=[AssignmentState.RETURNED, AssignmentState.LIFTING, AssignmentState.LIFTED]
    )
    departments = pushes.values("department_id").distinct().count()
    return gettext(
        "Approving takes entry %(entry)s off the list and the public site and ends its cases: the measures are lifted in "
        "%(count)d departments, each of which must confirm the lifting. This cannot be undone."
    ) % {"entry": application.list_entry.decision_number, "count": departments}


class WhoseFilter(admin.SimpleListFilter):
    title = _("whose applications")
    parameter_name = "whose"

    def lookups(self, request, model_admin):
        if not is_department_member(request.user) or department_of(request.user) is None:
            return []
        return [(TO_DECIDE, _("to decide (we identified the dishonesty)")), (ENTERED, _("entered by us"))]

    def queryset(self, request, queryset):
        department = department_of(request.user)
        if self.value() == TO_DECIDE and department is not None:
            return queryset.filter(deciding_department=department)
        if self.value() == ENTERED and department is not None:
            return queryset.filter(filing_department=department)
        return queryset


LIFTING_LABELS = {
    "lifted": _("lifting confirmed"),
    "lifted_late": _("lifting confirmed late"),
    "late": _("late: lifting not confirmed"),
    "lifting": _("lifting, not yet confirmed"),
}


@admin.register(RepairApplication)
class RepairApplicationAdmin(ObjectActionsMixin, AuditHistoryAdminMixin, ServiceAddFormMixin, AttachedFileAdminMixin, DecidedInboxAdminMixin,
                             admin.ModelAdmin):
    attached_files = ("documents", "documents", "repair_repairapplication_document")
    list_display = [
        "receipt_number", "subject", "entry_display", "deciding_department", "filed_by_display", "state", "due_display", "overdue_flag",
        "created_at",
    ]
    list_filter = [WhoseFilter, "state", OverdueFilter, "channel"]
    list_select_related = ["subject", "list_entry", "record", "deciding_department", "filing_department"]
    search_fields = ["=receipt_number", "=subject__identifier", "subject__name"]
    search_help_text = _("Receipt number or subject identifier (exact), or part of the subject's name.")
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    fieldsets = [
        (None, {"fields": ["receipt_number", "state", "channel", "subject", "entry_link", "deciding_department", "filing_department"]}),
        (_("Application"), {"fields": ["applicant_name", "contact", "evidence", "commitment_signed", "training_completed", "document_files",
                                       "created_at"]}),
        (_("Eligibility"), {"fields": ["rule_set", "eligibility"]}),
        (_("Deadlines"), {"fields": ["answer_due", "accepted_at", "decide_due", "extended", "extension_reason"]}),
        (_("Decision"), {"fields": ["refusal_reason", "eligible_from", "rejection_reason", "false_materials", "decided_at", "decided_by_name"]}),
    ]
    decided_by_name = as_text(RepairApplication, "decided_by")  # a name, not a link to the user admin
    readonly_fields = [field for _name, options in fieldsets for field in options["fields"]]

    object_actions = [
        ObjectAction(
            name="accept", transition="accept", run=_repair_service(services.repair_accept),
            success=_("%(object)s taken for review; decide it by the date shown."),
        ),
        ObjectAction(
            name="refuse", transition="refuse", run=_repair_service(services.repair_refuse), form=RequiredReasonForm, danger=True,
            intro=_("Refuse to take the application (incomplete or ineligible). The applicant sees the reason."),
            success=_("%(object)s refused."),
        ),
        ObjectAction(
            name="extend", label=_("Extend"), offered=_may_extend, run=_repair_service(services.repair_extend), form=RequiredReasonForm,
            intro=_("The answer and decision dates can be extended once, with a reason."),
            success=_("%(object)s extended."),
        ),
        ObjectAction(
            name="approve", transition="approve", run=_repair_service(services.repair_approve), confirm=_approve_consequences,
            success=_("%(object)s approved: the entry left the list and every department is told to lift its measures."),
        ),
        ObjectAction(
            name="reject", transition="reject", run=_repair_service(services.repair_reject), form=RejectForm, danger=True,
            intro=_("Reject the application with the reasons. If the materials were false, repair is barred for the rule set's bar period."),
            success=_("%(object)s rejected."),
        ),
    ]

    # --- rows and permissions ------------------------------------------------------------------

    def get_queryset(self, request):
        return selectors.with_current_due(selectors.repairs_list(user=request.user))

    def has_add_permission(self, request):
        return super().has_add_permission(request) and access.can_enter_repair(request.user)

    # --- columns and fields --------------------------------------------------------------------

    @admin.display(description=_("list entry or record"))
    def entry_display(self, obj):
        return obj.target.decision_number

    @admin.display(description=_("list entry or record"))
    def entry_link(self, obj):
        if obj.record_id:
            url = admin_url("records_creditrecord_change", obj.record_id, site=self.admin_site.name)
            label = gettext("Credit record")
        else:
            url = admin_url("lists_listentry_change", obj.list_entry_id, site=self.admin_site.name)
            label = gettext("List entry")
        return format_html("{}: <a href='{}'>{}</a>", label, url, obj.target) if url else str(obj.target)

    @admin.display(description=_("documents"))
    def document_files(self, obj):
        return self.attached_files_html(obj, kind_label=lambda document: document.get_kind_display())

    @admin.display(description=_("eligibility now"))
    def eligibility(self, obj):
        if obj.state not in (RepairState.SUBMITTED, RepairState.REVIEWING):
            return "—"
        result = services.repair_eligibility(entry=obj.target)
        if result.eligible:
            return format_html("<strong>{}</strong>", _("Eligible under the entry's rule set."))
        return format_html("<ul class='eligibility-reasons'>{}</ul>", format_html_join("", "<li>{}</li>", ((r,) for r in result.reasons)))

    # --- entering an application ------------------------------------------------------------------

    def add_view(self, request, form_url="", extra_context=None):
        """Enter an application through ``services.repair_apply``; an ineligible one shows why and from when."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        posted = request.method == "POST"
        form = RepairEnterForm(request.POST if posted else None, request.FILES if posted else None, user=request.user, admin_site=self.admin_site)
        if posted and form.is_valid():
            try:
                application = services.repair_apply(actor=request.user, channel=RepairApplication.Channel.DEPARTMENT, **form.service_kwargs())
            except ValidationError as exc:
                add_service_errors(form, exc)
            except ApplicationError as exc:
                for reason in exc.extra.get("reasons") or [exc.message]:
                    form.add_error(None, reason)
                if exc.extra.get("eligible_from"):
                    form.add_error(None, gettext("An application becomes possible from %(date)s.") % {"date": exc.extra["eligible_from"]})
                else:
                    form.add_error(None, gettext("This entry cannot be repaired."))
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, gettext("Credit repair application %(receipt)s entered; it is answered by %(due)s.")
                    % {"receipt": application.receipt_number, "due": application.answer_due},
                )
                return HttpResponseRedirect(reverse("admin:repair_repairapplication_change", args=[application.pk], current_app=self.admin_site.name))
        fieldsets = [
            (None, {"fields": ["list_entry", "record", "applicant_name", "contact"]}),
            (_("Application"), {"fields": ["evidence", "commitment_signed"]}),
            (_("Documents"), {"fields": ["proof_files", "commitment_files", "training_files"]}),
        ]
        return self.render_service_add_form(
            request, form=form, fieldsets=fieldsets, title=_("Enter a credit repair application"), form_url=form_url, extra_context=extra_context
        )

    # --- the page ------------------------------------------------------------------------------

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None:
            rows = services.repair_lifting_progress(user=request.user, application=obj)
            for row in rows:
                row["status_label"] = LIFTING_LABELS.get(row["status"], row["assignment"].get_state_display())
                row["url"] = admin_url("sanctions_assignment_change", row["assignment"].pk, site=self.admin_site.name)
            context.update({"action_buttons": self.offered_buttons(request, obj), "lifting_rows": rows})
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

