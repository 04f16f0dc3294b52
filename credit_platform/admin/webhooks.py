"""Admin: the outgoing webhook outbox and its attempts (read-only, credit office and superusers)."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from credit_platform import permissions
from credit_platform.models import WebhookAttempt, WebhookDelivery


class WebhookReadOnlyAdmin(admin.ModelAdmin):
    """Deliveries are written by the notifying services and the delivery task; nobody edits them here."""

    actions = None
    show_full_result_count = False
    list_per_page = 50

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff and permissions.is_credit_office(request.user)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    fields = ("at", "status_code", "duration_ms", "error")
    readonly_fields = fields
    ordering = ("-at",)
    extra = 0
    can_delete = False
    show_change_link = False

    def has_view_permission(self, request, obj=None):
        return permissions.is_credit_office(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(WebhookReadOnlyAdmin):
    list_display = ("created_at", "department", "event", "state", "attempts", "last_status_code", "next_attempt_at", "delivered_at")
    list_display_links = ("created_at", "event")
    list_filter = ("state", ("department", admin.RelatedFieldListFilter), ("created_at", admin.DateFieldListFilter))
    list_select_related = ("department",)
    search_fields = ("event", "department__code")
    ordering = ("-created_at",)
    fields = (
        "department",
        "event",
        "state",
        "attempts",
        "next_attempt_at",
        "last_status_code",
        "last_error",
        "created_at",
        "delivered_at",
        "payload",
    )
    readonly_fields = fields
    inlines = [WebhookAttemptInline]


@admin.register(WebhookAttempt)
class WebhookAttemptAdmin(WebhookReadOnlyAdmin):
    list_display = ("at", "delivery", "department", "status_code", "duration_ms", "short_error")
    list_filter = (("at", admin.DateFieldListFilter),)
    list_select_related = ("delivery__department",)
    ordering = ("-at",)
    fields = ("delivery", "at", "status_code", "duration_ms", "error")
    readonly_fields = fields

    @admin.display(description=_("department"))
    def department(self, attempt):
        return attempt.delivery.department

    @admin.display(description=_("error"))
    def short_error(self, attempt):
        return (attempt.error[:80] + "…") if len(attempt.error) > 80 else (attempt.error or "—")


__all__ = ["WebhookAttemptAdmin", "WebhookDeliveryAdmin"]
