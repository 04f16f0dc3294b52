"""Bulk pushes and liftings: a read-only progress page for the department that asked for them."""
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from sanctions import access
from sanctions.models import BulkPushJob


@admin.register(BulkPushJob)
class BulkPushJobAdmin(admin.ModelAdmin):
    list_display = ["job", "kind_display", "requested", "state_display", "total_count", "pushed_count", "skipped_count", "error_count", "progress", "created", "finished"]
    list_display_links = ["job"]
    list_filter = ["kind", "state"]
    list_select_related = ["requested_by"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    change_form_template = "admin/sanctions/bulkpushjob/change_form.html"
    fields = ["kind_display", "requested", "state_display", "progress", "total_count", "pushed_count", "skipped_count", "error_count", "created", "finished"]
    readonly_fields = fields

    class Media:
        css = {"all": ["credit/sanctions.css"]}

    def get_queryset(self, request):
        # The requesting department's jobs, whoever of its clerks asked; the credit office sees all.
        return access.bulk_push_jobs_for_user(request.user).select_related("requested_by")

    def has_add_permission(self, request):
        return False  # started by the "Push selected cases" action of the case list

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("bulk push"), ordering="pk")
    def job(self, obj):
        return f"#{obj.pk}"

    @admin.display(description=_("kind"), ordering="kind")
    def kind_display(self, obj):
        if obj.kind == obj.Kind.LIFT:
            return f"{obj.get_kind_display()} ({obj.how}): {obj.reason}"
        return obj.get_kind_display()

    @admin.display(description=_("requested by"))
    def requested(self, obj):
        return obj.requested_by.get_full_name() or obj.requested_by.get_username()

    @admin.display(description=_("state"), ordering="state")
    def state_display(self, obj):
        return obj.get_state_display()

    @admin.display(description=_("cases"))
    def total_count(self, obj):
        return obj.total

    @admin.display(description=_("pushed"))
    def pushed_count(self, obj):
        return obj.pushed

    @admin.display(description=_("skipped (not ready or already pushed)"))
    def skipped_count(self, obj):
        return obj.skipped

    @admin.display(description=_("errors"))
    def error_count(self, obj):
        return len(obj.errors)

    @admin.display(description=_("progress"))
    def progress(self, obj):
        percent = obj.progress_percent
        return format_html("<progress max='100' value='{}'>{}%</progress> {}%", percent, percent, percent)

    @admin.display(description=_("requested at"), ordering="created_at")
    def created(self, obj):
        return obj.created_at

    @admin.display(description=_("finished at"))
    def finished(self, obj):
        return obj.finished_at or "—"

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["job_errors"] = self.job_errors(request, obj)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def job_errors(self, request, obj) -> list[dict]:
        """The refused cases, with a link to each the user may see."""
        ids = [int(key) for key in obj.errors if str(key).isdigit()]
        numbers = dict(access.cases_for_user(request.user).filter(pk__in=ids).values_list("pk", "number")) if ids else {}
        rows = []
        for key, message in sorted(obj.errors.items(), key=lambda item: str(item[0])):
            number = numbers.get(int(key)) if str(key).isdigit() else None
            url = reverse("admin:sanctions_jointcase_change", args=[int(key)], current_app=self.admin_site.name) if number else ""
            rows.append({"case": number or f"#{key}", "url": url, "message": message})
        return rows
