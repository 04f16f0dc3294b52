import pytest
from rest_framework.test import APIClient

from tests.factories import DepartmentFactory, UserFactory


@pytest.fixture
def api_client():
    """An anonymous API client; ``api_client.force_authenticate(user)`` to act as someone."""
    return APIClient()


@pytest.fixture
def dept_user(db):
    """Make a user of a (new) department: ``dept_user()``, ``dept_user(roles=["credit_office"])``,
    ``dept_user(department=dept)``, ``dept_user(department=None)`` for a user of no department."""

    def make(*, roles=("initiating", "executing"), department=..., **fields):
        if department is ...:
            department = DepartmentFactory(roles=roles)
        return UserFactory(department=department, **fields)

    return make


@pytest.fixture
def client_as(api_client):
    """``client_as(user)``: the API client authenticated as ``user`` (``None`` stays anonymous)."""

    def login(user):
        api_client.force_authenticate(user)
        return api_client

    return login
