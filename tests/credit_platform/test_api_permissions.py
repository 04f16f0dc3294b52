"""credit_platform.permissions: roles from the department, object decisions from group permissions."""
import pytest
from guardian.shortcuts import assign_perm
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate

from credit_platform import permissions
from credit_platform.api.views import PlatformViewSet
from credit_platform.models import Department
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


class GuardedViewSet(mixins.RetrieveModelMixin, mixins.UpdateModelMixin, PlatformViewSet):
    """Departments stand in for any guarded workflow object (cases, entries …)."""

    queryset = Department.objects.all()
    lookup_field = "code"
    permission_classes = [permissions.DepartmentObjectPermissions]

    def get_serializer(self, *args, **kwargs):
        from credit_platform.api.serializers import DepartmentSerializer

        return DepartmentSerializer(*args, **kwargs)

    def update(self, request, *args, **kwargs):
        self.get_object()
        return Response({"updated": True})

    @action(detail=True, methods=["post"])
    def urge(self, request, code):
        self.get_object()
        return Response({"moved": True})


def call(user, method, code, action_name):
    factory = APIRequestFactory()
    request = getattr(factory, method)(f"/x/{code}/", {}, format="json")
    if user is not None:
        force_authenticate(request, user=user)
    return GuardedViewSet.as_view({method: action_name})(request, code=code)


@pytest.fixture
def target():
    return DepartmentFactory(code="target")


@pytest.fixture
def holder(target):
    """A user whose department group holds view_department on the target (and nothing global)."""
    user = UserFactory()
    assign_perm("credit_platform.view_department", user.department.group, target)
    return user


@pytest.mark.parametrize(
    ("actor", "status"),
    [
        ("anonymous", 401),
        ("no_department", 403),
        ("other_department", 404),
        ("holder", 200),
        ("credit_office", 200),
        ("leadership", 200),
        ("superuser", 200),
    ],
)
def test_read_matrix(actor, status, target, holder):
    users = {
        "anonymous": None,
        "no_department": UserFactory(department=None),
        "other_department": UserFactory(),
        "holder": holder,
        "credit_office": UserFactory(department=DepartmentFactory(credit_office=True)),
        "leadership": UserFactory(department=DepartmentFactory(leadership=True)),
        "superuser": UserFactory(department=None, is_superuser=True),
    }

    assert call(users[actor], "get", "target", "retrieve").status_code == status


def test_update_needs_the_change_permission_on_the_object(target, holder):
    assert call(holder, "put", "target", "update").status_code == 403

    assign_perm("credit_platform.change_department", holder.department.group, target)
    holder = type(holder).objects.get(pk=holder.pk)  # fresh permission cache

    assert call(holder, "put", "target", "update").status_code == 200


def test_transition_actions_need_only_visibility(target, holder):
    # The transition's own permission= callable (asked by the service) decides the move.
    assert call(holder, "post", "target", "urge").status_code == 200
    assert call(UserFactory(department=DepartmentFactory(leadership=True)), "post", "target", "urge").status_code == 200
    assert call(UserFactory(), "post", "target", "urge").status_code == 404


def test_leadership_reads_but_does_not_change(target):
    leader = UserFactory(department=DepartmentFactory(leadership=True))

    assert call(leader, "put", "target", "update").status_code == 403


def test_role_helpers():
    credit = UserFactory(department=DepartmentFactory(credit_office=True))
    leader = UserFactory(department=DepartmentFactory(leadership=True))
    plain = UserFactory()
    root = UserFactory(department=None, is_superuser=True)
    nobody = UserFactory(department=None)

    assert [permissions.is_credit_office(u) for u in (credit, leader, plain, root, nobody)] == [True, False, False, True, False]
    assert [permissions.is_leadership(u) for u in (credit, leader, plain, root, nobody)] == [False, True, False, False, False]
    assert [permissions.can_see_everything(u) for u in (credit, leader, plain, root, nobody)] == [True, True, False, True, False]
    assert permissions.department_of(plain) == plain.department
    assert permissions.department_of(nobody) is None


def test_inactive_department_loses_its_role():
    credit = UserFactory(department=DepartmentFactory(credit_office=True, is_active=False))

    assert not permissions.is_credit_office(credit)
