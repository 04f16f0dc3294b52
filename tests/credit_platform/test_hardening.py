"""Request-level hardening: hostile input answers 4xx, limits cannot be lifted by a forged header,
responses carrying personal data are not cached, and the production entry points refuse the demo key.
"""
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from axes.handlers.proxy import AxesProxyHandler
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from credit_platform import demo
from credit_platform.api import authentication
from credit_platform.clients import client_address
from credit_platform.models import User

ROOT = Path(__file__).resolve().parent.parent.parent
PUBLIC_API = "/api/v1/public/list-entries/"


@pytest.fixture
def seeded(db):
    demo.seed()
    cache.clear()


def _staff(username="court"):
    client = Client()
    client.force_login(demo_user(username))
    return client


def demo_user(username):
    return User.objects.get(username=username)


# --- NUL bytes, deep JSON, oversized bodies -------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/credit/?q=a%00b",
        f"{PUBLIC_API}?q=a%00b",
        "/api/v1/credit-check/?identifier=91620702MAQJWYL7X%00",
        "/credit/objections/status/?receipt=a%00",
        "/admin/credit_platform/subject/?q=%00",
        "/api/v1/cases/?search=%00",
    ],
)
def test_a_nul_byte_in_a_query_is_a_400(seeded, url):
    client = _staff()
    response = client.get(url)
    assert response.status_code == 400
    if url.startswith("/api/"):
        assert "NUL" in response.json()["detail"]


def test_a_nul_byte_in_a_path_or_a_form_is_a_400(seeded):
    client = _staff()
    assert client.get("/api/v1/public/objections/AB%00CD/").status_code == 400
    response = client.post("/credit/objections/", {"identifier": "a\x00b"})
    assert response.status_code == 400


@pytest.mark.parametrize("body", [
    {"subject": 1, "memorandum_code": "judgement\x00defaulters"},
    {"basis": ["a\x00b"]},
    {"a\x00b": 1},
])
def test_a_nul_byte_in_a_json_body_is_a_400(seeded, body):
    client = APIClient()
    client.force_authenticate(demo_user("court"))
    response = client.post("/api/v1/cases/", body, format="json")
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


@pytest.mark.parametrize("path", ["/api/v1/public/objections/", "/api/v1/cases/"])
def test_json_nested_a_thousand_deep_is_a_400(seeded, path):
    client = APIClient()
    client.force_authenticate(demo_user("court"))
    body = "[" * 1000 + "]" * 1000
    response = client.post(path, body, content_type="application/json")
    assert response.status_code == 400
    assert "deep" in response.json()["detail"]
    moderately = json.dumps({"a": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[{}]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]})
    assert client.post(path, moderately, content_type="application/json").status_code == 400


def test_an_oversized_body_is_refused_on_its_declared_length(seeded, settings):
    settings.MAX_ANONYMOUS_REQUEST_BODY_BYTES = 1024 * 1024
    anonymous = Client()
    response = anonymous.post(
        "/credit/objections/", data=b"x" * 10, content_type="application/octet-stream", CONTENT_LENGTH=str(300 * 1024 * 1024)
    )
    assert response.status_code == 413
    api = anonymous.post("/api/v1/public/objections/", data=b"{}", content_type="application/json", CONTENT_LENGTH=str(2 * 1024 * 1024))
    assert api.status_code == 413 and "too large" in api.json()["detail"]
    # Staff get the larger limit (imports).
    staff = _staff()
    ok = staff.post("/api/v1/cases/", data=b"{}", content_type="application/json", CONTENT_LENGTH="2")
    assert ok.status_code != 413


# --- Client address and rate limits ---------------------------------------------------------------


def _request(remote, forwarded=None):
    class Request:
        META = {"REMOTE_ADDR": remote, **({"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {})}

    return Request()


def test_the_client_address_believes_only_the_trusted_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(_request("10.0.0.9", "1.2.3.4")) == "10.0.0.9"
    settings.TRUSTED_PROXY_COUNT = 1
    # The client forged "1.2.3.4"; the proxy appended the address it really saw.
    assert client_address(_request("10.0.0.1", "1.2.3.4, 203.0.113.7")) == "203.0.113.7"
    assert client_address(_request("10.0.0.1")) == "10.0.0.1"


def test_a_forged_forwarded_for_does_not_lift_the_public_api_limit(seeded, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"public": "3/min"})
    client = APIClient()
    codes = [
        client.get(PUBLIC_API, {"q": "金川"}, HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code for i in range(5)
    ]
    assert codes[:3] == [200, 200, 200]
    assert codes[3:] == [429, 429]


def test_a_forged_forwarded_for_does_not_lift_the_public_page_limit(seeded, settings):
    settings.CREDIT_PUBLIC_SEARCHES_PER_MINUTE = 2
    client = Client()
    codes = [client.get("/credit/", {"q": "金川"}, HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code for i in range(4)]
    assert codes[:2] == [200, 200]
    assert codes[2:] == [429, 429]


def test_the_limits_count_in_the_shared_cache(settings):
    # One count for every worker: the cache is Redis in production and in the tests.
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    cache.set("shared-count-probe", 1)
    cache.incr("shared-count-probe")
    assert cache.get("shared-count-probe") == 2


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    AxesProxyHandler.implementation = None
    yield
    AxesProxyHandler.implementation = None


def test_a_lockout_behind_a_proxy_keys_on_the_client_not_the_proxy(seeded, settings, axes_on):
    settings.TRUSTED_PROXY_COUNT = 1
    url = reverse("admin:login")
    attacker = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.66")
    for _ in range(3):
        attacker.post(url, {"username": "leader", "password": "wrong"})
    assert attacker.post(url, {"username": "leader", "password": demo.DEMO_PASSWORD}).status_code == 429
    # The real leader comes through the same proxy from another address and still logs in.
    leader = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.10")
    response = leader.post(url, {"username": "leader", "password": demo.DEMO_PASSWORD, "next": "/admin/"})
    assert response.status_code == 302


# --- Headers, sessions, database down -------------------------------------------------------------


def test_staff_pages_and_api_answers_are_not_cached_and_carry_a_csp(seeded):
    client = _staff()
    for url in ["/admin/", "/api/v1/cases/", "/credit/?q=金川"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "default-src 'self'" in policy and "frame-ancestors 'none'" in policy


def test_no_page_has_an_inline_script_handler():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if any(handler in path.read_text(encoding="utf-8") for handler in (" onchange=", " onclick=", " onsubmit=", " onload="))
    ]
    assert offenders == []


def test_the_api_docs_load_their_start_up_script_as_a_file(seeded):
    client = _staff()
    page = client.get("/api/docs/").content.decode()
    assert "?script" in page
    assert "SwaggerUIBundle(" not in page
    redoc = client.get("/api/redoc/").content.decode()
    assert "<redoc spec-url=" in redoc and "Redoc.init" not in redoc


def test_a_staff_session_idles_out(seeded, settings):
    client = Client()
    client.post(reverse("admin:login"), {"username": "court", "password": demo.DEMO_PASSWORD})
    session = Session.objects.get()
    left = (session.expire_date - timezone.now()).total_seconds()
    assert settings.SESSION_COOKIE_AGE - 60 < left <= settings.SESSION_COOKIE_AGE <= 30 * 60
    Session.objects.update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    assert client.get("/admin/").status_code == 302  # back to the login page


def test_the_api_answers_json_503_when_the_database_is_down(seeded, monkeypatch):
    def down(self, request):
        raise OperationalError("connection refused")

    monkeypatch.setattr(authentication.TokenAuthentication, "authenticate", down)
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/cases/", HTTP_AUTHORIZATION="Token abc")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "unavailable" in response.json()["detail"]


def test_a_session_caller_also_gets_json_503_when_the_database_is_down(seeded, monkeypatch):
    """Found by the probe (tests/probe/test_faults.py): with the database gone, the idle-session
    middleware read the session again after the view's 503 and turned the answer into an HTML 500."""
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(username="court"))

    def down(self):
        raise OperationalError("the database system is shutting down")

    monkeypatch.setattr(SessionStore, "load", down)
    response = client.get("/api/v1/cases/")
    assert response.status_code == 503
    assert "unavailable" in response.json()["detail"]


def _start(module: str, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}}
    return subprocess.run(
        [sys.executable, "-c", f"import {module}"], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=60
    )


def test_the_demo_key_is_refused_with_debug_off():
    result = _start("django; import django.conf; django.conf.settings.SECRET_KEY", DEBUG="0", DJANGO_SETTINGS_MODULE="credit_platform.settings.base")
    assert result.returncode != 0
    assert "demo key" in result.stderr


def test_a_bare_wsgi_server_runs_production_settings():
    result = _start("credit_platform.wsgi")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_use_moves_the_idle_expiry_on_at_most_once_a_minute(seeded, monkeypatch):
    client = Client()
    client.post(reverse("admin:login"), {"username": "court", "password": demo.DEMO_PASSWORD})
    first = Session.objects.get().expire_date
    client.get("/admin/")
    assert Session.objects.get().expire_date == first  # within the minute: no write
    later = time.time() + 120
    monkeypatch.setattr(time, "time", lambda: later)
    client.get("/admin/")
    assert Session.objects.get().expire_date > first
