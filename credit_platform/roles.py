"""Global (model-level) permissions each department role carries.

Model permissions only open the admin modules and API endpoints; which rows a department sees and
which transitions it may run are decided per object in credit_platform.permissions. Apps add their
own entries to ROLE_PERMISSIONS in their AppConfig.ready().
"""
from django.contrib.auth.models import Permission

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
