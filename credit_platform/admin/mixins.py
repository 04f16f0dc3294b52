"""Admin mixins every app's admin can use."""
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.template.loader import select_template
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from credit_platform import audit, events, identifiers
from credit_platform.admin.actions import add_service_errors
from credit_platform.services import object_save


def as_text(model, field_name: str):
    """A read-only field showing a relation (a user: 创建人, 决定人) as its name, without the stock
    link to the related object's admin page, which most users may not open (a raw 403). Use it as a
    class attribute named in the fieldsets: ``created_by_name = as_text(JointCase, "created_by")``."""
    field = model._meta.get_field(field_name)

    @admin.display(description=field.verbose_name, ordering=field_name)
    def show(self, obj):
        value = getattr(obj, field_name)
        # None would be printed "None" by the admin's read-only field: the admin's own empty mark instead.
        return self.get_empty_value_display() if value is None else str(value)

    show.__name__ = f"{field_name}_name"
    return show



# The file types the uploads accept (credit_platform.uploads), as the clerks know them.
FILE_TYPE_LABELS = {"application/pdf": "PDF", "image/jpeg": "JPG", "image/png": "PNG"}

class AuditHistoryAdminMixin:
    """Show the object's audit history (time, actor, department, action, from → to, reason) under its change form.

    Put it before ``admin.ModelAdmin`` in the bases. The history is added in ``render_change_form``,
    which runs after the change view has fetched the object and checked the user may see it, so it
    costs no second fetch and shows nothing to whom the page would refuse. A model's own
    ``admin/<app>/<model>/change_form.html`` still applies: the audit template extends it.
    Override ``get_audit_history`` to hide events some viewers may not see.
    """

    change_form_template = "admin/audit_change_form.html"
    # The latest events shown on the page; the full stream is in the audit event admin.
    audit_history_limit = 100

    def get_audit_history(self, request, obj) -> list:
        """The latest ``audit_history_limit`` events of ``obj``, oldest first; an event on another
        stream (the chunk event of the import that created it) carries ``via``, that stream's object."""
        stream = audit.stream_for(obj)
        latest = list(audit.history_for(obj).defer("extra").order_by("-created_at", "-id")[: self.audit_history_limit])
        for event in latest:
            event.via = event.object_repr if event.stream != stream else ""
        return list(reversed(latest))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        opts = self.model._meta
        base = select_template(
            [
                f"admin/{opts.app_label}/{opts.model_name}/change_form.html",
                f"admin/{opts.app_label}/change_form.html",
                "admin/change_form.html",
            ]
        )
        context["audit_base_template"] = base.template.name
        if change and obj is not None:
            history = self.get_audit_history(request, obj)
            context["audit_history"] = history
            context["audit_history_truncated"] = len(history) >= self.audit_history_limit
            context["audit_history_url"] = self._audit_trail_url(request, obj)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def _audit_trail_url(self, request, obj) -> str:
        if not audit.can_view_audit(request.user):
            return ""
        try:
            url = reverse("admin:credit_platform_auditevent_changelist", current_app=self.admin_site.name)
        except NoReverseMatch:
            return ""
        return f"{url}?{urlencode({'q': audit.stream_for(obj)})}"



class ServiceAddFormMixin:
    """An admin "add" page whose form a service saves (no ModelForm.save): render it like the admin's own."""

    def render_service_add_form(self, request, *, form, fieldsets, title, form_url="", extra_context=None):
        admin_form = helpers.AdminForm(form, fieldsets, {}, model_admin=self)
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "subtitle": None,
            "adminform": admin_form,
            "object_id": None,
            "original": None,
            "is_popup": False,
            "to_field": None,
            "media": self.media + admin_form.media,
            "inline_admin_formsets": [],
            "errors": helpers.AdminErrorList(form, []),
            "preserved_filters": self.get_preserved_filters(request),
            "show_save_and_add_another": False,
            "show_save_and_continue": False,
            **(extra_context or {}),
        }
        return self.render_change_form(request, context, add=True, form_url=form_url)

    def service_add_view(self, request, *, form, create, success, fieldsets, title, form_url="", extra_context=None):
        """The add page of an object a service creates: on a valid POST, ``create(**form.cleaned_data)``;
        its refusals show on the form (on their fields, or above it), and success redirects to the new
        object's page with the message ``success(obj)``."""
        if request.method == "POST" and form.is_valid():
            try:
                obj = create(**form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, success(obj))
                opts = self.model._meta
                return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk], current_app=self.admin_site.name))
        return self.render_service_add_form(
            request, form=form, fieldsets=fieldsets, title=title, form_url=form_url, extra_context=extra_context
        )


class AuditedSaveAdminMixin:
    """Hand edits of reference records (catalogue, subjects) are saved with an audit event."""

    def save_model(self, request, obj, form, change):
        object_save(obj=obj, actor=request.user, changed=list(form.changed_data), created=not change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        many = [f.name for f in form.instance._meta.many_to_many if f.name in form.changed_data]
        if many:
            events.object_links_changed(
                form.instance, request.user,
                extra={name: sorted(str(o.pk) for o in getattr(form.instance, name).all()) for name in many},
            )


class AttachedFileAdminMixin:
    """Files attached to an object (evidence, repair documents): listed on its change page and
    downloaded by whoever may see the object, through the admin — never through a public media
    address. ``attached_files = (url segment, related name, URL name)`` declares them."""

    attached_files: tuple[str, str, str] = ("", "", "")

    def get_urls(self):
        segment, related_name, url_name = self.attached_files
        if not segment:
            return super().get_urls()

        def download(request, object_id, file_id):
            return self.attached_file_response(request, object_id, related_name, file_id)

        return [
            path(f"<path:object_id>/{segment}/<int:file_id>/", self.admin_site.admin_view(download), name=url_name),
            *super().get_urls(),
        ]

    def attached_files_html(self, obj, kind_label=None):
        """The object's files as a list of download links (with ``kind_label(file)`` before each, if given)."""
        _segment, related_name, url_name = self.attached_files
        files = list(getattr(obj, related_name).all())
        if not files:
            return "—"
        rows = (
            (f"{kind_label(f)}: " if kind_label else "", reverse(f"admin:{url_name}", args=[obj.pk, f.pk], current_app=self.admin_site.name),
             f.original_name, FILE_TYPE_LABELS.get(f.content_type, f.content_type), max(1, f.size // 1024))
            for f in files
        )
        return format_html(
            "<ul class='evidence-list'>{}</ul>",
            format_html_join("", "<li>{}<a href='{}'>{}</a> <span class='muted'>({}, {} KB)</span></li>", rows),
        )

    def attached_file_response(self, request, object_id, related_name: str, file_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_permission(request, obj):
            raise Http404
        attached = getattr(obj, related_name).filter(pk=file_id).first()
        if attached is None:
            raise Http404
        return FileResponse(attached.file.open("rb"), as_attachment=True, filename=attached.original_name, content_type=attached.content_type)


class DecidedInboxAdminMixin:
    """The inbox of applications a department decides (objections, credit repairs).

    Rows carry ``current_due`` and ``is_overdue`` (each app's ``with_current_due``): overdue first,
    then the nearest due date, decided ones last (newest first). Receipt numbers (14 characters) and
    identifiers (18) are stored upper-case and searched as clerks type them. Decided only through
    the buttons (services); never changed by the form, never deleted (records are kept)."""

    class Media:
        css = {"all": ["credit/sanctions.css"]}

    def get_ordering(self, request):
        return ["-is_overdue", F("current_due").asc(nulls_last=True), "-pk"]

    def get_search_results(self, request, queryset, search_term):
        term = identifiers.normalise(search_term) if len(search_term.strip()) in (14, 18) else search_term
        return super().get_search_results(request, queryset, term)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("filed by"))
    def filed_by_display(self, obj):
        return obj.filing_department or obj.get_channel_display()

    @admin.display(description=_("due"), ordering="current_due")
    def due_display(self, obj):
        return getattr(obj, "current_due", None) or "—"

    @admin.display(description=_("overdue"))
    def overdue_flag(self, obj):
        if getattr(obj, "is_overdue", False):
            return format_html("<span class='state-overdue'>{}</span>", _("overdue"))
        return ""
