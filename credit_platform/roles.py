"""Global (model-level) permissions each department role carries.

Model permissions only open the admin modules and API endpoints; which rows a department sees and
which transitions it may run are decided per object in credit_platform.permissions. The core lists
its own models' permissions here; each app adds its own in its AppConfig.ready() through
``register_role_permissions``, so this module names no app.
"""
from collections.abc import Iterable

from django.contrib.auth.models import Permission

# "all" applies to every department; the others are the roles a department may hold.
ROLES = ("all", "credit_office", "leadership_office", "initiating", "executing")

# role -> "app_label.codename"; "all" applies to every department.
ROLE_PERMISSIONS: dict[str, set[str]] = {
    "all": {
        "credit_platform.view_department",
        "credit_platform.view_subject",
        "credit_platform.view_responsibleperson",
        "credit_platform.view_notification",
    },
    "credit_office": {
        "credit_platform.change_department",
        "credit_platform.change_subject",
        "credit_platform.add_responsibleperson",
        "credit_platform.change_responsibleperson",
        "credit_platform.view_ruleset",
        "credit_platform.add_ruleset",
        "credit_platform.change_ruleset",
        "credit_platform.view_calendaroverride",
        "credit_platform.add_calendaroverride",
        "credit_platform.change_calendaroverride",
        "credit_platform.delete_calendaroverride",
        "credit_platform.view_officialcalendaryear",
        "credit_platform.add_officialcalendaryear",
        "credit_platform.view_auditevent",
        "credit_platform.view_auditcheckpoint",
        # django-axes' login records, under 系统管理 (read-only: nobody is given their change/delete)
        "axes.view_accessattempt",
        "axes.view_accesslog",
        "axes.view_accessfailurelog",
    },
    "leadership_office": {
        "credit_platform.view_ruleset",
        "credit_platform.view_auditevent",
        "credit_platform.view_auditcheckpoint",
    },
    # The leadership office supervises and changes nothing: working departments register subjects.
    "initiating": {"credit_platform.add_subject"},
    "executing": {"credit_platform.add_subject"},
}


def register_role_permissions(**by_role: Iterable[str]) -> None:
    """Add model permissions (``"app_label.codename"``) to roles, e.g.
    ``register_role_permissions(all={"myapp.view_thing"}, initiating={...})``. Called by each app
    in its AppConfig.ready(); adding a permission twice is harmless. An unknown role is refused."""
    unknown = set(by_role) - set(ROLES)
    if unknown:
        raise ValueError(f"Unknown roles: {sorted(unknown)} (known: {ROLES})")
    for role, labels in by_role.items():
        labels = set(labels)
        malformed = sorted(label for label in labels if label.count(".") != 1)
        if malformed:
            raise ValueError(f"Permissions are 'app_label.codename': {malformed}")
        ROLE_PERMISSIONS.setdefault(role, set()).update(labels)


def permissions_for_roles(roles: list[str]) -> set[str]:
    wanted = set(ROLE_PERMISSIONS["all"])
    for role in roles:
        wanted |= ROLE_PERMISSIONS.get(role, set())
    return wanted


def sync_group_permissions(department) -> None:
    """Give the department's group exactly the model permissions of its roles."""
    wanted = {tuple(label.split(".", 1)) for label in permissions_for_roles(department.roles)}
    # One plain query, then pick: much cheaper than one OR-clause per permission.
    candidates = Permission.objects.filter(
        content_type__app_label__in={app for app, _codename in wanted}, codename__in={codename for _app, codename in wanted}
    ).values_list("pk", "content_type__app_label", "codename")
    department.group.permissions.set([pk for pk, app, codename in candidates if (app, codename) in wanted])
