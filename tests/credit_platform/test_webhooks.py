"""Outgoing webhooks: outbox rows in the notifying transaction, signed POSTs, retries, sweep."""
import datetime
import http.server
import json
import threading

import pytest
from django.db import transaction
from django.utils import timezone

from credit_platform import notifications, webhooks
from credit_platform.models import WebhookAttempt, WebhookDelivery
from credit_platform.tasks import deliver_webhook_task, webhooks_sweep_task
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

SECRET = "s3cret-for-tests"


class Receiver:
    """A tiny HTTP server on 127.0.0.1 that records what it is sent and answers ``status``."""

    def __init__(self):
        self.requests = []
        self.status = 200
        self.on_request = None  # called while the request is being answered
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                if receiver.on_request is not None:
                    receiver.on_request()
                self.send_response(receiver.status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    with Receiver() as server:
        yield server


@pytest.fixture
def hooked(receiver):
    return DepartmentFactory(webhook_url=receiver.url, webhook_secret=SECRET)


def test_a_committed_notification_is_posted_signed(hooked, receiver, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify_on_commit(department=hooked, verb="assignment_pushed", title="Case pushed to you", url="/cases/1/")
        delivery = WebhookDelivery.objects.get()
        assert receiver.requests == []  # nothing leaves before the commit

    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    headers = request["headers"]
    assert request["path"] == "/hook"
    assert headers["X-Credit-Event"] == "assignment_pushed"
    assert headers["X-Credit-Delivery"] == str(delivery.pk)
    assert webhooks.verify_signature(SECRET, headers["X-Credit-Timestamp"], request["body"], headers["X-Credit-Signature"])
    assert not webhooks.verify_signature("wrong", headers["X-Credit-Timestamp"], request["body"], headers["X-Credit-Signature"])
    assert not webhooks.verify_signature(SECRET, headers["X-Credit-Timestamp"], request["body"] + b" ", headers["X-Credit-Signature"])
    payload = json.loads(request["body"])
    assert payload["verb"] == "assignment_pushed" and payload["title"] == "Case pushed to you" and payload["url"] == "/cases/1/"
    assert payload["department"] == hooked.code
    assert datetime.datetime.fromisoformat(payload["created_at"])

    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)
    assert delivery.delivered_at is not None
    assert WebhookAttempt.objects.get().status_code == 200


def test_an_old_or_malformed_signature_does_not_verify():
    body = b'{"verb":"x"}'
    now = int(timezone.now().timestamp())
    assert webhooks.verify_signature(SECRET, now, body, webhooks.sign(SECRET, now, body))
    old = now - 301
    assert not webhooks.verify_signature(SECRET, old, body, webhooks.sign(SECRET, old, body))
    assert not webhooks.verify_signature(SECRET, "not-a-number", body, webhooks.sign(SECRET, now, body))
    assert not webhooks.verify_signature(SECRET, now, body, "")


def test_a_rolled_back_transaction_leaves_no_outbox_row_and_sends_nothing(hooked, receiver, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            notifications.notify_on_commit(department=hooked, verb="assignment_pushed", title="Case pushed to you")
            assert WebhookDelivery.objects.exists()
            raise RuntimeError

    assert callbacks == []
    assert not WebhookDelivery.objects.exists()
    assert receiver.requests == []


def test_a_500_schedules_a_retry_later_and_records_the_attempt(hooked, receiver, django_capture_on_commit_callbacks):
    receiver.status = 500
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify_on_commit(department=hooked, verb="assignments_overdue", title="Overdue")

    delivery = WebhookDelivery.objects.get()
    assert len(receiver.requests) == 1  # the eager retry task found the row not yet due
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    assert delivery.next_attempt_at > before + datetime.timedelta(seconds=20)
    attempt = WebhookAttempt.objects.get()
    assert (attempt.delivery, attempt.status_code) == (delivery, 500)
    assert "500" in attempt.error

    # Not due yet: neither the task nor the sweep sends it again.
    assert deliver_webhook_task(delivery.pk) is None
    assert webhooks_sweep_task() == 0
    assert len(receiver.requests) == 1

    # Due again and the receiver is back: delivered on the second attempt.
    receiver.status = 200
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))
    assert webhooks_sweep_task() == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("delivered", 2)
    assert WebhookAttempt.objects.filter(delivery=delivery).count() == 2


def test_the_delivery_fails_for_good_after_the_last_attempt(hooked, receiver):
    receiver.status = 500
    delivery = WebhookDelivery.objects.create(
        department=hooked, event="assignments_overdue", payload={"verb": "assignments_overdue"}, next_attempt_at=timezone.now(),
        attempts=webhooks.MAX_ATTEMPTS - 1,
    )
    assert webhooks.deliver(delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.next_attempt_at) == ("failed", webhooks.MAX_ATTEMPTS, None)
    assert webhooks.deliver(delivery.pk) is None
    assert len(receiver.requests) == 1


def test_the_backoff_is_exponential():
    assert [webhooks.backoff(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]


def test_the_sweep_delivers_a_pending_row_whose_task_never_ran(hooked, receiver, django_capture_on_commit_callbacks):
    # The broker was down at commit: the on-commit callbacks never ran.
    with django_capture_on_commit_callbacks(execute=False):
        notifications.notify_many_on_commit([{"department_id": hooked.pk, "verb": "assignments_overdue", "title": "Overdue"}])
    assert receiver.requests == []
    delivery = WebhookDelivery.objects.get()

    assert webhooks_sweep_task() == 1

    assert len(receiver.requests) == 1
    delivery.refresh_from_db()
    assert delivery.state == "delivered"
    assert webhooks_sweep_task() == 0


def test_a_department_without_webhook_url_gets_no_outbox_row(hooked, receiver, django_capture_on_commit_callbacks):
    plain = DepartmentFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify_on_commit(department=plain, verb="assignment_pushed", title="Case pushed to you")
        notifications.notify_many_on_commit(
            [{"department": plain, "verb": "assignments_overdue", "title": "A"}, {"department": hooked, "verb": "assignments_overdue", "title": "B"}]
        )

    assert list(WebhookDelivery.objects.values_list("department", "payload__title")) == [(hooked.pk, "B")]
    assert len(receiver.requests) == 1


def test_notify_many_finds_the_hooked_departments_in_one_query(hooked, django_capture_on_commit_callbacks, django_assert_num_queries):
    plain = DepartmentFactory()
    items = [{"department": d, "verb": "assignments_overdue", "title": f"Overdue {n}"} for n, d in enumerate([hooked, plain, hooked])]
    with django_capture_on_commit_callbacks():
        with django_assert_num_queries(2):  # which departments have a webhook; the outbox INSERT
            notifications.notify_many_on_commit(items)
    assert WebhookDelivery.objects.filter(department=hooked).count() == 2


def test_running_the_delivery_twice_sends_once(hooked, receiver, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        notifications.notify_on_commit(department=hooked, verb="assignment_pushed", title="Case pushed to you")
    delivery = WebhookDelivery.objects.get()

    assert deliver_webhook_task(delivery.pk) == "delivered"
    assert deliver_webhook_task(delivery.pk) is None

    assert len(receiver.requests) == 1
    assert WebhookAttempt.objects.filter(delivery=delivery).count() == 1


def test_the_admin_is_read_only_and_for_the_credit_office(hooked, client, dept_user):
    from django.urls import reverse

    delivery = WebhookDelivery.objects.create(department=hooked, event="assignments_overdue", payload={"verb": "assignments_overdue"})
    WebhookAttempt.objects.create(delivery=delivery, at=timezone.now(), status_code=500, error="HTTP 500")
    office = dept_user(department=DepartmentFactory(credit_office=True), is_staff=True)
    other = dept_user(is_staff=True)

    client.force_login(office)
    for url in (
        reverse("admin:credit_platform_webhookdelivery_changelist"),
        reverse("admin:credit_platform_webhookdelivery_change", args=[delivery.pk]),
        reverse("admin:credit_platform_webhookattempt_changelist"),
    ):
        assert client.get(url).status_code == 200
    assert client.get(reverse("admin:credit_platform_webhookdelivery_add")).status_code == 403

    client.force_login(other)
    assert client.get(reverse("admin:credit_platform_webhookdelivery_changelist")).status_code == 403


def test_a_department_without_a_secret_never_gets_an_unsigned_post(receiver, django_capture_on_commit_callbacks):
    unsigned = DepartmentFactory(webhook_url=receiver.url, webhook_secret="")
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify_on_commit(department=unsigned, verb="assignment_pushed", title="Case pushed to you")
    assert receiver.requests == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == "failed" and "secret" in delivery.last_error


@pytest.mark.django_db(transaction=True)
def test_no_row_lock_or_transaction_is_held_during_the_http_call(receiver, seeded_rule_sets):
    """While the receiver is answering, another connection can lock the delivery row at once, and
    sees it claimed (not due again before the call's timeout); afterwards it is delivered."""
    from django.db import connections

    department = DepartmentFactory(webhook_url=receiver.url, webhook_secret=SECRET)
    delivery = WebhookDelivery.objects.create(
        department=department, event="assignment_pushed", payload={"verb": "assignment_pushed"}, next_attempt_at=timezone.now(),
    )
    seen = {}

    def look_from_another_connection():
        try:
            with transaction.atomic():
                row = WebhookDelivery.objects.select_for_update(nowait=True).get(pk=delivery.pk)
                seen["claimed_until"] = row.next_attempt_at
        except Exception as exc:  # noqa: BLE001 - the test reports what happened
            seen["error"] = repr(exc)
        finally:
            connections.close_all()

    def answer_after_looking():
        looker = threading.Thread(target=look_from_another_connection)
        looker.start()
        looker.join(10)

    receiver.on_request = answer_after_looking

    state = webhooks.deliver(delivery.pk)

    assert "error" not in seen, seen
    assert seen["claimed_until"] > timezone.now() + datetime.timedelta(seconds=webhooks.TIMEOUT_SECONDS)
    assert state == WebhookDelivery.State.DELIVERED
    assert WebhookDelivery.objects.get(pk=delivery.pk).next_attempt_at is None


def test_a_claimed_delivery_is_not_taken_by_another_worker(hooked, receiver):
    delivery = WebhookDelivery.objects.create(
        department=hooked, event="assignment_pushed", payload={}, next_attempt_at=timezone.now(),
    )
    claimed = webhooks._claim(delivery.pk)

    assert claimed is not None
    assert webhooks.deliver(delivery.pk) is None  # a second worker (or a redelivered task) skips it
    assert webhooks.sweep() == 0
    assert receiver.requests == []
