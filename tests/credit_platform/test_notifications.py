"""Notifications: created after commit, read only by their department, listed per inbox in the admin."""
import importlib
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from credit_platform import notifications
from credit_platform.context_processors import notifications as notifications_context
from credit_platform.models import Notification
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def court(dept_user):
    department = DepartmentFactory()
    return dept_user(department=department, is_staff=True)


@pytest.fixture
def tax(dept_user):
    return dept_user(department=DepartmentFactory(), is_staff=True)


def test_notify_on_commit_creates_nothing_until_the_transaction_commits(court, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notifications.notify_on_commit(department=court.department, verb="assignment_pushed", title="Case pushed to you")
        assert not Notification.objects.exists()

    assert len(callbacks) == 1
    notification = Notification.objects.get()
    assert (notification.department, notification.verb, notification.read_at) == (court.department, "assignment_pushed", None)


def test_notify_on_commit_creates_nothing_when_the_transaction_rolls_back(court, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            notifications.notify_on_commit(department=court.department, verb="assignment_pushed", title="Case pushed to you")
            raise RuntimeError

    assert callbacks == []
    assert not Notification.objects.exists()


def test_notify_many_on_commit_inserts_them_all_after_commit(court, tax, django_capture_on_commit_callbacks, django_assert_num_queries):
    items = [{"department": user.department, "verb": "assignments_overdue", "title": f"Overdue {n}"} for n, user in enumerate([court, tax, tax])]

    with django_capture_on_commit_callbacks() as callbacks:
        notifications.notify_many_on_commit(items)
    assert not Notification.objects.exists()
    with django_assert_num_queries(1):
        callbacks[0]()

    assert Notification.objects.filter(department=tax.department).count() == 2


def test_another_department_cannot_mark_a_notification_read(court, tax):
    notification = notifications.notify(department=court.department, verb="assignment_pushed", title="For the court")

    assert notifications.notification_mark_read(notification_ids=[notification.pk], user=tax) == 0
    notification.refresh_from_db()
    assert notification.read_at is None
    assert notifications.unread_count_for(court) == 1

    assert notifications.notification_mark_read(notification_ids=[notification.pk], user=court) == 1
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert notifications.unread_count_for(court) == 0


def test_a_user_sees_their_department_and_what_is_addressed_to_them(court, tax, dept_user):
    colleague = dept_user(department=court.department)
    to_department = notifications.notify(department=court.department, verb="assignment_pushed", title="department")
    to_colleague = notifications.notify(department=court.department, verb="assignment_pushed", title="colleague", user=colleague)
    notifications.notify(department=tax.department, verb="assignment_pushed", title="tax")

    assert set(notifications.notifications_for_user(user=court)) == {to_department, to_colleague}
    assert set(notifications.notifications_for_user(user=colleague)) == {to_department, to_colleague}
    assert notifications.unread_count_for(tax) == 1


def test_context_processor_counts_unread_for_staff_in_one_query(court, django_assert_num_queries):
    notifications.notify(department=court.department, verb="assignment_pushed", title="one")
    notifications.notify(department=court.department, verb="assignment_pushed", title="two")
    request = RequestFactory().get("/admin/")
    request.user = court

    context = notifications_context(request)
    with django_assert_num_queries(1):
        html = render_to_string("admin/includes/notification_badge.html", {**context, "user": court})

    assert context["unread_notifications"] == 2
    assert ">2</strong>" in html
    request.user = type("Anonymous", (), {"is_authenticated": False})()
    assert notifications_context(request) == {}


# --- Admin


def test_admin_lists_only_the_users_own_inbox_unread_first(client, court, tax):
    read = notifications.notify(department=court.department, verb="assignment_pushed", title="Court, already read")
    notifications.notification_mark_read(notification_ids=[read.pk], user=court)
    notifications.notify(department=court.department, verb="assignment_pushed", title="Court, unread")
    notifications.notify(department=tax.department, verb="assignment_pushed", title="Tax bureau only")
    client.force_login(court)

    response = client.get(reverse("admin:credit_platform_notification_changelist"))

    assert response.status_code == 200
    assert [n.title for n in response.context["cl"].result_list] == ["Court, unread", "Court, already read"]
    assert "Tax bureau only" not in response.content.decode()


def test_admin_refuses_another_departments_notification(client, court, tax):
    theirs = notifications.notify(department=tax.department, verb="assignment_pushed", title="Tax bureau only")
    client.force_login(court)

    response = client.get(reverse("admin:credit_platform_notification_change", args=[theirs.pk]))
    client.post(
        reverse("admin:credit_platform_notification_changelist"),
        {"action": "mark_read", "_selected_action": [theirs.pk], "index": 0},
    )

    assert response.status_code == 302  # the admin's "does not exist" redirect
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_admin_marks_read_by_action_and_by_opening(client, court):
    first = notifications.notify(department=court.department, verb="assignment_pushed", title="first")
    second = notifications.notify(department=court.department, verb="assignment_pushed", title="second", url="/admin/sanctions/")
    client.force_login(court)

    response = client.post(
        reverse("admin:credit_platform_notification_changelist"),
        {"action": "mark_read", "_selected_action": [first.pk], "index": 0},
        follow=True,
    )
    assert "1 notification marked as read." in response.content.decode()
    page = client.get(reverse("admin:credit_platform_notification_change", args=[second.pk]))

    assert page.status_code == 200
    assert 'href="/admin/sanctions/">Open the page it is about</a>' in page.content.decode()
    assert ">/admin/sanctions/<" not in page.content.decode()  # a link in words, not a raw address
    assert notifications.unread_count_for(court) == 0
    assert client.get(reverse("admin:credit_platform_notification_add")).status_code == 403


def test_admin_names_the_kind_of_notification_in_words(client, court):
    notifications.notify(department=court.department, verb="assignment_pushed", title="Case pushed to you")
    client.force_login(court)

    response = client.get(reverse("admin:credit_platform_notification_changelist"), HTTP_ACCEPT_LANGUAGE="zh-hans")

    page = response.content.decode()
    assert "联合奖惩措施已推送至本部门" in page
    assert ">assignment_pushed<" not in page


def test_every_notification_the_platform_sends_has_a_kind_in_words():
    """The verbs written in the code (``verb="..."``, ``"verb": "..."`` and an app's
    ``notification_kinds.X`` constants) are all kinds some app declares, each with its words."""
    written = re.compile(r'(?:verb=|"verb":\s*)"([a-z_]+)"')
    constant = re.compile(r"notification_kinds\.([A-Z_]+)")
    base = Path(settings.BASE_DIR).resolve()
    used, constants = set(), {}
    configs = [c for c in apps.get_app_configs() if base in Path(c.path).resolve().parents]
    for config in configs:
        if (Path(config.path) / "notification_kinds.py").exists():
            module = importlib.import_module(f"{config.name}.notification_kinds")
            constants |= {name: value for name, value in vars(module).items() if name.isupper() and isinstance(value, str)}
    for config in configs:
        for module in Path(config.path).rglob("*.py"):
            if "migrations" not in module.parts:
                text = module.read_text(encoding="utf-8")
                used |= set(written.findall(text))
                used |= {constants[name] for name in constant.findall(text)}

    kinds = notifications.notification_kinds()
    assert len(used) >= 20
    assert "dashboard_tallies_corrected" in used  # written through a constant
    assert used <= set(kinds), used - set(kinds)
    assert all(str(label) and str(label) != kind for kind, label in kinds.items())


def test_notify_refuses_a_kind_nobody_declared(court, django_capture_on_commit_callbacks):
    with pytest.raises(ValueError, match="Unknown notification kind"):
        notifications.notify(department=court.department, verb="assignment_pushd", title="typo")
    with pytest.raises(ValueError, match="Unknown notification kind"):
        notifications.notify_on_commit(department=court.department, verb="no_such_kind", title="x")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValueError, match="Unknown notification kind"):
        notifications.notify_many_on_commit([{"department": court.department, "verb": "no_such_kind", "title": "x"}])

    assert not Notification.objects.exists()


def test_a_kind_claimed_twice_with_other_words_is_refused():
    with pytest.raises(ValueError, match="declared twice"):
        notifications.register_notification_kinds({"assignment_pushed": "something else"})
    notifications.register_notification_kinds({"assignment_pushed": notifications.notification_kinds()["assignment_pushed"]})


def test_admin_filters_the_inbox_by_kind_in_words(client, court):
    notifications.notify(department=court.department, verb="assignment_pushed", title="Pushed to you")
    notifications.notify(department=court.department, verb="objection_filed", title="Objection filed")
    client.force_login(court)
    url = reverse("admin:credit_platform_notification_changelist")

    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    filtered = client.get(url, {"verb": "objection_filed"}).content.decode()

    assert "联合奖惩措施已推送至本部门" in page  # the filter's choices and the column, in words
    assert "Objection filed" in filtered and "Pushed to you" not in filtered


def test_notification_kinds_are_not_database_choices():
    assert not Notification._meta.get_field("verb").choices


def test_the_inbox_links_each_title_to_its_object_and_reads_it_on_the_way(client, court, tax):
    mine = notifications.notify(department=court.department, verb="assignment_pushed", title="Case pushed", url="/admin/sanctions/")
    elsewhere = notifications.notify(department=court.department, verb="assignment_pushed", title="Off site", url="https://evil.example/")
    theirs = notifications.notify(department=tax.department, verb="assignment_pushed", title="Tax", url="/admin/sanctions/")
    client.force_login(court)

    page = client.get(reverse("admin:credit_platform_notification_changelist")).content.decode()
    open_url = reverse("admin:credit_platform_notification_open", args=[mine.pk])

    # the title goes to the object; the unread mark is a word, not the boolean tick ("done")
    assert f'<a href="{open_url}">Case pushed</a>' in page
    assert '<span class="unread-mark">unread</span>' in page
    assert "icon-yes.svg" not in page and "icon-no.svg" not in page
    response = client.get(open_url)
    assert response.status_code == 302 and response["Location"] == "/admin/sanctions/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    # an address off this site is never followed; another department's notification stays unread
    response = client.get(reverse("admin:credit_platform_notification_open", args=[elsewhere.pk]))
    assert response["Location"] == reverse("admin:credit_platform_notification_change", args=[elsewhere.pk])
    client.get(reverse("admin:credit_platform_notification_open", args=[theirs.pk]))
    theirs.refresh_from_db()
    assert theirs.read_at is None
