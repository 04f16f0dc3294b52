"""Admin of API tokens (credit office only): issue (the key shown once), list, revoke.

Every write is a service of ``credit_platform.tokens``. The key is never stored: the page that
answers the issuing form shows it in a message, rendered in that very response (no redirect, so the
key never travels through the message cookie or the session) and marked ``no-store``.
"""
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxValueValidator
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from credit_platform import audit, permissions, tokens
from credit_platform.admin.actions import ObjectAction, ObjectActionsMixin, add_service_errors
from credit_platform.admin.mixins import AuditHistoryAdminMixin, ServiceAddFormMixin
from credit_platform.models import ApiToken, User


class ApiTokenIssueForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("user"), queryset=User.objects.filter(is_active=True).select_related("department").order_by("username"),
    )
    name = forms.CharField(
        label=_("name"), max_length=100, initial=tokens.DEFAULT_NAME,
        help_text=_("What the token is for (the system that uses it)."),
    )
    days = forms.IntegerField(label=_("validity (days)"), min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read from the settings when the form is made, not when the module is imported.
        days = self.fields["days"]
        days.initial = settings.API_TOKEN_DAYS
        days.validators.append(MaxValueValidator(settings.API_TOKEN_MAX_DAYS))
        days.widget.attrs["max"] = settings.API_TOKEN_MAX_DAYS


class ApiTokenRevokeForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class StateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return ApiToken.State.choices

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == ApiToken.State.ACTIVE:
            return queryset.active(now)
        if self.value() == ApiToken.State.EXPIRED:
            return queryset.filter(revoked_at__isnull=True, expires_at__lte=now)
        if self.value() == ApiToken.State.REVOKED:
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(ApiToken)
class ApiTokenAdmin(ObjectActionsMixin, AuditHistoryAdminMixin, ServiceAddFormMixin, admin.ModelAdmin):
    list_display = ["user", "name", "prefix", "created_at", "expires_at", "last_used_at", "state_display"]
    list_display_links = ["user", "name"]
    list_filter = [StateFilter]
    list_select_related = ["user"]
    search_fields = ["=prefix", "user__username", "name"]
    ordering = ["-created_at"]
    actions = None
    fields = [
        "user", "name", "prefix", "state_display", "created_at", "created_by", "expires_at", "last_used_at",
        "revoked_at", "revoked_by", "revoke_reason",
    ]
    # Nothing is edited here: a token is issued (add) or revoked (its button), never changed.
    readonly_fields = fields

    # --- who ------------------------------------------------------------------------------------

    def has_module_permission(self, request):
        user = request.user
        return user.is_active and user.is_staff and permissions.is_credit_office(user)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, never deleted: the record of who could act as whom stays

    # --- columns --------------------------------------------------------------------------------

    @admin.display(description=_("state"))
    def state_display(self, obj):
        state = obj.state
        return format_html("<span class='token-state token-{}'>{}</span>", state, ApiToken.State(state).label)

    # --- history: the token's events on its holder's stream --------------------------------------

    def get_audit_history(self, request, obj) -> list:
        latest = audit.history_for(obj.user).filter(extra__token=obj.pk).order_by("-seq")[: self.audit_history_limit]
        return list(reversed(latest))

    # --- issuing --------------------------------------------------------------------------------

    def add_view(self, request, form_url="", extra_context=None):
        """Issue through ``tokens.api_token_issue`` and show the key once, in this response only."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ApiTokenIssueForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                token, key = tokens.api_token_issue(user=data["user"], actor=request.user, name=data["name"], days=data["days"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return self.issued_response(request, token, key)
        return self.render_service_add_form(
            request, form=form, fieldsets=[(None, {"fields": ["user", "name", "days"]})],
            title=_("Issue an API token"), form_url=form_url, extra_context=extra_context,
        )

    def issued_response(self, request, token: ApiToken, key: str):
        messages.warning(request, format_html(
            "{} <code class='api-token-key'>{}</code><br>{}",
            gettext("The key of API token %(token)s for %(user)s:") % {"token": token, "user": token.user},
            key,
            gettext("Copy it now: it will not be shown again."),
        ))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("API token issued"),
            "token": token,
            "change_url": reverse("admin:credit_platform_apitoken_change", args=[token.pk], current_app=self.admin_site.name),
            "changelist_url": reverse("admin:credit_platform_apitoken_changelist", current_app=self.admin_site.name),
        }
        response = TemplateResponse(request, "admin/credit_platform/apitoken/issued.html", context)
        add_never_cache_headers(response)  # includes no-store: the key must not stay in any cache
        return response

    # --- revoking: one button (credit_platform.admin.actions) -------------------------------------

    object_actions = [
        ObjectAction(
            name="revoke",
            label=_("Revoke"),
            offered=lambda request, token: token.revoked_at is None,
            form=ApiTokenRevokeForm,
            run=lambda request, token, data: tokens.api_token_revoke(token=token, actor=request.user, reason=data["reason"]),
            success=_("API token %(object)s revoked: it no longer opens the API."),
            intro=_("The token stops opening the API at once; the system that uses it will get 401 until it is given a new token."),
            danger=True,
        ),
    ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["action_buttons"] = self.offered_buttons(request, obj)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)


__all__ = ["ApiTokenAdmin"]
