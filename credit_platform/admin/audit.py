"""Admin: the audit trail (read-only, for the credit and leadership offices) and notification inboxes."""
import re

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Q, Value, When
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from credit_platform import audit, notifications
from credit_platform.audit_labels import action_label, state_label
from credit_platform.models import AuditCheckpoint, AuditEvent, Notification

# Apps whose objects are audited; the object type filter lists their models.
AUDITED_APPS = ["credit_platform", "lists", "sanctions", "objections", "repair"]
# "sanctions.jointcase:42": a stream, looked up exactly on the (stream, seq) index.
STREAM_RE = re.compile(r"^[a-z0-9_]+\.[a-z0-9_]+:\S+$")


class AuditChangeList(ChangeList):
    """The list shows no details: an import's chunk event carries thousands of rows in them."""

    def get_queryset(self, request, exclude_parameters=None):
        return super().get_queryset(request, exclude_parameters).defer("extra")


class CappedCountPaginator(Paginator):
    """Counts at most ``count_cap`` rows: a COUNT(*) over millions of audit rows is never run.

    Past the cap the list pages through the first ``count_cap`` rows; filters narrow it down.
    """

    count_cap = 10_000

    @cached_property
    def count(self):
        # COUNT(*) FROM (SELECT ... LIMIT cap): stops at the cap whatever the size of the table.
        return self.object_list[: self.count_cap].count()

    @property
    def capped(self) -> bool:
        return self.count >= self.count_cap


class ObjectTypeFilter(admin.SimpleListFilter):
    title = _("object type")
    parameter_name = "object_type"

    def lookups(self, request, model_admin):
        # The content types of the audited apps: a small table, never a DISTINCT over the events.
        types = ContentType.objects.filter(app_label__in=AUDITED_APPS).order_by("app_label", "model")
        return [(str(ct.pk), ct.name) for ct in types if ct.model_class() is not None]

    def queryset(self, request, queryset):
        if self.value():
            # content_type leads the audit_object_idx index.
            return queryset.filter(content_type_id=self.value())
        return queryset


class AuditReadOnlyAdmin(admin.ModelAdmin):
    """Nobody adds, changes or deletes audit rows here; only the credit and leadership offices see them."""

    actions = None

    def has_module_permission(self, request):
        return audit.can_view_audit(request.user)

    def has_view_permission(self, request, obj=None):
        return audit.can_view_audit(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(AuditReadOnlyAdmin):
    list_display = ("created_at", "stream", "seq", "action_display", "transition", "actor", "department", "object_repr")
    list_display_links = ("created_at", "stream")
    list_filter = (("created_at", admin.DateFieldListFilter), ObjectTypeFilter, ("department", admin.RelatedFieldListFilter))
    list_select_related = ("actor", "department")
    # created_at is indexed; the changelist adds -pk to make the order total.
    ordering = ("-created_at",)
    search_fields = ("object_repr",)  # the search box; get_search_results decides what is searched
    search_help_text = _("A stream (app_label.model:pk) or a request id matches exactly; other text searches the object's name.")
    show_full_result_count = False
    paginator = CappedCountPaginator
    list_per_page = 50
    fields = (
        "created_at",
        "stream",
        "seq",
        "content_type",
        "object_id",
        "object_repr",
        "action",
        "from_state",
        "to_state",
        "actor",
        "department",
        "reason",
        "extra",
        "request_id",
        "ip_address",
        "prev_hash",
        "hash",
        "stream_integrity",
    )
    readonly_fields = fields

    @admin.display(description=_("from → to"))
    def transition(self, event):
        if not (event.from_state or event.to_state):
            return "—"
        return f"{state_label(event.from_state) or '—'} → {state_label(event.to_state) or '—'}"

    @admin.display(description=_("action"), ordering="action")
    def action_display(self, event):
        return action_label(event.action)

    @admin.display(description=_("integrity of the stream"))
    def stream_integrity(self, event):
        broken = audit.verify_stream(event.stream)
        if broken is None:
            return gettext("Intact: every row of this stream matches its hash and chain.")
        return format_html("<strong>{}</strong> {}", gettext("Broken:"), str(broken))

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        if STREAM_RE.match(term):  # the stream, and the chunk events naming it (an imported object)
            return queryset.filter(Q(stream=term) | audit.naming_q(term)), False
        by_name = queryset.filter(object_repr__icontains=term)
        if len(term) <= 64 and " " not in term:
            by_name = by_name | queryset.filter(request_id=term)
        return by_name, False

    def get_changelist(self, request, **kwargs):
        return AuditChangeList

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        if getattr(changelist.paginator, "capped", False):
            messages.info(
                request,
                gettext("More than %(cap)s events match: only the newest %(cap)s are listed. Filter or search to narrow them down.")
                % {"cap": f"{CappedCountPaginator.count_cap:,}"},
            )
        return changelist


@admin.register(AuditCheckpoint)
class AuditCheckpointAdmin(AuditReadOnlyAdmin):
    list_display = ("day", "hash", "prev_hash", "created_at")
    ordering = ("-day",)
    show_full_result_count = False
    fields = ("day", "created_at", "prev_hash", "hash", "heads_summary")
    readonly_fields = fields
    # Sealed heads shown on the page; a busy day seals tens of thousands of streams.
    heads_shown = 100

    def get_queryset(self, request):
        # A day's heads can be large; the list does not need them.
        return super().get_queryset(request).defer("heads")

    @admin.display(description=_("stream heads"))
    def heads_summary(self, checkpoint):
        heads = sorted(checkpoint.heads.items())
        rows = format_html_join("", "<tr><td>{}</td><td>{}</td><td><code>{}</code></td></tr>", ((s, q, h) for s, (q, h) in heads[: self.heads_shown]))
        more = ""
        if len(heads) > self.heads_shown:
            more = gettext("… and %(count)s more streams.") % {"count": len(heads) - self.heads_shown}
        return format_html(
            "<p>{}</p><table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table><p>{}</p>",
            ngettext("%(count)s stream sealed.", "%(count)s streams sealed.", len(heads)) % {"count": len(heads)},
            gettext("stream"),
            gettext("seq"),
            gettext("hash"),
            rows,
            more,
        )


class NotificationStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("unread", _("unread")), ("read", _("read"))]

    def queryset(self, request, queryset):
        if self.value() == "unread":
            return queryset.filter(read_at__isnull=True)
        if self.value() == "read":
            return queryset.filter(read_at__isnull=False)
        return queryset


class NotificationKindFilter(admin.SimpleListFilter):
    """By kind, in words: the kinds the apps declare (credit_platform.notifications), not model choices."""

    title = _("kind")
    parameter_name = "verb"

    def lookups(self, request, model_admin):
        return sorted(notifications.notification_kinds().items(), key=lambda item: str(item[1]))

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(verb=self.value())
        return queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Each user's inbox: their department's notifications and those addressed to them; read-only."""

    list_display = ("created_at", "read_status", "title_link", "kind", "department", "user")
    list_display_links = ("created_at",)
    list_filter = (NotificationStatusFilter, NotificationKindFilter, ("created_at", admin.DateFieldListFilter))
    list_select_related = ("department", "user")
    search_fields = ("title",)
    # Unread first, then newest first.
    ordering = (Case(When(read_at__isnull=True, then=Value(0)), default=Value(1)).asc(), "-created_at")
    show_full_result_count = False
    actions = ["mark_read"]
    fields = ("created_at", "department", "user", "kind", "title", "body", "link", "read_at")
    readonly_fields = fields

    def get_queryset(self, request):
        # The one access selector decides; an object outside it is a 404 on its change page.
        return notifications.notifications_for_user(user=request.user)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        # Everybody has an inbox; get_queryset keeps it to what the user may see.
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("status"))
    def read_status(self, notification):
        # Words, not the stock boolean icon: a green tick on an unread message reads as "done".
        if notification.read_at is None:
            return format_html('<span class="unread-mark">{}</span>', _("unread"))
        return format_html('<span class="read-mark">{}</span>', _("read"))

    @admin.display(description=_("title"), ordering="title")
    def title_link(self, notification):
        """The title opens what the notification is about (and reads it); without a link, the notification."""
        return format_html('<a href="{}">{}</a>', self._open_url(notification), notification.title)

    def _open_url(self, notification) -> str:
        return reverse("admin:credit_platform_notification_open", args=[notification.pk], current_app=self.admin_site.name)

    def get_urls(self):
        return [
            path("<path:object_id>/open/", self.admin_site.admin_view(self.open_view), name="credit_platform_notification_open"),
            *super().get_urls(),
        ]

    def open_view(self, request, object_id):
        """Mark the notification read and go to its object (a page of this site only)."""
        notification = self.get_object(request, unquote(object_id))
        if notification is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        notifications.notification_mark_read(notification_ids=[notification.pk], user=request.user)
        if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()}):
            return HttpResponseRedirect(notification.url)
        return HttpResponseRedirect(reverse("admin:credit_platform_notification_change", args=[notification.pk]))

    @admin.display(description=_("kind"), ordering="verb")
    def kind(self, notification):
        return notifications.notification_kind_label(notification.verb)

    @admin.display(description=_("link"))
    def link(self, notification):
        if not notification.url:
            return "—"
        return format_html('<a class="button" href="{}">{}</a>', notification.url, _("Open the page it is about"))

    @admin.action(description=_("Mark selected notifications as read"))
    def mark_read(self, request, queryset):
        marked = notifications.notification_mark_read(notification_ids=queryset.values_list("pk", flat=True), user=request.user)
        self.message_user(
            request,
            ngettext("%(count)d notification marked as read.", "%(count)d notifications marked as read.", marked) % {"count": marked},
            messages.SUCCESS,
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        # Opening a notification reads it (after the view has found it among the user's own).
        if request.method == "GET" and response.status_code == 200:
            try:
                pk = self.opts.pk.to_python(unquote(object_id))
            except ValidationError:
                return response
            notifications.notification_mark_read(notification_ids=[pk], user=request.user)
        return response


__all__ = ["AuditCheckpointAdmin", "AuditEventAdmin", "CappedCountPaginator", "NotificationAdmin"]
