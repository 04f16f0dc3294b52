"""The admin's menus by task (案件管理, 本部门收件箱, …), not by model.

The core names no app. Each app places its admin modules in a task group from its
``AppConfig.ready()`` with ``register_menu(group, "app_label.ModelName", ..., order=...)`` and may add
a page that is not a model (``register_menu_link``). The admin site (``credit_platform.admin_site``)
builds the index and the sidebar from these groups; the admin URLs stay ``/admin/<app>/<model>/``.

A model no app placed lands in 系统管理. The 系统管理 group (the plumbing: login logs, webhook
deliveries, API tokens, idempotency records, audit checkpoints, calendar, rule sets, departments and
users) is shown to the credit office only; each of its model admins also refuses others itself.
"""
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

SYSTEM = "system"

# code -> label, in the order of the menu.
GROUPS: dict[str, object] = {
    "cases": _("Case management"),
    "inbox": _("Department inbox"),
    "lists": _("List management"),
    "disputes": _("Objections and repair"),
    "statistics": _("Statistics and analysis"),
    SYSTEM: _("System administration"),
}


@dataclass(frozen=True)
class MenuLink:
    """A page of the menu that is not a model's list (the dashboard)."""

    group: str
    label: object
    url_name: str
    order: int
    visible: Callable[..., bool]


_model_groups: dict[str, tuple[str, int]] = {}
_links: list[MenuLink] = []


def _check_group(group: str) -> None:
    if group not in GROUPS:
        raise ValueError(f"Unknown menu group {group!r}; the groups are {list(GROUPS)}")


def register_menu(group: str, *model_labels: str, order: int = 100) -> None:
    """Place admin modules (``"app_label.ModelName"``) in a task group; within a group, lower
    ``order`` first, then the order given here. Placing a model again moves it."""
    _check_group(group)
    for position, label in enumerate(model_labels):
        if label.count(".") != 1:
            raise ValueError(f"Models are 'app_label.ModelName': {label!r}")
        _model_groups[label.lower()] = (group, order * 100 + position)


def register_menu_link(group: str, label, url_name: str, *, order: int = 100, visible: Callable[..., bool] = lambda user: True) -> None:
    """Add a page that is not a model's list (``url_name`` is reversed; ``visible(user)`` decides)."""
    _check_group(group)
    _links[:] = [link for link in _links if link.url_name != url_name]
    _links.append(MenuLink(group=group, label=label, url_name=url_name, order=order * 100, visible=visible))


def group_of(model_label: str) -> tuple[str, int]:
    """``(group, position)`` of a model; a model nobody placed belongs to 系统管理, last."""
    return _model_groups.get(model_label.lower(), (SYSTEM, 10**9))


def links() -> list[MenuLink]:
    return list(_links)
