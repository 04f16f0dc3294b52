"""Joint cases in the admin: initiating departments open, initiate and push them; every department
that may see a case follows its assignments here.

Rows come from ``selectors.cases_list`` (``access.cases_for_user``): another department's case is
absent from the list, and its change page and buttons answer like a deleted object. Every write is
a service call; the change page is read-only and moves the case only through its buttons.
"""
from django.contrib import admin, messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from credit_platform import identifiers, origins
from credit_platform.admin.actions import ObjectAction, ObjectActionsMixin, add_service_errors
from credit_platform.admin.mixins import AuditHistoryAdminMixin, ServiceAddFormMixin, as_text
from credit_platform.forms import ReasonForm, RequiredReasonForm
from credit_platform.models import ResponsiblePerson, Subject
from sanctions import access, selectors, services
from sanctions.forms import BulkLiftForm, CaseAmendForm, CaseCreateForm, CaseDraftForm, measure_label, memoranda_initiable_by
from sanctions.models import LIVE_CASE_STATES, Assignment, AssignmentState, CaseState, JointCase

ROLE_LABELS = dict(ResponsiblePerson.Role.choices)


def _case_service(service, **fixed):
    """An ObjectAction runner: ``service(case=..., actor=..., **form data)``."""

    def run(request, case, data):
        return service(case=case, actor=request.user, **fixed, **data)

    return run


def _initiate_consequences(request, case) -> str:
    """What the confirmation of 发起 says: what becomes fixed and who the push will reach."""
    names = list(case.measures.order_by("department__name").values_list("department__name", flat=True).distinct())
    return gettext(
        "Initiating fixes the case's basis, measures and period: the draft can no longer be edited. "
        "Pushing it next sends it to %(count)d departments: %(names)s."
    ) % {"count": len(names), "names": "、".join(names)}


@admin.register(JointCase)
class JointCaseAdmin(ObjectActionsMixin, AuditHistoryAdminMixin, ServiceAddFormMixin, admin.ModelAdmin):
    # Fits 1366 px: long names are cut with an ellipsis, the full text in the tooltip.
    list_display = ["number", "subject_short", "memorandum_short", "state", "initiating_department", "period", "pushed_at"]
    list_filter = ["state", "kind", "memorandum"]
    list_select_related = ["subject", "memorandum", "initiating_department"]
    search_fields = ["=number", "=subject__identifier", "subject__name"]
    search_help_text = _("Case number or subject identifier (exact), or part of the subject's name.")
    show_full_result_count = False  # no COUNT(*) over every case the department may see
    show_facets = admin.ShowFacets.NEVER  # nor one per filter value
    autocomplete_fields = ["subject"]
    actions = ["push_selected", "lift_selected"]
    fieldsets = [
        (None, {"fields": ["number", "state", "kind", "subject", "memorandum", "initiating_department", "created_by_name"]}),
        (_("Basis and measures"), {"fields": ["list_entry", "severity", "basis", "basis_document", "measure_list"]}),
        (_("Period"), {"fields": ["period_start", "period_end"]}),
        (_("Progress"), {"fields": ["created_at", "initiated_at", "pushed_at", "completed_at", "suspended_at", "ended_at", "end_reason"]}),
    ]
    created_by_name = as_text(JointCase, "created_by")  # a name, not a link to the user admin
    # The page only shows the case; a draft is corrected through its "Edit draft" button (a service).
    readonly_fields = [field for _name, options in fieldsets for field in options["fields"]]

    object_actions = [
        ObjectAction(
            name="edit", label=_("Edit draft"), run=_case_service(services.case_draft_update), form=CaseDraftForm,
            offered=lambda request, case: case.state == CaseState.DRAFT and access.can_manage_case(request.user, case),
            form_kwargs=lambda request, case: {"case": case},
            intro=_("Correct the draft before initiating it: its basis, period and measures. The subject and the memorandum "
                    "stay; for another, discard this draft and open a new case."),
            success=_("Draft %(object)s saved."),
        ),
        ObjectAction(
            name="initiate", transition="initiate", run=_case_service(services.case_initiate), confirm=_initiate_consequences,
            success=_("Case %(object)s initiated: its basis, measures and period are now fixed."),
        ),
        ObjectAction(
            name="push", transition="push", run=_case_service(services.case_push),
            success=_("Case %(object)s pushed to the executing departments."),
        ),
        ObjectAction(
            name="amend", label=_("Amend measures"), run=_case_service(services.case_amend), form=CaseAmendForm,
            offered=lambda request, case: case.is_live and access.can_manage_case(request.user, case),
            form_kwargs=lambda request, case: {"case": case},
            intro=_("Add measures of the memorandum (pushed at once to their departments, with their own deadlines) or withdraw "
                    "measures (their departments lift them and confirm), and say why."),
            success=_("Measures of case %(object)s amended; the departments are told."),
        ),
        ObjectAction(
            name="discard", transition="discard", run=_case_service(services.case_discard), form=ReasonForm, danger=True,
            intro=_("The draft is kept in the records, marked discarded; it can never be pushed."),
            success=_("Draft %(object)s discarded."),
        ),
        ObjectAction(
            name="revoke", transition="revoke", run=_case_service(services.case_revoke), form=RequiredReasonForm, danger=True,
            intro=_("Revoking ends the case: every executing department is told to lift its measures and confirm."),
            success=_("Case %(object)s revoked; the departments are told to lift its measures."),
        ),
    ]

    class Media:
        css = {"all": ["credit/sanctions.css"]}

    # --- rows and permissions ------------------------------------------------------------------

    def get_queryset(self, request):
        return selectors.cases_list(user=request.user)

    def get_search_results(self, request, queryset, search_term):
        # Identifiers are stored upper-case; a clerk types them as they come.
        term = identifiers.normalise(search_term) if len(search_term.strip()) == 18 else search_term
        return super().get_search_results(request, queryset, term)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and access.can_initiate(request.user)

    def has_change_permission(self, request, obj=None):
        return False  # cases move through their buttons (services), never through the form

    def has_delete_permission(self, request, obj=None):
        return False  # a draft is discarded, a case revoked: the record stays

    def has_push_permission(self, request):
        return access.can_initiate(request.user)

    # --- columns and fields --------------------------------------------------------------------

    @admin.display(description=_("subject"), ordering="subject__name")
    def subject_short(self, obj):
        return format_html('<span class="truncate" title="{}">{}</span>', obj.subject, obj.subject.name)

    @admin.display(description=_("memorandum"), ordering="memorandum__name")
    def memorandum_short(self, obj):
        return format_html('<span class="truncate" title="{}">{}</span>', obj.memorandum, obj.memorandum)

    @admin.display(description=_("period"), ordering="period_start")
    def period(self, obj):
        return f"{obj.period_start} – {obj.period_end}"

    @admin.display(description=_("list entry"))
    def list_entry(self, obj):
        """The entry the case rests on, named and linked by lists (credit_platform.origins)."""
        if obj.list_entry_id is None:
            return "-"
        label = origins.case_origin_label(origins.LIST_ENTRY, obj.list_entry_id) or f"#{obj.list_entry_id}"
        hooks = origins.case_origin_hooks(origins.LIST_ENTRY)
        try:
            url = reverse(f"admin:{hooks.admin_url_name}", args=[obj.list_entry_id], current_app=self.admin_site.name) if hooks else ""
        except NoReverseMatch:
            url = ""
        return format_html("<a href='{}'>{}</a>", url, label) if url else label

    @admin.display(description=_("measures"))
    def measure_list(self, obj):
        measures = obj.measures.select_related("department").order_by("code")
        return format_html(
            "<ul class='measure-list'>{}</ul>",
            format_html_join("", "<li>{} <span class='muted'>— {}</span></li>", ((measure_label(m), m.department) for m in measures)),
        )

    # --- creating a case -----------------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "fitting-measures/",
                self.admin_site.admin_view(self.fitting_measures_view),
                name="sanctions_jointcase_fitting_measures",
            ),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        """Open a draft through ``services.case_create``; its refusals show on the form's fields."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = CaseCreateForm(request.POST if request.method == "POST" else None, user=request.user, admin_site=self.admin_site)
        if request.method == "POST" and form.is_valid() and form.offer_pending:
            messages.info(request, gettext("Check the measures offered for this subject and memorandum, then save again."))
        elif request.method == "POST" and form.is_valid():
            try:
                case = services.case_create(actor=request.user, **form.service_kwargs())
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error("memorandum", str(exc))
            else:
                messages.success(request, gettext("Draft case %(number)s opened. Check it, then initiate it.") % {"number": case.number})
                return HttpResponseRedirect(reverse("admin:sanctions_jointcase_change", args=[case.pk], current_app=self.admin_site.name))
        fieldsets = [
            (None, {"fields": ["subject", "memorandum", "kind", "offered_for"]}),
            (_("Measures"), {"fields": ["measures"]}),
            (_("Basis"), {"fields": ["severity", "basis", "basis_document"]}),
            (_("Period"), {"fields": ["period_start", "period_end"]}),
        ]
        return self.render_service_add_form(
            request, form=form, fieldsets=fieldsets, title=_("Open a joint case"), form_url=form_url,
            extra_context={"fitting_measures_url": reverse("admin:sanctions_jointcase_fitting_measures", current_app=self.admin_site.name), **(extra_context or {})},
        )

    def fitting_measures_view(self, request):
        """JSON for the case form's script: the measures of a memorandum that fit a subject."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        try:
            subject = Subject.objects.get(pk=request.GET.get("subject"))
            memorandum = memoranda_initiable_by(request.user).get(pk=request.GET.get("memorandum"))
        except (ObjectDoesNotExist, ValueError, TypeError):
            raise Http404 from None
        measures = services.measures_fitting(memorandum=memorandum, subject=subject)
        return JsonResponse({
            "offered_for": f"{subject.pk}:{memorandum.pk}",
            "kind": memorandum.kind,
            "measures": [{"id": m.pk, "label": f"{measure_label(m)} — {m.department}"} for m in measures],
        })

    # --- the case page -------------------------------------------------------------------------

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None:
            context.update(self.case_page_context(request, obj))
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def case_page_context(self, request, case) -> dict:
        """Buttons, the assignments' progress and the feedback this user may read."""
        user = request.user
        site = self.admin_site.name
        may_reassign = case.state in LIVE_CASE_STATES and access.can_manage_case(user, case)
        assignments = list(
            selectors.case_assignments_visible(user=user, case=case).order_by("department__code", "target_role", "pk")
        )
        returned = [a.pk for a in assignments if a.state == AssignmentState.RETURNED]
        reassigned = set(Assignment.objects.filter(reassigned_from__in=returned).values_list("reassigned_from_id", flat=True)) if returned else set()
        for assignment in assignments:
            assignment.admin_url = reverse("admin:sanctions_assignment_change", args=[assignment.pk], current_app=site)
            assignment.role_label = ROLE_LABELS.get(assignment.target_role, assignment.target_role)
            assignment.reassign_url = (
                reverse("admin:sanctions_assignment_do", args=[assignment.pk, "reassign"], current_app=site)
                if may_reassign and assignment.pk in returned and assignment.pk not in reassigned
                else ""
            )
        feedback = list(selectors.visible_feedback(user=user, case=case).order_by("assignment__department__code", "measure__code", "pk"))
        for record in feedback:
            record.measure_label = measure_label(record.measure)
        return {
            "action_buttons": self.offered_buttons(request, case),
            "case_assignments": assignments,
            "case_feedback": feedback,
            "case_amendments": case.amendments.select_related("actor").prefetch_related("added", "withdrawn").order_by("pk"),
        }

    # --- bulk push -----------------------------------------------------------------------------

    @admin.action(description=_("Push selected cases"), permissions=["push"])
    def push_selected(self, request, queryset):
        try:
            job = services.bulk_push_request(actor=request.user, case_ids=list(queryset.values_list("pk", flat=True)))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            return None
        messages.info(request, gettext("Pushing %(n)d cases in the background.") % {"n": job.total})
        return HttpResponseRedirect(reverse("admin:sanctions_bulkpushjob_change", args=[job.pk], current_app=self.admin_site.name))

    # --- bulk lifting --------------------------------------------------------------------------

    @admin.action(description=_("Lift selected cases (revoke or end)"), permissions=["push"])
    def lift_selected(self, request, queryset):
        """Asks how and why on an intermediate page, then queues the job and shows its progress."""
        form = BulkLiftForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            try:
                job = services.bulk_lift_request(
                    actor=request.user, case_ids=list(queryset.values_list("pk", flat=True)), **form.cleaned_data,
                )
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
                return None
            messages.info(request, gettext("Lifting %(n)d cases in the background.") % {"n": job.total})
            return HttpResponseRedirect(reverse("admin:sanctions_bulkpushjob_change", args=[job.pk], current_app=self.admin_site.name))
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Lift the selected cases"),
            "opts": self.model._meta,
            "form": form,
            "cases": queryset.order_by("number"),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/sanctions/jointcase/bulk_lift.html", context)
