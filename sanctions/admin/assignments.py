"""Assignments in the admin: the executing departments' inbox, and the pushes of a department's cases.

An executing department's list is its inbox (``selectors.inbox``: its own pushes, overdue first);
the initiating department, the credit office and the leadership office see every push they may
(``selectors.assignments_list``). A department that both initiates and executes switches between
the two with the "whose pushes" filter. Pages are read-only; the work is done with the buttons.
"""
from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from credit_platform.admin.actions import ObjectAction, ObjectActionsMixin
from credit_platform.admin.mixins import AuditHistoryAdminMixin
from credit_platform.forms import RequiredReasonForm
from credit_platform.models import ResponsiblePerson
from credit_platform.permissions import can_see_everything, department_of, is_department_member
from sanctions import access, selectors, services
from sanctions.forms import FeedbackForm, MeasureLiftConfirmForm, ReassignForm, measure_label
from sanctions.models import LIVE_CASE_STATES, Assignment, AssignmentState, CaseState

ROLE_LABELS = dict(ResponsiblePerson.Role.choices)
INBOX, ALL = "inbox", "all"
INBOX_ORDERING = ["-is_overdue", "feedback_due", "pk"]  # as selectors.inbox orders it


def _own_department(user):
    return department_of(user) if is_department_member(user) else None


def has_inbox(user) -> bool:
    department = _own_department(user)
    return department is not None and department.is_executing


def chooses_scope(user) -> bool:
    """A department with an inbox that also sees others' pushes (its own cases', or everyone's)."""
    department = _own_department(user)
    return has_inbox(user) and (department.is_initiating or can_see_everything(user))


def list_scope(request) -> str:
    """Which list the user sees: the inbox by default for an executing department, unless it supervises."""
    if not has_inbox(request.user):
        return ALL
    chosen = request.GET.get("scope")
    if chosen in (INBOX, ALL):
        return chosen
    return ALL if can_see_everything(request.user) else INBOX


class ScopeFilter(admin.SimpleListFilter):
    title = _("whose pushes")
    parameter_name = "scope"

    def __init__(self, request, params, model, model_admin):
        self.current = list_scope(request)
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        if not chooses_scope(request.user):
            return []
        return [(INBOX, _("our department's inbox")), (ALL, _("every push we may see"))]

    def queryset(self, request, queryset):
        return queryset  # AssignmentAdmin.get_queryset starts from the chosen selector

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            yield {
                "selected": value == self.current,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }


class AssignmentOverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("overdue")), ("no", _("not overdue"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(selectors.overdue_q())
        if self.value() == "no":
            return queryset.filter(is_overdue=False)
        return queryset


class LiftFilter(admin.SimpleListFilter):
    """待确认解除 as the workbench counts it: whole liftings and withdrawn measures to confirm."""

    title = _("lifting to confirm")
    parameter_name = "lift"

    def lookups(self, request, model_admin):
        return [("to_confirm", _("lifting to confirm")), ("overdue", _("lifting confirmation overdue"))]

    def queryset(self, request, queryset):
        if self.value() == "to_confirm":
            return queryset.filter(selectors.lift_to_confirm_q())
        if self.value() == "overdue":
            return queryset.filter(selectors.lift_overdue_q())
        return queryset


def _work(service):
    def run(request, assignment, data):
        return service(assignment=assignment, actor=request.user, **data)

    return run


def _may_record_feedback(request, assignment) -> bool:
    return (
        assignment.state == AssignmentState.FED_BACK
        and assignment.case.state != CaseState.SUSPENDED
        and access.can_work_assignment(request.user, assignment)
    )


def _may_reassign(request, assignment) -> bool:
    return (
        assignment.state == AssignmentState.RETURNED
        and assignment.case.state in LIVE_CASE_STATES
        and not assignment.reassignments.exists()
        and access.can_manage_case(request.user, assignment.case)
    )


def _may_confirm_measure_lift(request, assignment) -> bool:
    return assignment.measure_liftings.filter(confirmed_at__isnull=True).exists() and access.can_work_assignment(request.user, assignment)


def _feedback_form_kwargs(require_all):
    def kwargs(request, assignment):
        return {"measures": list(assignment.measures.order_by("code")), "require_all": require_all}

    return kwargs


@admin.register(Assignment)
class AssignmentAdmin(ObjectActionsMixin, AuditHistoryAdminMixin, admin.ModelAdmin):
    list_display = [
        "case_number", "target_display", "department", "state", "sign_for_due", "feedback_due", "overdue_flag", "provisional_flag",
    ]
    list_display_links = ["case_number"]
    list_filter = [ScopeFilter, "state", AssignmentOverdueFilter, LiftFilter]
    list_select_related = ["case", "case__subject", "department", "target"]
    search_fields = ["=case__number", "=target__identifier", "=case__subject__identifier"]
    search_help_text = _("Case number or identifier of the subject or target (exact).")
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # counts per filter value would scan the department's pushes
    fieldsets = [
        (None, {"fields": ["case", "case_subject", "department", "target_display", "state", "measure_list", "withdrawn_list", "amendment"]}),
        (_("Due dates"), {"fields": ["pushed_on", "sign_for_due", "feedback_due", "lift_due", "overdue_flag", "provisional_flag"]}),
        (_("Progress"), {"fields": [
            "acknowledged_at", "signed_for_on_time", "fed_back_at", "fed_back_on_time", "returned_at", "return_reason", "reassigned_from",
            "suspended_on", "suspended_working_days", "lift_opened_on", "lifted_at", "lift_confirmed_on_time",
        ]}),
    ]
    readonly_fields = [field for _name, options in fieldsets for field in options["fields"]]

    object_actions = [
        ObjectAction(
            name="acknowledge", transition="acknowledge", run=_work(services.assignment_acknowledge),
            success=_("Signed for %(object)s."),
        ),
        ObjectAction(
            name="feedback", transition="feedback", run=_work(services.assignment_feedback),
            form=FeedbackForm, form_kwargs=_feedback_form_kwargs(True), template="admin/sanctions/assignment/feedback_form.html",
            intro=_("Answer every measure: applied, not applicable or failed (give the reason for the last two)."),
            success=_("Feedback on %(object)s recorded."),
        ),
        ObjectAction(
            name="record", label=_("Record further feedback"), offered=_may_record_feedback,
            run=_work(services.assignment_record_feedback),
            form=FeedbackForm, form_kwargs=_feedback_form_kwargs(False), template="admin/sanctions/assignment/feedback_form.html",
            intro=_("Record each time a measure bites (a bid refused, a permit held back): fill in the rows concerned only."),
            success=_("Further feedback on %(object)s recorded."),
        ),
        ObjectAction(
            name="return", transition="return_", run=_work(services.assignment_return), form=RequiredReasonForm, danger=True,
            intro=_("Return the push if your department is not competent for it; the initiating department reassigns it."),
            success=_("%(object)s returned to the initiating department."),
        ),
        ObjectAction(
            name="confirm_lift", transition="confirm_lift", run=_work(services.assignment_confirm_lift),
            success=_("Lifting of %(object)s confirmed."),
        ),
        ObjectAction(
            name="confirm_measure_lift", label=_("Confirm a withdrawn measure lifted"), offered=_may_confirm_measure_lift,
            run=_work(services.measure_lift_confirm), form=MeasureLiftConfirmForm,
            form_kwargs=lambda request, assignment: {"assignment": assignment},
            intro=_("The initiating department withdrew these measures from the case: lift each and confirm it."),
            success=_("Lifting of the withdrawn measure of %(object)s confirmed."),
        ),
        ObjectAction(
            name="reassign", label=_("Reassign"), offered=_may_reassign, run=_work(services.assignment_reassign),
            form=ReassignForm, form_kwargs=lambda request, assignment: {"assignment": assignment},
            intro=_("Give the returned push, with its measures, to another executing department."),
            success=_("%(object)s reassigned; the new push is on the case page."),
        ),
    ]

    class Media:
        css = {"all": ["credit/sanctions.css"]}

    # --- rows and permissions ------------------------------------------------------------------

    def changelist_view(self, request, extra_context=None):
        title = _("Our inbox") if list_scope(request) == INBOX else _("Pushes")
        return super().changelist_view(request, {"title": title, **(extra_context or {})})

    def get_changelist_instance(self, request):
        request.assignment_scope = list_scope(request)
        return super().get_changelist_instance(request)

    def get_queryset(self, request):
        # Only the list is the inbox; a change page or button reaches every push the user may see.
        if getattr(request, "assignment_scope", ALL) == INBOX:
            return selectors.inbox(user=request.user)
        return selectors.assignments_list(user=request.user)

    def get_ordering(self, request):
        if getattr(request, "assignment_scope", ALL) == INBOX:
            return INBOX_ORDERING
        return ["-pk"]

    def has_add_permission(self, request):
        return False  # pushes are created by pushing a case

    def has_change_permission(self, request, obj=None):
        return False  # worked through the buttons (services)

    def has_delete_permission(self, request, obj=None):
        return False

    # --- columns -------------------------------------------------------------------------------

    @admin.display(description=_("case"), ordering="case__number")
    def case_number(self, obj):
        return obj.case.number

    @admin.display(description=_("subject / target"))
    def target_display(self, obj):
        if obj.target_id == obj.case.subject_id:
            return str(obj.target)
        role = ROLE_LABELS.get(obj.target_role, obj.target_role)
        return format_html("{} <span class='muted'>({}, {})</span>", obj.target, role, obj.case.subject.name)

    @admin.display(description=_("case subject"))
    def case_subject(self, obj):
        return str(obj.case.subject)

    @admin.display(description=_("overdue"))
    def overdue_flag(self, obj):
        if getattr(obj, "is_overdue", False):
            return format_html("<span class='state-overdue'>{}</span>", _("overdue"))
        return ""

    @admin.display(description=_("provisional"))
    def provisional_flag(self, obj):
        if obj.due_dates_provisional:
            return format_html(
                "<span class='provisional' title='{}'>{}</span>",
                _("Computed from a provisional calendar; recomputed when the official one is entered."), _("provisional"),
            )
        return ""

    @admin.display(description=_("measures"))
    def measure_list(self, obj):
        measures = obj.measures.order_by("code")
        return format_html("<ul class='measure-list'>{}</ul>", format_html_join("", "<li>{}</li>", ((measure_label(m),) for m in measures)))

    @admin.display(description=_("measures withdrawn"))
    def withdrawn_list(self, obj):
        liftings = obj.measure_liftings.select_related("measure").order_by("pk")
        if not liftings:
            return "-"
        return format_html("<ul class='measure-list'>{}</ul>", format_html_join("", "<li>{} <span class='muted'>— {}</span></li>", (
            (measure_label(lifting.measure),
             _("lifting confirmed %(at)s") % {"at": lifting.confirmed_at.date()} if lifting.confirmed_at
             else _("confirm lifting by %(due)s") % {"due": lifting.due})
            for lifting in liftings
        )))

    # --- the page ------------------------------------------------------------------------------

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None:
            feedback = list(selectors.visible_feedback(user=request.user, case=obj.case).filter(assignment=obj).order_by("pk"))
            for record in feedback:
                record.measure_label = measure_label(record.measure)
            context.update({"action_buttons": self.offered_buttons(request, obj), "assignment_feedback": feedback})
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)
