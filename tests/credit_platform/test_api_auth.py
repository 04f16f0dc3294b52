"""Who gets in: anonymous 401, tokens from issue_token, users outside an active department 403."""
import io

import pytest
from django.core.management import CommandError, call_command

from credit_platform.models import ApiToken, AuditEvent
from credit_platform.tokens import hash_key
from tests.factories import DepartmentFactory, SubjectFactory

pytestmark = pytest.mark.django_db


def issue_token(username) -> str:
    out = io.StringIO()
    call_command("issue_token", username, stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/departments/"),
        ("get", "/api/v1/departments/court/"),
        ("get", "/api/v1/subjects/"),
        ("get", "/api/v1/subjects/1/"),
        ("post", "/api/v1/subjects/"),
        ("get", "/api/v1/"),
    ],
)
def test_anonymous_request_is_401_with_a_challenge(api_client, method, url):
    response = getattr(api_client, method)(url, {}, format="json") if method == "post" else api_client.get(url)

    assert response.status_code == 401
    assert "WWW-Authenticate" in response
    assert "detail" in response.json()


def test_token_issued_by_command_authenticates(api_client, dept_user):
    user = dept_user()
    key = issue_token(user.username)

    response = api_client.get("/api/v1/departments/", HTTP_AUTHORIZATION=f"Token {key}")

    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="api_token_issued", object_id=str(user.pk)).count() == 1


def test_issue_token_rotates_and_revokes_the_old_key(api_client, dept_user):
    user = dept_user()
    old = issue_token(user.username)

    new = issue_token(user.username)

    assert new != old
    assert list(ApiToken.objects.active().filter(user=user).values_list("key_hash", flat=True)) == [hash_key(new)]
    assert api_client.get("/api/v1/subjects/", HTTP_AUTHORIZATION=f"Token {old}").status_code == 401
    assert api_client.get("/api/v1/subjects/", HTTP_AUTHORIZATION=f"Token {new}").status_code == 200


def test_issue_token_refuses_unknown_user():
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        call_command("issue_token", "nobody")


def test_issue_token_refuses_inactive_user(dept_user):
    user = dept_user(is_active=False)

    with pytest.raises(CommandError, match="inactive"):
        call_command("issue_token", user.username)
    assert not ApiToken.objects.filter(user=user).exists()


def test_wrong_token_is_401(api_client):
    response = api_client.get("/api/v1/subjects/", HTTP_AUTHORIZATION="Token " + "0" * 40)

    assert response.status_code == 401


def test_user_of_no_department_is_403(client_as, dept_user):
    client = client_as(dept_user(department=None))

    assert client.get("/api/v1/departments/").status_code == 403
    assert client.get("/api/v1/subjects/").status_code == 403


def test_user_of_inactive_department_is_403(client_as, dept_user):
    department = DepartmentFactory(is_active=False)
    client = client_as(dept_user(department=department))

    assert client.get("/api/v1/subjects/").status_code == 403


def test_session_login_works_for_browsers(client, dept_user):
    user = dept_user()
    subject = SubjectFactory()
    client.force_login(user)

    response = client.get(f"/api/v1/subjects/{subject.pk}/")

    assert response.status_code == 200
