"""List entries in the admin: initiating departments propose, notify, hear, publish and remove them.

Rows come from ``lists.access.entries_for_user``: another department's proposed entry is absent
from the list, and its change page and buttons answer like a deleted object. Every write is a
service call: the add page proposes through ``services.entry_propose``; the change page is
read-only and moves the entry only through its buttons (shown when the transition is open to the
user; the buttons machinery is credit_platform.admin.actions, shared with the cases).
"""
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from credit_platform import identifiers
from credit_platform.admin.actions import ObjectAction, ObjectActionsMixin, admin_url
from credit_platform.admin.mixins import AuditHistoryAdminMixin, ServiceAddFormMixin, as_text
from credit_platform.domains import ListType
from lists import access, selectors, services
# The import admin (uploads and their reports) lives beside the importer; autodiscovery only imports admin.py.
from lists import admin_import  # noqa: F401
from lists.export import export_entries_action
from lists.forms import EntryProposeForm, NotifyForm, RemoveForm, StatementForm, WithdrawForm
from lists.models import EntryState, ListEntry, RemovalReason, publication_refusal
from lists.notice import entry_notice_pdf, notice_filename
from credit_platform.pdf import pdf_response
from credit_platform.selectors import person_records_viewed

# A red entry's page shows no severity (it is no dishonesty); a dishonesty's page no validity.
DISHONESTY_ONLY_FIELDS = ("severity", "repair_possible_from", "publication_ends_on", "held_working_days")
RED_ONLY_FIELDS = ("valid_until", "removal_proposed_at", "removal_proposal_reason")


def _entry_service(service):
    """An ObjectAction runner: ``service(entry=..., actor=..., **form data)``."""

    def run(request, entry, data):
        return service(entry=entry, actor=request.user, **data)

    return run


def _may_record_statement(request, entry) -> bool:
    return entry.state == EntryState.NOTIFIED and access.can_manage_entry(request.user, entry)


class PublicationDeadlineFilter(admin.SimpleListFilter):
    """双公示: entries not yet published past their due date, published late, published on time."""

    title = _("publication deadline (双公示)")
    parameter_name = "publication"

    def lookups(self, request, model_admin):
        return [("overdue", _("not yet published, overdue")), ("late", _("published late")), ("on_time", _("published on time"))]

    def queryset(self, request, queryset):
        if self.value() in selectors.PUBLICATION_FIGURES:
            return queryset.filter(selectors.publication_q(self.value()))
        return queryset


class RemovalProposedFilter(admin.SimpleListFilter):
    """Red entries whose removal a dishonesty of the subject proposed, still on the list."""

    title = _("removal from the red list proposed")
    parameter_name = "removal_proposed"

    def lookups(self, request, model_admin):
        return [("yes", _("proposed, not yet decided"))]

    def queryset(self, request, queryset):
        return queryset.filter(selectors.removal_pending_q()) if self.value() == "yes" else queryset


def _may_remove_red(request, entry) -> bool:
    return entry.removal_pending and access.can_manage_entry(request.user, entry)


def _remove_red(request, entry, data):
    return services.entry_remove(entry=entry, actor=request.user, reason=RemovalReason.REVOKED, note=entry.removal_proposal_reason)


@admin.register(ListEntry)
class ListEntryAdmin(ObjectActionsMixin, AuditHistoryAdminMixin, ServiceAddFormMixin, admin.ModelAdmin):
    list_display = [
        "decision_number", "subject_name", "subject_identifier", "list_type", "severity_or_validity", "domain", "state",
        "identifying_department", "decided_on", "publication_due", "ends_on",
    ]
    list_filter = ["list_type", "state", "severity", "domain", PublicationDeadlineFilter, RemovalProposedFilter]
    list_select_related = ["subject", "identifying_department"]
    search_fields = ["=subject__identifier", "subject__name", "decision_number"]
    search_help_text = _("Subject identifier (exact), or part of the subject's name or of the decision number.")
    show_full_result_count = False  # no COUNT(*) over every entry the department may see
    show_facets = admin.ShowFacets.NEVER  # nor one per filter value
    actions = [export_entries_action]
    fieldsets = [
        (None, {"fields": ["state", "subject", "list_type", "severity", "domain", "identifying_department", "source", "created_by_name"]}),
        (_("Decision"), {"fields": ["decision_number", "decided_on", "basis", "facts", "exit_conditions", "remedies", "rule_set", "publication_due"]}),
        (_("Periods"), {"fields": ["repair_possible_from", "publication_ends_on", "held_working_days"]}),
        (_("Validity and removal proposal"), {"fields": ["valid_until", "removal_proposed_at", "removal_proposal_reason"]}),
        (_("Notice and statement"), {"fields": ["notified_on", "notify_method", "statement_due", "publication_note", "statement_text",
                                                "statement_waived", "statement_at"]}),
        (_("Publication and removal"), {"fields": ["published_at", "published_on_time", "withdraw_reason", "state_before_suspension", "suspended_on", "removal_reason", "removed_at"]}),
    ]
    # The page only shows the entry: it changes through its buttons (services), never through the form.
    created_by_name = as_text(ListEntry, "created_by")  # a name, not a link to the user admin
    readonly_fields = [field for _name, options in fieldsets for field in options["fields"]]

    object_actions = [
        ObjectAction(
            name="notify", transition="notify", run=_entry_service(services.entry_notify), form=NotifyForm,
            intro=_("Record how and when the subject was told of the reasons, the basis and its rights; "
                    "its statement and defence window opens."),
            success=_("%(object)s: the subject is notified; the statement window is open."),
        ),
        ObjectAction(
            name="statement", label=_("Record the statement"), offered=_may_record_statement, run=_entry_service(services.entry_record_statement),
            form=StatementForm, intro=_("The subject's statement and defence, or that it waived it."),
            success=_("%(object)s: the statement is recorded."),
        ),
        ObjectAction(
            name="publish", transition="publish", run=_entry_service(services.entry_publish),
            success=_("%(object)s is published."),
        ),
        ObjectAction(
            name="withdraw", transition="withdraw", run=_entry_service(services.entry_withdraw), form=WithdrawForm, danger=True,
            intro=_("The statement was upheld: the entry is withdrawn before publication and kept in the records."),
            success=_("%(object)s is withdrawn."),
        ),
        ObjectAction(
            name="remove_red", label=_("Remove from the red list"), offered=_may_remove_red, run=_remove_red, danger=True,
            success=_("%(object)s is removed from the red list (revoked); its reward cases end."),
        ),
        ObjectAction(
            name="remove", transition="remove", run=_entry_service(services.entry_remove), form=RemoveForm, danger=True,
            intro=_("The entry leaves the list and the public website; its joint cases end and every executing "
                    "department is told to lift the measures. The record is kept."),
            success=_("%(object)s is removed from the list."),
        ),
    ]

    class Media:
        css = {"all": ["credit/sanctions.css"]}

    # --- rows and permissions ------------------------------------------------------------------

    def get_queryset(self, request):
        return access.entries_for_user(request.user).select_related("subject", "identifying_department", "rule_set", "created_by")

    def get_search_results(self, request, queryset, search_term):
        # Identifiers are stored upper-case; a clerk types them as they come.
        term = identifiers.normalise(search_term) if len(search_term.strip()) == 18 else search_term
        return super().get_search_results(request, queryset, term)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and access.can_propose(request.user)

    def has_change_permission(self, request, obj=None):
        return False  # entries move through their buttons (services), never through the form

    def has_delete_permission(self, request, obj=None):
        return False  # a withdrawn or removed entry stays in the records

    # --- columns and fields --------------------------------------------------------------------

    @admin.display(description=_("subject"), ordering="subject__name")
    def subject_name(self, obj):
        return obj.subject.name

    @admin.display(description=_("identifier"))
    def subject_identifier(self, obj):
        return obj.subject.identifier

    @admin.display(description=_("severity / validity"))
    def severity_or_validity(self, obj):
        """A dishonesty's severity; a red entry's validity (it has no severity)."""
        if obj.list_type == ListType.RED:
            return gettext("valid until %(date)s") % {"date": obj.valid_until.isoformat()} if obj.valid_until else "—"
        return obj.get_severity_display()

    @admin.display(description=_("on the list until"), ordering="publication_ends_on")
    def ends_on(self, obj):
        return obj.ends_on

    def get_fieldsets(self, request, obj=None):
        """A red entry shows its validity (and a removal proposal), not a severity or dishonesty periods."""
        hidden = DISHONESTY_ONLY_FIELDS if obj is not None and obj.list_type == ListType.RED else RED_ONLY_FIELDS
        fieldsets = [(name, {**options, "fields": [f for f in options["fields"] if f not in hidden]}) for name, options in self.fieldsets]
        return [(name, options) for name, options in fieldsets if options["fields"]]

    @admin.display(description=_("publication"))
    def publication_note(self, obj):
        if obj.state != EntryState.NOTIFIED:
            return "—"
        return publication_refusal(obj) or gettext("Can be published now.")

    # --- proposing -----------------------------------------------------------------------------

    def add_view(self, request, form_url="", extra_context=None):
        """Propose an entry through ``services.entry_propose``; its refusals show on the form's fields."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = EntryProposeForm(request.POST if request.method == "POST" else None, admin_site=self.admin_site)
        fieldsets = [
            (None, {"fields": ["subject", "list_type", "severity", "domain"]}),
            (_("Decision"), {"fields": ["decision_number", "decided_on", "basis", "valid_until", "facts", "exit_conditions", "remedies"]}),
        ]
        return self.service_add_view(
            request, form=form, create=lambda **data: services.entry_propose(actor=request.user, **data),
            success=lambda entry: gettext("%(entry)s proposed. Notify the subject next.") % {"entry": entry},
            fieldsets=fieldsets, title=_("Propose a list entry"), form_url=form_url, extra_context=extra_context,
        )

    # --- the entry page ------------------------------------------------------------------------

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None:
            context.update(self.entry_page_context(request, obj))
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def entry_page_context(self, request, entry) -> dict:
        """Buttons, and the joint cases of the entry this user may see."""
        cases = selectors.entry_cases_visible(user=request.user, entry=entry)
        for case in cases:
            case.admin_url = admin_url("sanctions_jointcase_change", case.pk, site=self.admin_site.name)
        notice_url = reverse("admin:lists_listentry_notice", args=[entry.pk], current_app=self.admin_site.name)
        return {"action_buttons": self.offered_buttons(request, entry), "entry_cases": cases, "notice_url": notice_url}

    # --- the notice (告知书) -------------------------------------------------------------------

    def get_urls(self):
        notice = path("<path:object_id>/notice/", self.admin_site.admin_view(self.notice_view), name="lists_listentry_notice")
        return [notice, *super().get_urls()]

    def notice_view(self, request, object_id):
        """The entry's notice as PDF: for whoever sees the entry (the admin's queryset is the access selector)."""
        entry = self.get_object(request, object_id)
        if entry is None or not self.has_view_permission(request, entry):
            raise Http404("No such list entry.")
        person_records_viewed(user=request.user, subjects=[entry.subject], reason=gettext("Notice to the subject printed"))
        return pdf_response(entry_notice_pdf(entry), notice_filename(entry))
