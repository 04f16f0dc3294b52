"""Who may do what: the one place the admin, the API and the pages ask.

Roles come from the user's department (``Department.is_credit_office`` …). Object decisions are
django-guardian permissions granted to department groups, plus the credit office's and the
leadership office's platform-wide reach. Apps add their own ``can_*`` helpers here.
"""
from functools import cache

from django.contrib.auth.models import Permission
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from credit_platform.models import Department


def department_of(user) -> Department | None:
    """The user's department, or None (anonymous, or a user not yet placed in one)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "department", None)


def is_department_member(user) -> bool:
    """An active user of an active department; superusers count as members everywhere."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    department = department_of(user)
    return department is not None and department.is_active


def is_credit_office(user) -> bool:
    """The credit office (or a superuser): manages the catalogue and sees and decides everything."""
    if not is_department_member(user):
        return False
    if user.is_superuser:
        return True
    return department_of(user).is_credit_office


def is_leadership(user) -> bool:
    """The leadership office: sees everything, urges (督办), changes nothing."""
    if not is_department_member(user):
        return False
    department = department_of(user)
    return department is not None and department.is_leadership_office


def is_credit_office_or_member(user, department_id) -> bool:
    """The credit office, or a member of the department ``department_id`` (who decides an application)."""
    if is_credit_office(user):
        return True
    department = department_of(user) if is_department_member(user) else None
    return department is not None and department.pk == department_id


@cache
def permission_id(model, codename: str) -> int:
    """The id of ``model``'s app's permission ``codename`` (cached; cleared after migrate)."""
    return Permission.objects.get(content_type__app_label=model._meta.app_label, codename=codename).pk


def department_group_id(user) -> int | None:
    """The group of the user's department (the holder of its object grants), or None."""
    department = department_of(user) if is_department_member(user) else None
    return department.group_id if department else None


def has_group_grant(user, obj, grant_model, codename: str) -> bool:
    """Whether the user's department holds the object permission ``codename`` on ``obj``
    (a guardian row of ``grant_model``, the object's direct foreign-key grant table)."""
    group_id = department_group_id(user)
    if group_id is None:
        return False
    # A grant, once found, is remembered on the instance for its lifetime (one request): grants are
    # never withdrawn, and a response asks the same question once per transition it lists.
    found = obj.__dict__.setdefault("_group_grants_found", set())
    if (group_id, codename) in found:
        return True
    held = grant_model.objects.filter(content_object=obj, group_id=group_id, permission_id=permission_id(type(obj), codename)).exists()
    if held:
        found.add((group_id, codename))
    return held


def can_see_everything(user) -> bool:
    return is_credit_office(user) or is_leadership(user)


def can_create_subject(user) -> bool:
    """Subjects are a shared registry: a working department with the ``add_subject`` role permission
    (credit_platform.roles) may register one it deals with; the leadership office only supervises."""
    if is_credit_office(user):
        return True
    if not is_department_member(user):
        return False
    if is_leadership(user):
        return False
    return user.has_perm("credit_platform.add_subject")


class IsDepartmentMember(permissions.BasePermission):
    """The API's baseline: an authenticated, active user of an active department (401 when anonymous)."""

    message = _("Your account does not belong to an active department.")

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False  # DRF turns this into 401 for anonymous requests
        return is_department_member(request.user)


class DepartmentObjectPermissions(permissions.DjangoObjectPermissions):
    """Object permissions held by department groups (django-guardian), without DRF's global-permission trap.

    DRF's ``DjangoObjectPermissions.has_permission`` demands the *global* model permission, so a
    department holding only object permissions would get 403 on its own objects. Here:

    - ``has_permission``: a department member; for ``create`` also ``can_create(request, view)``
      (default: the global ``add_<model>`` permission, or the credit office);
    - ``has_object_permission``: the credit office may do anything, the leadership office may read
      anything; otherwise the object permissions of ``perms_map`` (``view`` for reads). What the
      caller may not read answers 404, what it may read but not change answers 403.
    - other POST actions (transitions) only require that the caller can read the object: the
      transition's ``permission=`` callable, asked by the service, decides the move.

    Lists must be filtered by the entity's ``*_for_user`` selector (or guardian's
    ``ObjectPermissionsFilter``), never by this class.
    """

    perms_map = {
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "POST": ["%(app_label)s.add_%(model_name)s"],
        "PUT": ["%(app_label)s.change_%(model_name)s"],
        "PATCH": ["%(app_label)s.change_%(model_name)s"],
        "DELETE": ["%(app_label)s.delete_%(model_name)s"],
    }
    # Actions whose object check uses the method's permissions; any other action needs only "view".
    method_checked_actions = {"update", "partial_update", "destroy"}

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        if not is_department_member(request.user):
            return False
        if getattr(view, "action", None) == "create":
            return self.can_create(request, view)
        return True

    def can_create(self, request, view) -> bool:
        if is_credit_office(request.user):
            return True
        model = self._queryset(view).model
        perms = self.get_required_permissions("POST", model)
        return request.user.has_perms(perms)

    def has_object_permission(self, request, view, obj):
        user = request.user
        if is_credit_office(user):
            return True
        read_perms = self.get_required_object_permissions("GET", obj.__class__)
        can_read = is_leadership(user) or user.has_perms(read_perms, obj)
        if not can_read:
            raise Http404  # another department's object does not exist for the caller
        if request.method in permissions.SAFE_METHODS:
            return True
        if getattr(view, "action", None) not in self.method_checked_actions:
            return True  # a transition: the service asks the transition's permission= callable
        return user.has_perms(self.get_required_object_permissions(request.method, obj.__class__), obj)
