"""Admin of departments, users and subjects. Writes go through credit_platform.services."""
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from credit_platform import identifiers, services
from credit_platform.models import Department, ResponsiblePerson, Subject, User


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "is_credit_office", "is_leadership_office", "is_initiating", "is_executing", "is_active"]
    list_filter = ["is_initiating", "is_executing", "is_active"]
    search_fields = ["code", "name", "name_en"]
    readonly_fields = ["group"]
    fieldsets = [
        (None, {"fields": ["code", "name", "name_en", "parent", "region_code", "is_active", "group"]}),
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
        fields = {f: getattr(obj, f) for f in ["region_code", "contact_name", "contact_phone", "contact_email", "webhook_url", "webhook_secret", "is_active"]}
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


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    form = SubjectForm
    list_display = ["name", "identifier", "kind", "is_watch_flagged", "created_at"]
    list_filter = ["kind", "is_watch_flagged"]
    search_fields = ["=identifier", "name"]
    show_full_result_count = False  # no COUNT(*) over millions of subjects
    inlines = [ResponsiblePersonInline]
    readonly_fields = ["birth_date", "created_at", "updated_at"]

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, identifiers.normalise(search_term) if len(search_term.strip()) == 18 else search_term)

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
        return self.inlines if obj is not None and obj.is_organisation else []

    def has_delete_permission(self, request, obj=None):
        return False  # records are kept, never deleted
