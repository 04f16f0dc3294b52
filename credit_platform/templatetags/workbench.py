"""The admin start page's workbench: ``{% workbench_tasks %}`` (待办) and ``{% workbench_done %}`` (已办).

Both read ``request.user`` from the context. The tasks are counted by the apps that own them
(``credit_platform.workbench``). The recent events link to their object's admin page only where
the user may open it: the object's admin answers, with its own ``get_queryset``, which of them the
user sees (one query per kind of object among the ten events).
"""
from collections import defaultdict

from django import template
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, reverse

from credit_platform import workbench
from credit_platform.audit_labels import action_label

register = template.Library()


@register.inclusion_tag("admin/includes/workbench_tasks.html", takes_context=True)
def workbench_tasks(context):
    request = context["request"]
    return {"tasks": workbench.tasks_for(request.user), "request": request}


@register.inclusion_tag("admin/includes/workbench_done.html", takes_context=True)
def workbench_done(context):
    request = context["request"]
    items = workbench.recent_done(request.user)
    links = _admin_links(request, [item.event for item in items])
    rows = [
        {
            "event": item.event,
            "more": item.more,
            "action": action_label(item.event.action),
            "object": item.event.object_repr or (item.event.content_type.name if item.event.content_type else ""),
            "url": links.get((item.event.content_type_id, item.event.object_id), ""),
        }
        for item in items
    ]
    return {"rows": rows, "request": request}


def _admin_links(request, events) -> dict:
    """``{(content type id, object id): change page}`` for the objects ``request.user`` may open."""
    ids_by_type = defaultdict(set)
    for event in events:
        if event.content_type is not None and event.object_id:
            ids_by_type[event.content_type].add(event.object_id)
    links = {}
    for content_type, ids in ids_by_type.items():
        model = content_type.model_class()
        if model is None or not admin.site.is_registered(model):
            continue
        model_admin = admin.site.get_model_admin(model)
        if not model_admin.has_view_or_change_permission(request):
            continue
        try:
            keys = [model._meta.pk.to_python(pk) for pk in ids]
        except ValidationError:  # an id that is not this model's key: no link
            continue
        visible = model_admin.get_queryset(request).filter(pk__in=keys).prefetch_related(None).order_by().values_list("pk", flat=True)
        for pk in visible:
            try:
                url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[pk])
            except NoReverseMatch:
                continue
            links[(content_type.pk, str(pk))] = url
    return links
