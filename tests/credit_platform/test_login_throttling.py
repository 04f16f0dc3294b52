import pytest
from django.urls import reverse

from credit_platform import demo


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    from axes.handlers.proxy import AxesProxyHandler

    AxesProxyHandler.implementation = None  # pick up the changed settings
    yield
    AxesProxyHandler.implementation = None


@pytest.mark.django_db
def test_admin_login_locks_out_after_repeated_failures(client, axes_on):
    demo.seed()
    url = reverse("admin:login")
    for _ in range(3):
        client.post(url, {"username": "court", "password": "wrong"})
    # Even the right password is refused while locked out.
    response = client.post(url, {"username": "court", "password": demo.DEMO_PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_admin_login_with_the_demo_password(client, axes_on):
    demo.seed()
    response = client.post(reverse("admin:login"), {"username": "court", "password": demo.DEMO_PASSWORD, "next": "/admin/"})
    assert response.status_code == 302
    page = client.get("/admin/credit_platform/subject/")
    assert page.status_code == 200
    assert "示范区金川建筑工程有限公司" in page.content.decode()
