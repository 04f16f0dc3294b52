"""Admin addresses of models that moved to another app: ``/admin/<old app>/<model>/…`` answers with
a permanent redirect to ``/admin/<new app>/<model>/…`` (the rest of the path and the query string
kept), so bookmarks and the links in old notifications keep working. Mounted in the root URLconf,
before ``admin.site.urls``; a model the admin does not show (not registered) stays a 404, as before.
"""
from django.apps import apps
from django.contrib import admin
from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import re_path


def moved_admin_urls(old_app_label: str, new_app_label: str, model_names: list[str]) -> list:
    """URL patterns redirecting the old admin pages of ``model_names`` (lower-case model names)."""
    names = "|".join(sorted(model_names))
    return [
        re_path(
            rf"^admin/{old_app_label}/(?P<model_name>{names})/(?P<rest>.*)$",
            _redirect,
            {"new_app_label": new_app_label},
            name=f"admin-moved-{old_app_label}",
        )
    ]


def _redirect(request, *, model_name: str, rest: str, new_app_label: str):
    model = apps.get_model(new_app_label, model_name)
    if not admin.site.is_registered(model):
        raise Http404
    url = f"/admin/{new_app_label}/{model_name}/{rest}"
    if request.META.get("QUERY_STRING"):
        url = f"{url}?{request.META['QUERY_STRING']}"
    return HttpResponsePermanentRedirect(url)
