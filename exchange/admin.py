"""Admin of the exchange (credit office and superusers only; 403 for the others).

The outbox (``ExchangeItem``): refused items with the upper platform's reason, filterable; a refused
item's data may be corrected on its page — saving sends it again — or sent again as it is (action).
Feed items that failed to apply are applied again by an action. Lower regions are registered here or
with ``manage.py exchange_region_add``; the rest is read-only.
"""
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from credit_platform import permissions
from credit_platform.models import ExchangeItem
from exchange import services
from exchange.models import DownloadedItem, LinkState, RegionLink, UpstreamItem


class CreditOfficeOnlyAdmin(admin.ModelAdmin):
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


@admin.register(ExchangeItem)
class ExchangeItemAdmin(CreditOfficeOnlyAdmin):
    list_display = ("id", "item_id", "version", "type", "op", "state", "reason", "attempts", "created_at", "answered_at")
    list_display_links = ("id", "item_id")
    list_filter = ("state", "type", "op")
    search_fields = ("=item_id", "=subject_identifier", "=batch_id")
    ordering = ("-id",)
    actions = ["resend"]
    fields = ("item_id", "version", "type", "op", "subject_identifier", "state", "reason", "batch_id", "attempts", "created_at", "answered_at",
              "fed_at", "data")

    def get_readonly_fields(self, request, obj=None):
        editable = obj is not None and obj.state == ExchangeItem.State.REFUSED
        return [f for f in self.fields if not (editable and f == "data")]

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request) and (obj is None or obj.state == ExchangeItem.State.REFUSED)

    def save_model(self, request, obj, form, change):
        # Saving a refused item's corrected data sends it again (the service records who corrected it),
        # inside the admin's transaction.
        try:
            services.item_resend_in_transaction(item=obj, actor=request.user, data=form.cleaned_data["data"])
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))

    @admin.action(description=_("Send the selected refused items again"))
    def resend(self, request, queryset):
        done = 0
        for item in queryset.filter(state=ExchangeItem.State.REFUSED).order_by("id"):
            services.item_resend(item=item, actor=request.user)
            done += 1
        self.message_user(request, ngettext("%(n)d item will be sent again.", "%(n)d items will be sent again.", done) % {"n": done})


class RegionLinkForm(forms.ModelForm):
    code = forms.CharField(label=_("division code"), max_length=6)
    name = forms.CharField(label=_("name"), max_length=100)

    class Meta:
        model = RegionLink
        fields = ["key"]


@admin.register(RegionLink)
class RegionLinkAdmin(CreditOfficeOnlyAdmin):
    list_display = ("region", "is_active", "created_at", "updated_at")
    form = RegionLinkForm
    add_fields = ("code", "name", "key")
    view_fields = ("region", "is_active", "created_at", "updated_at")  # the key is never shown again

    def get_fields(self, request, obj=None):
        return self.add_fields if obj is None else self.view_fields

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.view_fields

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def save_model(self, request, obj, form, change):
        link = services.region_register_in_transaction(code=form.cleaned_data["code"], name=form.cleaned_data["name"], key=form.cleaned_data["key"],
                                        actor=request.user)
        obj.pk, obj.region, obj.key, obj.is_active = link.pk, link.region, link.key, link.is_active

    def save_related(self, request, form, formsets, change):
        pass


@admin.register(UpstreamItem)
class UpstreamItemAdmin(CreditOfficeOnlyAdmin):
    list_display = ("id", "source_region", "item_id", "version", "type", "op", "division_code", "received_at")
    list_display_links = ("id", "item_id")
    list_filter = ("source_region", "type", "op")
    search_fields = ("=item_id", "=subject_identifier")
    ordering = ("-id",)
    actions = None


@admin.register(DownloadedItem)
class DownloadedItemAdmin(CreditOfficeOnlyAdmin):
    list_display = ("item_id", "version", "type", "op", "source_region", "state", "reason", "attempts", "applied_at")
    list_filter = ("state", "type", "source_region")
    search_fields = ("=item_id",)
    actions = ["apply_again"]

    @admin.action(description=_("Apply the selected failed items again"))
    def apply_again(self, request, queryset):
        results = [services.item_apply_again(row=row, actor=request.user) for row in queryset.filter(state=DownloadedItem.State.FAILED)]
        self.message_user(request, _("Applied again: %(n)d; still failing: %(failed)d.") % {
            "n": len(results), "failed": sum(1 for r in results if r == DownloadedItem.State.FAILED)})


@admin.register(LinkState)
class LinkStateAdmin(CreditOfficeOnlyAdmin):
    list_display = ("__str__", "last_batch_id", "last_batch_at", "last_batch_result", "feed_cursor", "last_download_at", "last_error_at")
    actions = None
