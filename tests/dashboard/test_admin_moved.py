"""The admin addresses of the models that moved from credit_platform to supervision redirect."""
import pytest
from django.contrib import admin

from supervision.admin import MOVED_FROM_CORE
from supervision.models import Urge
from tests.factories import UserFactory


@pytest.fixture
def registered_urge_admin():
    """The supervision models have no admin pages today; one registered, as a later change may."""
    admin.site.register(Urge)
    yield
    admin.site.unregister(Urge)


@pytest.fixture
def superuser_client(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_every_moved_model_is_redirected():
    assert set(MOVED_FROM_CORE) == {"urge", "escalation", "scorecardsnapshot", "monthlyreport", "assignmenttally", "casetally", "openworktally"}


def test_an_old_admin_address_redirects_to_the_new_one_with_its_path_and_query(superuser_client, registered_urge_admin):
    response = superuser_client.get("/admin/credit_platform/urge/12/change/", {"_changelist_filters": "kind=assignment"})

    assert response.status_code == 301
    assert response["Location"] == "/admin/supervision/urge/12/change/?_changelist_filters=kind%3Dassignment"
    assert superuser_client.get("/admin/credit_platform/urge/")["Location"] == "/admin/supervision/urge/"


def test_a_moved_model_the_admin_does_not_show_stays_not_found(superuser_client):
    assert superuser_client.get("/admin/credit_platform/escalation/").status_code == 404
    assert superuser_client.get("/admin/credit_platform/urge/1/change/").status_code == 404


def test_the_core_admin_pages_are_not_redirected(superuser_client):
    assert superuser_client.get("/admin/credit_platform/subject/").status_code == 200
    assert superuser_client.get("/admin/credit_platform/").status_code == 200
