"""Objections in the admin: the information provider's inbox (overdue first), decided with buttons.

Rows come from ``objections.access.objections_for_user``: another department's objection is absent
from the list, and its change page, evidence files and buttons answer like a deleted object. Every
write is a service call: the add page files a department objection (``services.objection_file``);
the change page is read-only and moves the objection only through its buttons (shown when the
transition is open to the user: the provider and the credit office).
"""
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from credit_platform.admin.actions import ObjectAction, ObjectActionsMixin, add_service_errors, admin_url
from credit_platform.admin.filters import OverdueFilter
from credit_platform.admin.mixins import AttachedFileAdminMixin, AuditHistoryAdminMixin, DecidedInboxAdminMixin, ServiceAddFormMixin, as_text
from credit_platform.forms import RequiredReasonForm
from credit_platform.permissions import department_of, is_department_member
from objections import access, selectors, services
from objections.forms import ObjectionFileForm, UpholdForm
from objections.models import Objection

TO_VERIFY, FILED = "to_verify", "filed"


def _objection_service(service):
    """An ObjectAction runner: ``service(objection=..., actor=..., **form data)``."""

    def run(request, objection, data):
        return service(objection=objection, actor=request.user, **data)

    return run


class WhoseFilter(admin.SimpleListFilter):
    title = _("whose objections")
    parameter_name = "whose"

    def lookups(self, request, model_admin):
        if not is_department_member(request.user) or department_of(request.user) is None:
            return []
        return [(TO_VERIFY, _("to verify (we provide the record)")), (FILED, _("filed by us"))]

    def queryset(self, request, queryset):
        department = department_of(request.user)
        if self.value() == TO_VERIFY and department is not None:
            return queryset.filter(provider_department=department)
        if self.value() == FILED and department is not None:
            return queryset.filter(filing_department=department)
        return queryset


@admin.register(Objection)
class ObjectionAdmin(ObjectActionsMixin, AuditHistoryAdminMixin, ServiceAddFormMixin, AttachedFileAdminMixin, DecidedInboxAdminMixin,
                     admin.ModelAdmin):
    attached_files = ("evidence", "evidence", "objections_objection_evidence")
    list_display = [
        "receipt_number", "subject", "target_display", "provider_department", "filed_by_display", "state", "due_display", "overdue_flag",
        "created_at",
    ]
    list_filter = [WhoseFilter, "state", OverdueFilter, "channel"]
    list_select_related = ["subject", "list_entry", "case", "record", "provider_department", "filing_department"]
    search_fields = ["=receipt_number", "=subject__identifier", "subject__name"]
    search_help_text = _("Receipt number or subject identifier (exact), or part of the subject's name.")
    show_full_result_count = False  # no COUNT(*) over every objection the department may see
    show_facets = admin.ShowFacets.NEVER
    fieldsets = [
        (None, {"fields": ["receipt_number", "state", "channel", "subject", "target_links", "provider_department", "filing_department"]}),
        (_("Objection"), {"fields": ["applicant_name", "contact", "grounds", "evidence_files", "created_at"]}),
        (_("Deadlines"), {"fields": ["rule_set", "accept_due", "accepted_at", "verify_due", "extended", "extension_reason"]}),
        (_("Decision"), {"fields": ["refusal_reason", "decision", "decision_reason", "corrections", "decided_at", "decided_by_name"]}),
    ]
    decided_by_name = as_text(Objection, "decided_by")  # a name, not a link to the user admin
    readonly_fields = [field for _name, options in fieldsets for field in options["fields"]]

    object_actions = [
        ObjectAction(
            name="accept", transition="accept", run=_objection_service(services.objection_accept),
            success=_("Objection %(object)s accepted: the record is under verification and its measures are held."),
        ),
        ObjectAction(
            name="refuse", transition="refuse", run=_objection_service(services.objection_refuse), form=RequiredReasonForm, danger=True,
            intro=_("Refuse to accept the objection. The applicant sees the reason."),
            success=_("Objection %(object)s refused."),
        ),
        ObjectAction(
            name="extend", transition="extend", run=_objection_service(services.objection_extend), form=RequiredReasonForm,
            intro=_("The verification can be extended once, by the rule set's working days; the applicant sees the reason."),
            success=_("Verification of %(object)s extended."),
        ),
        ObjectAction(
            name="uphold", transition="uphold", run=_objection_service(services.objection_uphold), form=UpholdForm,
            form_kwargs=lambda request, objection: {"objection": objection},
            intro=_("The record was wrong. Revoke it (the entry leaves the list, its cases are revoked, every department lifts "
                    "its measures and restores the subject's reputation), or correct the fields found wrong (the measures resume)."),
            success=_("Objection %(object)s upheld."),
        ),
        ObjectAction(
            name="dismiss", transition="dismiss", run=_objection_service(services.objection_dismiss), form=RequiredReasonForm,
            intro=_("The record was right: the measures resume, their due dates moved by the working days held."),
            success=_("Objection %(object)s dismissed; the measures resume."),
        ),
    ]

    # --- rows and permissions ------------------------------------------------------------------

    def get_queryset(self, request):
        return selectors.with_current_due(selectors.objections_list(user=request.user))

    def has_add_permission(self, request):
        return super().has_add_permission(request) and access.can_file_objection(request.user)

    # --- columns and fields --------------------------------------------------------------------

    @admin.display(description=_("disputed record"))
    def target_display(self, obj):
        parts = []
        if obj.list_entry_id:
            parts.append(obj.list_entry.decision_number)
        if obj.case_id:
            parts.append(obj.case.number)
        if obj.record_id:
            parts.append(obj.record.decision_number)
        return " / ".join(parts)

    @admin.display(description=_("disputed record"))
    def target_links(self, obj):
        links = []
        if obj.list_entry_id:
            url = admin_url("lists_listentry_change", obj.list_entry_id, site=self.admin_site.name)
            links.append((url, gettext("List entry"), str(obj.list_entry)))
        if obj.case_id:
            url = admin_url("sanctions_jointcase_change", obj.case_id, site=self.admin_site.name)
            links.append((url, gettext("Case"), obj.case.number))
        if obj.record_id:
            url = admin_url("records_creditrecord_change", obj.record_id, site=self.admin_site.name)
            links.append((url, gettext("Credit record"), obj.record.decision_number))
        return format_html_join(mark_safe("<br>"), "{}: <a href='{}'>{}</a>", ((label, url, text) for url, label, text in links))

    @admin.display(description=_("evidence"))
    def evidence_files(self, obj):
        return self.attached_files_html(obj)

    # --- filing ----------------------------------------------------------------------------------

    def add_view(self, request, form_url="", extra_context=None):
        """File a department objection through ``services.objection_file``; refusals show on the form."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        posted = request.method == "POST"
        form = ObjectionFileForm(request.POST if posted else None, request.FILES if posted else None, user=request.user, admin_site=self.admin_site)
        if posted and form.is_valid():
            try:
                objection = services.objection_file(actor=request.user, channel=Objection.Channel.DEPARTMENT, **form.service_kwargs())
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, gettext("Objection %(receipt)s filed; the information provider accepts or refuses it by %(due)s.")
                    % {"receipt": objection.receipt_number, "due": objection.accept_due},
                )
                return HttpResponseRedirect(reverse("admin:objections_objection_change", args=[objection.pk], current_app=self.admin_site.name))
        fieldsets = [
            (None, {"fields": ["list_entry", "case", "record"], "description": _("The list entry or the case you dispute (or both).")}),
            (_("Objection"), {"fields": ["grounds", "contact", "evidence"]}),
        ]
        return self.render_service_add_form(
            request, form=form, fieldsets=fieldsets, title=_("File an objection"), form_url=form_url, extra_context=extra_context
        )

    # --- the page ------------------------------------------------------------------------------

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None:
            context["action_buttons"] = self.offered_buttons(request, obj)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)
