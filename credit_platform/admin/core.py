"""Admin of departments, users and subjects. Writes go through credit_platform.services.

Natural persons (credit_platform.selectors): the subject list shows persons masked until the clerk
gives a reason for the look-up (a box above the list; it then stays in the list's links), and a
person's page (or an organisation's responsible persons) asks for the reason before showing them.
Each person shown in full is logged (``person_record_viewed``) with that reason. A department finds
the persons it has work about, and any person by the exact identifier.
"""
from urllib.parse import parse_qsl

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from credit_platform import identifiers, selectors, services
from credit_platform.models import Department, ResponsiblePerson, Subject, SubjectKind, User

REASON_VAR = "reason"


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "level", "is_credit_office", "is_leadership_office", "is_initiating", "is_executing", "is_active"]
    list_filter = ["level", "is_initiating", "is_executing", "is_active"]
    search_fields = ["code", "name", "name_en"]
    readonly_fields = ["group"]
    fieldsets = [
        (None, {"fields": ["code", "name", "name_en", "parent", "region_code", "level", "is_active", "group"]}),
        (_("Roles"), {"fields": ["is_credit_office", "is_leadership_office", "is_initiating", "is_executing"]}),
        (_("Contact"), {"fields": ["contact_name", "contact_phone", "contact_email"]}),
        (_("Webhook"), {"fields": ["webhook_url", "webhook_secret"], "classes": ["collapse"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # The code is the stable key departmental systems use: fixed once created.
        return [*self.readonly_fields, "code"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        roles = [role for role, flag in [
            ("credit_office", obj.is_credit_office), ("leadership_office", obj.is_leadership_office),
            ("initiating", obj.is_initiating), ("executing", obj.is_executing),
        ] if flag]
        fields = {f: getattr(obj, f) for f in ["region_code", "level", "contact_name", "contact_phone", "contact_email", "webhook_url", "webhook_secret", "is_active"]}
        saved, _created = services.department_upsert(
            code=obj.code, name=obj.name, name_en=obj.name_en, roles=roles, parent=obj.parent, **fields
        )
        obj.pk, obj.group = saved.pk, saved.group

    def has_delete_permission(self, request, obj=None):
        return False  # departments are deactivated, never deleted: cases and audit refer to them


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "department", "first_name", "last_name", "is_active", "last_login"]
    list_filter = ["department", "is_active", "is_superuser"]
    list_select_related = ["department"]
    fieldsets = [
        *BaseUserAdmin.fieldsets[:1],
        (_("Department"), {"fields": ["department"]}),
        *BaseUserAdmin.fieldsets[1:],
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "department", "password1", "password2"]}),
    ]

    def save_model(self, request, obj, form, change):
        department = form.cleaned_data.get("department")
        obj.is_staff = True  # every department user works in the admin
        super().save_model(request, obj, form, change)
        services.user_set_department(user=obj, department=department)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The department group is managed by user_set_department, whatever the groups field said.
        services.user_set_department(user=form.instance, department=form.instance.department)


class ResponsiblePersonInline(admin.TabularInline):
    model = ResponsiblePerson
    fk_name = "organisation"
    extra = 0
    autocomplete_fields = ["person"]


class SubjectForm(forms.ModelForm):
    class Meta:
        model = Subject
        fields = ["kind", "name", "identifier"]

    def clean(self):
        cleaned = super().clean()
        kind, identifier = cleaned.get("kind"), cleaned.get("identifier")
        if kind and identifier:
            cleaned["identifier"] = identifiers.normalise(identifier)
            try:
                identifiers.validate_for_kind(cleaned["identifier"], kind)
            except forms.ValidationError as exc:
                self.add_error("identifier", exc)
        return cleaned


def _search_identifier(request) -> str:
    """The exact identifier searched for on the list (or typed into a subject autocomplete), or on the
    list a page was opened from."""
    term = request.GET.get("q", request.GET.get("term"))
    if term is None:
        term = dict(parse_qsl(request.GET.get("_changelist_filters", ""))).get("q", "")
    term = identifiers.normalise(term)
    return term if len(term) == 18 else ""


def person_reason(request) -> str:
    """The reason given for looking up persons: on this page, or on the list it was opened from."""
    reason = request.GET.get(REASON_VAR)
    if reason is None:
        reason = dict(parse_qsl(request.GET.get("_changelist_filters", ""))).get(REASON_VAR, "")
    return reason.strip()[: selectors.REASON_MAX_LENGTH]


class SubjectChangeList(ChangeList):
    """The ``reason`` of the query string is no filter: it stays in the list's links."""

    def get_filters_params(self, params=None):
        lookup_params = super().get_filters_params(params)
        lookup_params.pop(REASON_VAR, None)
        return lookup_params


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    form = SubjectForm
    list_display = ["name", "identifier", "kind", "is_watch_flagged", "created_at"]  # per request: get_list_display
    list_filter = ["kind", "is_watch_flagged"]
    search_fields = ["=identifier", "name"]
    show_full_result_count = False  # no COUNT(*) over millions of subjects
    inlines = [ResponsiblePersonInline]
    readonly_fields = ["birth_date", "created_at", "updated_at"]
    change_list_template = "admin/credit_platform/subject/change_list.html"
    change_form_template = "admin/credit_platform/subject/change_form.html"

    def get_queryset(self, request):
        # Organisations, and the persons the user's department has work about (all for the offices);
        # a person outside that only by the exact identifier searched for.
        if request.GET.get("kind__exact") == SubjectKind.NATURAL_PERSON:
            # Persons only: driven by the department's own rows (a semi-join), not a scan of the registry.
            queryset = selectors.persons_shown_to_user(request.user)
        else:
            queryset = selectors.subjects_shown_to_user(request.user, with_persons=True)
        identifier = _search_identifier(request)
        return queryset | selectors.subjects_by_identifier(identifier) if identifier else queryset

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, identifiers.normalise(search_term) if len(search_term.strip()) == 18 else search_term)

    def get_changelist(self, request, **kwargs):
        return SubjectChangeList

    def get_list_display(self, request):
        # Persons masked unless this request gives a reason (the admin instance is shared: no state on self).
        masked = not person_reason(request)

        @admin.display(description=_("name"), ordering="name")
        def shown_name(subject):
            return identifiers.mask_person_name(subject.name) if masked and subject.is_person else subject.name

        @admin.display(description=_("identifier"), ordering="identifier")
        def shown_identifier(subject):
            return identifiers.mask_identifier(subject.identifier) if masked and subject.is_person else subject.identifier

        return [shown_name, shown_identifier, "kind", "is_watch_flagged", "created_at"]

    def changelist_view(self, request, extra_context=None):
        reason = person_reason(request)
        response = super().changelist_view(request, {**(extra_context or {}), "person_reason": reason})
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if reason and changelist is not None:
            selectors.person_records_viewed(user=request.user, subjects=changelist.result_list, reason=reason)
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        subject = self.get_object(request, unquote(object_id))
        reason = person_reason(request)
        if subject is not None and subject.is_person and not reason:
            return self.reason_view(request, subject)
        if subject is not None and reason and request.method == "GET":
            shown = [subject, *(link.person for link in subject.responsible_persons.select_related("person"))]
            selectors.person_records_viewed(user=request.user, subjects=shown, reason=reason)
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), "person_reason": reason})

    def reason_view(self, request, subject):
        """Before a person's page: why is it looked up? (masked until then; a GET form back to the page)."""
        context = {
            **self.admin_site.each_context(request),
            "title": _("Why do you look up this person?"),
            "subtitle": None,
            "opts": self.model._meta,
            "subject": subject,
            "masked_name": identifiers.mask_person_name(subject.name),
            "masked_identifier": identifiers.mask_identifier(subject.identifier),
            "kept": [(k, v) for k, v in request.GET.items() if k != REASON_VAR],
            "reason_given": REASON_VAR in request.GET,
        }
        return TemplateResponse(request, "admin/credit_platform/subject/reason.html", context)

    def get_readonly_fields(self, request, obj=None):
        # The identifier is the subject's legal identity: corrected only through an objection.
        return [*self.readonly_fields, "identifier", "kind"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            services.object_save(obj=obj, actor=request.user, changed=list(form.changed_data))
            return
        created = services.subject_create(kind=obj.kind, identifier=obj.identifier, name=obj.name, actor=request.user)
        obj.pk = created.pk

    def get_inlines(self, request, obj):
        # An organisation's responsible persons are persons' data: shown once a reason is given.
        return self.inlines if obj is not None and obj.is_organisation and person_reason(request) else []

    def has_delete_permission(self, request, obj=None):
        return False  # records are kept, never deleted
