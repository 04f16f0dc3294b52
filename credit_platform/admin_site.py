"""The project's admin site: the stock one with menus by task and 查看站点 on the public site.

Installed as the default site (``credit_platform.admin_apps.CreditAdminConfig``), so ``admin.site`` and
``@admin.register`` are unchanged and so are the admin URLs (``/admin/<app>/<model>/``). The index
and the sidebar list the task groups of ``credit_platform.menus``; an app's own index page
(``/admin/<app>/``, the breadcrumbs' target) keeps the stock list of that app's models.
"""
from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from credit_platform import identifiers, menus, permissions


def sees_system_menu(user) -> bool:
    """系统管理 is the credit office's (and superusers')."""
    return permissions.is_credit_office(user)


class MaskedAutocompleteJsonView(AutocompleteJsonView):
    """The select boxes' search (a case's subject, a responsible person): a natural person is shown
    masked (family name; ID: first 6 and last 4 characters). Picking a subject to refer to is no read
    of a person's record: no reason is asked and nothing is logged, so nothing is shown in full."""

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        if getattr(obj, "is_person", False):
            result["text"] = f"{identifiers.mask_person_name(obj.name)} ({identifiers.mask_identifier(obj.identifier)})"
        return result


class CreditAdminSite(admin.AdminSite):
    site_url = "/credit/"  # 查看站点: the public credit website
    index_title = _("Workbench")

    def autocomplete_view(self, request):
        return MaskedAutocompleteJsonView.as_view(admin_site=self)(request)

    def get_app_list(self, request, app_label=None):
        if app_label is not None:
            return super().get_app_list(request, app_label)
        return grouped_app_list(request, self._build_app_dict(request))


def grouped_app_list(request, app_dict: dict) -> list[dict]:
    """The stock app list regrouped by task: the groups of ``menus.GROUPS`` that hold something the
    user may open, in their order; 系统管理 only for the credit office."""
    entries: dict[str, list[tuple[int, str, dict]]] = {code: [] for code in menus.GROUPS}
    for app in app_dict.values():
        for model in app["models"]:
            group, position = menus.group_of(model["model"]._meta.label)
            entries[group].append((position, str(model["name"]), model))
    for link in menus.links():
        if not link.visible(request.user):
            continue
        try:
            url = reverse(link.url_name)
        except NoReverseMatch:
            continue
        entries[link.group].append((link.order, str(link.label), {
            "name": link.label, "object_name": link.url_name.replace(":", "-"), "perms": {"view": True},
            "admin_url": url, "add_url": None, "view_only": True,
        }))
    app_list = []
    for code, label in menus.GROUPS.items():
        if not entries[code] or (code == menus.SYSTEM and not sees_system_menu(request.user)):
            continue
        app_list.append({
            "name": label,
            "app_label": code,
            "app_url": "",
            "has_module_perms": True,
            "models": [model for _position, _name, model in sorted(entries[code], key=lambda item: item[:2])],
        })
    return app_list

