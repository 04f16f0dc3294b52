"""Credit commitments in the admin: rows from ``records.access.commitments_for_user`` (another
department's non-public commitment is absent, its page a 404); the add page records one through
``services.commitment_create``; the change page is read-only and moves the commitment only through
its buttons (fulfilled, breached)."""
from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from credit_platform.admin.actions import ObjectAction, ObjectActionsMixin
from credit_platform.admin.mixins import AuditHistoryAdminMixin, ServiceAddFormMixin, as_text
from credit_platform.forms import DateInput, RequiredReasonForm
from credit_platform.models import Subject
from records import access, services
from records.commitment_models import Commitment, CommitmentKind


def _label(name: str):
    return Commitment._meta.get_field(name).verbose_name


class CommitmentCreateForm(forms.Form):
    subject = forms.ModelChoiceField(label=_label("subject"), queryset=Subject.objects.all())
    kind = forms.ChoiceField(label=_label("kind"), choices=CommitmentKind.choices)
    matter = forms.CharField(label=_label("matter"), max_length=300)
    business_reference = forms.CharField(label=_label("business_reference"), max_length=200, required=False)
    promised = forms.CharField(label=_label("promised"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 4}))
    due_on = forms.DateField(label=_label("due_on"), required=False, widget=DateInput())

    def __init__(self, data=None, *, admin_site=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["subject"].widget = AutocompleteSelect(Commitment._meta.get_field("subject"), admin_site or admin.site)


@admin.register(Commitment)
class CommitmentAdmin(ObjectActionsMixin, AuditHistoryAdminMixin, ServiceAddFormMixin, admin.ModelAdmin):
    list_display = ["matter", "subject_name", "kind", "department", "state", "public", "due_on", "breached_on"]
    list_filter = ["state", "kind", "public"]
    list_select_related = ["subject", "department"]
    search_fields = ["=subject__identifier", "subject__name", "matter", "business_reference"]
    show_full_result_count = False
    fields = ["state", "subject", "kind", "matter", "business_reference", "promised", "due_on", "department", "public",
              "fulfilled_at", "breached_on", "breach_reason", "breach_record", "created_by_name", "created_at"]
    created_by_name = as_text(Commitment, "created_by")
    readonly_fields = fields

    object_actions = [
        ObjectAction(name="fulfil", transition="fulfil",
                     run=lambda request, obj, data: services.commitment_fulfil(commitment=obj, actor=request.user),
                     success=_("%(object)s is fulfilled.")),
        ObjectAction(
            name="breach", transition="breach", form=RequiredReasonForm, danger=True,
            run=lambda request, obj, data: services.commitment_breach(commitment=obj, actor=request.user, reason=data["reason"]),
            intro=_("A published dishonesty record of the breach is entered, and the approval granted on the commitment is to be revoked."),
            success=_("%(object)s is breached."),
        ),
    ]

    def get_queryset(self, request):
        return access.commitments_for_user(request.user).select_related("subject", "department", "breach_record", "created_by")

    def has_add_permission(self, request):
        return super().has_add_permission(request) and access.can_accept_commitments(request.user)

    def has_change_permission(self, request, obj=None):
        return False  # commitments move through their buttons (services)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("subject"), ordering="subject__name")
    def subject_name(self, obj):
        return obj.subject.name

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = CommitmentCreateForm(request.POST if request.method == "POST" else None, admin_site=self.admin_site)
        return self.service_add_view(
            request, form=form, create=lambda **data: services.commitment_create(actor=request.user, **data),
            success=lambda commitment: gettext("%(commitment)s recorded.") % {"commitment": commitment},
            fieldsets=[(None, {"fields": list(CommitmentCreateForm.base_fields)})], title=_("Record a credit commitment"),
            form_url=form_url, extra_context=extra_context,
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None:
            context["action_buttons"] = self.offered_buttons(request, obj)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)
