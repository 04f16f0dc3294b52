"""Admin: the API's idempotency records (read-only, credit office and superusers), under 系统管理."""
from django.contrib import admin

from credit_platform.admin.webhooks import WebhookReadOnlyAdmin
from credit_platform.models import IdempotencyRecord


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(WebhookReadOnlyAdmin):
    """Written by the API's idempotency layer only; the credit office may look, nobody edits.
    (The read-only, credit-office-only permissions are the webhook outbox's.)"""

    list_display = ("created_at", "user", "method", "path", "status_code")
    list_select_related = ("user",)
    search_fields = ("key", "path")
    ordering = ("-created_at",)
    date_hierarchy = None
    fields = ("created_at", "user", "key", "method", "path", "request_fingerprint", "status_code", "response_body")
    readonly_fields = fields
