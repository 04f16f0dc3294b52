"""API tokens: only the key's hash is stored, the key is shown once, tokens expire and are revoked,
every issue and revocation is audited, and only the credit office manages them in the admin."""
import datetime
import importlib
import io
import re
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from credit_platform import tokens
from credit_platform.api.authentication import TokenAuthentication
from credit_platform.models import ApiToken, AuditEvent
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

move_plain_tokens = importlib.import_module("credit_platform.migrations.0011_api_tokens_from_authtoken").move_plain_tokens

URL = "/api/v1/departments/"


def auth(key):
    return {"HTTP_AUTHORIZATION": f"Token {key}"}


@pytest.fixture
def office(dept_user):
    return dept_user(department=DepartmentFactory(credit_office=True), is_staff=True)


# --- storage -------------------------------------------------------------------------------------


def test_the_key_is_stored_only_as_its_hash(dept_user):
    token, key = tokens.api_token_issue(user=dept_user(), actor=None, name="court system")

    assert len(key) >= 40
    assert token.prefix == key[:8]
    assert token.key_hash == tokens.hash_key(key) != key
    columns = [f.column for f in ApiToken._meta.concrete_fields]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {ApiToken._meta.db_table}")
        stored = [str(value) for value in cursor.fetchone()]
    assert not any(key in value for value in stored)
    assert not ApiToken._meta.get_field("key_hash").null


def test_issued_tokens_expire_after_the_configured_days(dept_user, settings):
    settings.API_TOKEN_DAYS = 30
    before = timezone.now()

    default, _key = tokens.api_token_issue(user=dept_user(), actor=None, name="a")
    short, _key = tokens.api_token_issue(user=dept_user(), actor=None, name="b", days=7)

    assert before + datetime.timedelta(days=30) <= default.expires_at <= timezone.now() + datetime.timedelta(days=30)
    assert short.expires_at - short.created_at == datetime.timedelta(days=7)


@pytest.mark.parametrize("days", [0, -1, 10_000])
def test_validity_outside_the_bounds_is_refused(dept_user, days):
    with pytest.raises(ValidationError) as exc:
        tokens.api_token_issue(user=dept_user(), actor=None, name="x", days=days)

    assert "days" in exc.value.message_dict
    assert not ApiToken.objects.exists()


# --- authentication ------------------------------------------------------------------------------


def test_a_live_token_authenticates_in_one_query(api_client, dept_user, django_assert_max_num_queries):
    user = dept_user()
    token, key = tokens.api_token_issue(user=user, actor=None, name="x")
    request = RequestFactory().get(URL, **auth(key))
    authentication = TokenAuthentication()

    with django_assert_max_num_queries(2):  # the look-up, and the first use of the hour recorded
        authenticated, auth_token = authentication.authenticate(request)
    with django_assert_max_num_queries(1):  # later in the hour: the look-up alone
        authenticated, auth_token = authentication.authenticate(request)
        assert authenticated.department.code == user.department.code  # loaded with the token

    assert authenticated == user and auth_token == token
    assert api_client.get(URL, **auth(key)).status_code == 200


def test_last_used_is_written_at_most_once_an_hour(api_client, dept_user):
    token, key = tokens.api_token_issue(user=dept_user(), actor=None, name="x")

    api_client.get(URL, **auth(key))
    token.refresh_from_db()
    first = token.last_used_at
    api_client.get(URL, **auth(key))
    token.refresh_from_db()

    assert first is not None and token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - datetime.timedelta(hours=2))
    api_client.get(URL, **auth(key))
    token.refresh_from_db()
    assert token.last_used_at > first


def test_an_expired_token_is_401(api_client, dept_user):
    token, key = tokens.api_token_issue(user=dept_user(), actor=None, name="x")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))

    response = api_client.get(URL, **auth(key))

    assert response.status_code == 401
    assert response.json()["detail"] == "Token expired."
    assert "WWW-Authenticate" in response


def test_a_revoked_token_is_401(api_client, dept_user):
    token, key = tokens.api_token_issue(user=dept_user(), actor=None, name="x")
    assert api_client.get(URL, **auth(key)).status_code == 200

    tokens.api_token_revoke(token=token, actor=None, reason="system retired")
    response = api_client.get(URL, **auth(key))

    assert response.status_code == 401
    assert response.json()["detail"] == "Token revoked."


def test_the_token_of_an_inactive_user_is_401(api_client, dept_user):
    user = dept_user()
    _token, key = tokens.api_token_issue(user=user, actor=None, name="x")
    user.is_active = False
    user.save(update_fields=["is_active"])

    assert api_client.get(URL, **auth(key)).status_code == 401


@pytest.mark.parametrize("header", ["Token", "Token a b", "Token " + "0" * 40, "Token " + "x" * 5000])
def test_malformed_or_unknown_keys_are_401(api_client, header):
    assert api_client.get(URL, HTTP_AUTHORIZATION=header).status_code == 401


# --- issue and revoke ----------------------------------------------------------------------------


def test_issue_is_audited_without_the_key(dept_user, office):
    user = dept_user()

    token, key = tokens.api_token_issue(user=user, actor=office, name="court system", days=30)

    event = AuditEvent.objects.get(action="api_token_issued")
    assert (event.object_id, event.actor, event.department) == (str(user.pk), office, user.department)
    assert event.extra["token"] == token.pk and event.extra["prefix"] == key[:8]
    assert key not in str(event.extra) and token.key_hash not in str(event.extra)
    assert token.created_by == office


def test_revoke_is_audited_with_its_reason(dept_user, office):
    user = dept_user()
    token, _key = tokens.api_token_issue(user=user, actor=office, name="x")

    tokens.api_token_revoke(token=token, actor=office, reason="leaked in a log")

    token.refresh_from_db()
    assert token.revoked_by == office and token.revoke_reason == "leaked in a log" and token.state == "revoked"
    event = AuditEvent.objects.get(action="api_token_revoked")
    assert (event.object_id, event.actor, event.reason, event.extra["token"]) == (str(user.pk), office, "leaked in a log", token.pk)


def test_revoke_needs_a_reason_and_a_live_token(dept_user):
    token, _key = tokens.api_token_issue(user=dept_user(), actor=None, name="x")

    with pytest.raises(ValidationError):
        tokens.api_token_revoke(token=token, actor=None, reason="  ")
    tokens.api_token_revoke(token=token, actor=None, reason="done")
    with pytest.raises(ValidationError):
        tokens.api_token_revoke(token=token, actor=None, reason="again")

    assert AuditEvent.objects.filter(action="api_token_revoked").count() == 1


def test_issue_refuses_inactive_users_and_users_of_no_department(dept_user):
    for user in (dept_user(is_active=False), dept_user(department=None)):
        with pytest.raises(ValidationError) as exc:
            tokens.api_token_issue(user=user, actor=None, name="x")
        assert "user" in exc.value.message_dict
    superuser = dept_user(department=None, is_superuser=True)

    tokens.api_token_issue(user=superuser, actor=None, name="x")

    assert list(ApiToken.objects.values_list("user", flat=True)) == [superuser.pk]
    assert AuditEvent.objects.filter(action="api_token_issued").count() == 1


def test_only_the_credit_office_issues_or_revokes(dept_user, office):
    token, _key = tokens.api_token_issue(user=dept_user(), actor=office, name="x")
    clerk = dept_user()

    with pytest.raises(PermissionDenied):
        tokens.api_token_issue(user=clerk, actor=clerk, name="mine")
    with pytest.raises(PermissionDenied):
        tokens.api_token_revoke(token=token, actor=clerk, reason="no")

    assert ApiToken.objects.count() == 1 and token.state == "active"


def test_issue_token_command_takes_a_name_and_days_and_rotates_only_that_name(dept_user):
    user = dept_user()
    other, _key = tokens.api_token_issue(user=user, actor=None, name="reporting")
    out = io.StringIO()

    call_command("issue_token", user.username, "--name", "court system", "--days", "10", stdout=out, stderr=io.StringIO())

    key = out.getvalue().strip()
    token = ApiToken.objects.get(key_hash=tokens.hash_key(key))
    assert (token.name, token.expires_at - token.created_at) == ("court system", datetime.timedelta(days=10))
    assert other.state == "active"
    with pytest.raises(CommandError, match="1 to"):
        call_command("issue_token", user.username, "--days", "0", stdout=io.StringIO(), stderr=io.StringIO())


# --- the migration of plain-text tokens ----------------------------------------------------------


def test_the_migration_moves_a_plain_token_and_drops_the_plain_table(api_client, dept_user):
    user = dept_user()
    key = "0123456789abcdef0123456789abcdef01234567"  # an authtoken key: 40 hex characters
    created = timezone.now() - datetime.timedelta(days=100)
    with connection.cursor() as cursor:
        # DRF's authtoken table as its migrations made it (gone from INSTALLED_APPS since this change).
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamp with time zone NOT NULL,"
            " user_id bigint NOT NULL UNIQUE REFERENCES credit_platform_user (id) DEFERRABLE INITIALLY DEFERRED)"
        )
        cursor.execute("INSERT INTO authtoken_token VALUES (%s, %s, %s)", [key, created, user.pk])
        # Check the foreign key now, as the committed row of a real database has been.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    move_plain_tokens(apps, SimpleNamespace(connection=connection))

    assert "authtoken_token" not in connection.introspection.table_names()
    token = ApiToken.objects.get()
    assert (token.user, token.name, token.prefix, token.key_hash) == (user, "default", key[:8], tokens.hash_key(key))
    assert token.created_at == created
    assert abs(token.expires_at - (timezone.now() + datetime.timedelta(days=365))) < datetime.timedelta(minutes=1)
    assert api_client.get(URL, **auth(key)).status_code == 200


def test_the_migration_does_nothing_without_the_plain_table():
    move_plain_tokens(apps, SimpleNamespace(connection=connection))

    assert not ApiToken.objects.exists()


# --- admin ---------------------------------------------------------------------------------------


def test_the_admin_is_for_the_credit_office_only(client, dept_user, office):
    token, _key = tokens.api_token_issue(user=dept_user(), actor=None, name="x")
    urls = [
        reverse("admin:credit_platform_apitoken_changelist"),
        reverse("admin:credit_platform_apitoken_add"),
        reverse("admin:credit_platform_apitoken_change", args=[token.pk]),
        reverse("admin:credit_platform_apitoken_do", args=[token.pk, "revoke"]),
    ]
    leader = dept_user(department=DepartmentFactory(leadership=True), is_staff=True)

    for outsider in (dept_user(is_staff=True), leader):
        client.force_login(outsider)
        assert "apitoken" not in client.get(reverse("admin:index")).content.decode()
        for url in urls:
            assert client.get(url).status_code in (403, 404), url
        assert client.post(urls[3], {"reason": "mine now"}).status_code in (403, 404)
    client.force_login(office)
    assert "apitoken" in client.get(reverse("admin:index")).content.decode()
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert ApiToken.objects.get().state == "active"


def test_the_admin_issues_a_token_and_shows_its_key_once(client, api_client, dept_user, office):
    user = dept_user()
    client.force_login(office)

    response = client.post(reverse("admin:credit_platform_apitoken_add"), {"user": user.pk, "name": "court system", "days": 90})

    assert response.status_code == 200
    page = response.content.decode()
    key = re.search(r"<code class='api-token-key'>([^<]+)</code>", page).group(1)
    assert "will not be shown again" in page
    assert "no-store" in response["Cache-Control"]
    assert all(key not in morsel.value for morsel in response.cookies.values())
    token = ApiToken.objects.get()
    assert (token.user, token.name, token.created_by, token.key_hash) == (user, "court system", office, tokens.hash_key(key))
    assert AuditEvent.objects.filter(action="api_token_issued", actor=office).count() == 1
    # Never again: not on the list, not on the token's page, not in a later message.
    for url in (reverse("admin:credit_platform_apitoken_changelist"), reverse("admin:credit_platform_apitoken_change", args=[token.pk])):
        later = client.get(url).content.decode()
        assert key not in later
        assert token.prefix in later
    assert api_client.get(URL, **auth(key)).status_code == 200


def test_the_admin_lists_state_and_refuses_a_bad_issue(client, dept_user, office):
    user = dept_user()
    expired, _key = tokens.api_token_issue(user=user, actor=None, name="old system")
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - datetime.timedelta(days=1))
    client.force_login(office)

    page = client.get(reverse("admin:credit_platform_apitoken_changelist")).content.decode()
    assert "old system" in page and "token-expired" in page
    active_only = client.get(reverse("admin:credit_platform_apitoken_changelist"), {"state": "active"}).content.decode()
    assert "old system" not in active_only

    response = client.post(reverse("admin:credit_platform_apitoken_add"), {"user": user.pk, "name": "x", "days": 0})
    assert response.status_code == 200 and response.context["adminform"].form.errors
    assert ApiToken.objects.count() == 1


def test_the_admin_revokes_with_a_reason(client, api_client, dept_user, office):
    token, key = tokens.api_token_issue(user=dept_user(), actor=None, name="x")
    client.force_login(office)
    revoke_url = reverse("admin:credit_platform_apitoken_do", args=[token.pk, "revoke"])
    change_url = reverse("admin:credit_platform_apitoken_change", args=[token.pk])
    assert revoke_url in client.get(change_url).content.decode()

    refused = client.post(revoke_url, {"reason": ""})
    assert refused.status_code == 200 and refused.context["form"].errors
    response = client.post(revoke_url, {"reason": "system retired"})

    assert response.status_code == 302 and response["Location"] == change_url
    token.refresh_from_db()
    assert (token.state, token.revoked_by, token.revoke_reason) == ("revoked", office, "system retired")
    page = client.get(change_url).content.decode()
    assert revoke_url not in page
    assert "system retired" in page
    assert api_client.get(URL, **auth(key)).status_code == 401
    again = client.post(revoke_url, {"reason": "twice"})
    assert again.status_code == 200 and "already revoked" in again.content.decode()


def test_the_admin_edits_and_deletes_nothing(client, dept_user, office):
    token, _key = tokens.api_token_issue(user=dept_user(), actor=None, name="x")
    client.force_login(office)

    client.post(reverse("admin:credit_platform_apitoken_change", args=[token.pk]), {"name": "y", "expires_at": "2099-01-01"})
    assert client.get(reverse("admin:credit_platform_apitoken_delete", args=[token.pk])).status_code == 403

    token.refresh_from_db()
    assert (token.name, token.state) == ("x", "active")


def test_the_admin_and_the_refusals_speak_chinese(client, api_client, dept_user, office):
    token, key = tokens.api_token_issue(user=dept_user(), actor=None, name="x")
    client.force_login(office)

    page = client.get(reverse("admin:credit_platform_apitoken_changelist"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    issued = client.post(
        reverse("admin:credit_platform_apitoken_add"), {"user": token.user.pk, "name": "y", "days": 5}, HTTP_ACCEPT_LANGUAGE="zh-hans",
    ).content.decode()
    tokens.api_token_revoke(token=token, actor=None, reason="r")
    refused = api_client.get(URL, HTTP_ACCEPT_LANGUAGE="zh-hans", **auth(key)).json()

    assert "API令牌" in page and "有效" in page and "最近使用时间" in page
    assert "请立即复制：密钥不会再次显示。" in issued
    assert refused["detail"] == "令牌已撤销。"
