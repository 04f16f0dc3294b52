"""Bulk lifting: many cases revoked (or ended when their period is over) by Celery batches, each
through case_revoke / case_end in its own transaction; idempotent, per-case permission, swept when
lost, over the API and the admin action."""
import datetime

import pytest
from django.utils import timezone

from credit_platform.models import AuditEvent
from sanctions import services, tasks
from sanctions.models import AssignmentState, BulkPushJob, CaseState, JointCase
from tests.sanctions.test_api_support import API, api  # noqa: F401 (fixture)

IDENTIFIERS = ["91620702MA55TH2835", "91620702MAUCCP508N", "91620702MAL23DL45K"]


@pytest.fixture
def pushed(world):
    return [world.pushed_case(subject=world.subject(i)) for i in IDENTIFIERS]


def _tax_case(world):
    case = services.case_create(
        actor=world.user("tax"), subject=world.company, kind="punishment", memorandum=world.memorandum("major-tax-violations"),
        basis="重大税收违法", period_start=datetime.date(2026, 11, 1), period_end=datetime.date(2027, 10, 31),
    )
    services.case_initiate(case=case, actor=world.user("tax"))
    return case


def _states(cases):
    return set(JointCase.objects.filter(pk__in=[c.pk for c in cases]).values_list("state", flat=True))


def test_api_bulk_lift_answers_202_revokes_each_case_and_skips_ended_ones(world, api, pushed, django_capture_on_commit_callbacks):
    court_user = world.user("court")
    services.case_revoke(case=pushed[0], actor=court_user, reason="撤销")  # already ended: skipped
    court = api("court")

    with django_capture_on_commit_callbacks(execute=True):
        response = court.post(f"{API}/cases/bulk-lift/", {"cases": [c.pk for c in pushed], "how": "revoked", "reason": "批量撤销"},
                              format="json")

    assert response.status_code == 202, response.json()
    body = response.json()
    job = BulkPushJob.objects.get()
    assert (body["kind"], body["how"], job.kind, job.reason) == ("lift", "revoked", "lift", "批量撤销")
    assert response["Location"] == body["status_url"] and body["status_url"].endswith(f"/api/v1/bulk-push-jobs/{job.pk}/")
    progress = court.get(body["status_url"]).json()
    assert (progress["state"], progress["pushed"], progress["skipped"], progress["failed"], progress["percent"]) == ("done", 2, 1, 0, 100)
    assert _states(pushed) == {CaseState.REVOKED}
    # Each case through the durable service: its measures go to lifting, its revocation audited with the reason.
    assert not pushed[1].assignments.exclude(state=AssignmentState.LIFTING).exists()
    assert JointCase.objects.get(pk=pushed[1].pk).end_reason == "批量撤销"
    assert AuditEvent.objects.filter(action="case_revoked", object_id__in=[str(c.pk) for c in pushed[1:]]).count() == 2
    assert AuditEvent.objects.filter(action="bulk_lift_requested", object_id=str(job.pk)).count() == 1


def test_a_batch_delivered_again_lifts_nothing_twice(world, pushed):
    court = world.user("court")
    job = services.bulk_lift_request(actor=court, case_ids=[c.pk for c in pushed], how="revoked", reason="重复")  # tasks wait for commit
    ids = sorted(c.pk for c in pushed)
    services.bulk_push_batch(job_id=job.pk, case_ids=ids)
    services.bulk_push_batch(job_id=job.pk, case_ids=ids)
    job.refresh_from_db()
    assert (job.state, job.pushed, job.skipped, job.errors) == (BulkPushJob.State.DONE, 3, 0, {})
    assert AuditEvent.objects.filter(action="case_revoked", object_id__in=[str(i) for i in ids]).count() == 3


def test_expired_ends_only_cases_whose_period_is_over(world, pushed, django_capture_on_commit_callbacks):
    over = pushed[0]
    JointCase.objects.filter(pk=over.pk).update(period_end=timezone.localdate() - datetime.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        job = services.bulk_lift_request(actor=world.user("court"), case_ids=[c.pk for c in pushed[:2]], how="expired", reason="期满")
    job.refresh_from_db()
    assert (job.pushed, set(job.errors)) == (1, {str(pushed[1].pk)})
    assert JointCase.objects.get(pk=over.pk).state == CaseState.EXPIRED
    assert JointCase.objects.get(pk=pushed[1].pk).state != CaseState.EXPIRED


@pytest.mark.parametrize(
    ("body", "field"),
    [({"how": "repaired", "reason": "x"}, "how"), ({"how": "revoked", "reason": " "}, "reason"), ({"how": "revoked"}, "reason")],
)
def test_bulk_lift_refuses_bad_requests(world, api, pushed, body, field):
    response = api("court").post(f"{API}/cases/bulk-lift/", {"cases": [pushed[0].pk], **body}, format="json")
    assert response.status_code == 400 and field in response.json()
    assert not BulkPushJob.objects.exists()


def test_actor_matrix(world, api, pushed):
    tax_case = _tax_case(world)
    body = {"how": "revoked", "reason": "批量撤销"}

    # Another initiating department: its cases are refused, listed as unknown, nothing queued.
    refused = api("court").post(f"{API}/cases/bulk-lift/", {"cases": [pushed[0].pk, tax_case.pk], **body}, format="json")
    assert refused.status_code == 400 and str(tax_case.pk) in str(refused.json()["cases"])
    assert str(pushed[0].pk) not in str(refused.json()["cases"])
    tax = api("tax").post(f"{API}/cases/bulk-lift/", {"cases": [pushed[0].pk], **body}, format="json")
    assert tax.status_code == 400
    # An executing department may not bulk-lift at all.
    assert api("finance").post(f"{API}/cases/bulk-lift/", {"cases": [pushed[0].pk], **body}, format="json").status_code == 403
    assert not BulkPushJob.objects.exists()
    # The credit office may lift any department's cases.
    office = api("credit_office").post(f"{API}/cases/bulk-lift/", {"cases": [pushed[0].pk, tax_case.pk], **body}, format="json")
    assert office.status_code == 202, office.json()
    assert api("tax").get(office.json()["status_url"]).status_code == 404


def test_a_lost_lifting_is_swept_and_completes(world, pushed, monkeypatch, django_capture_on_commit_callbacks):
    court = world.user("court")
    monkeypatch.setattr(services.periodic, "BULK_PUSH_BATCH", 2)
    with monkeypatch.context() as down:
        down.setattr(tasks.bulk_push_batch_task, "delay", lambda *a, **k: (_ for _ in ()).throw(ConnectionError("down")))
        with django_capture_on_commit_callbacks(execute=True):
            job = services.bulk_lift_request(actor=court, case_ids=[c.pk for c in pushed], how="revoked", reason="清理")
    assert _states(pushed) == {CaseState.PUSHED}
    BulkPushJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - datetime.timedelta(minutes=6))
    assert services.bulk_push_jobs_resume_stale() == {"resent": 1, "given_up": 0}
    job.refresh_from_db()
    assert (job.state, job.pushed, job.attempts) == (BulkPushJob.State.DONE, 3, 1)
    assert _states(pushed) == {CaseState.REVOKED}


def test_a_hopeless_lifting_lists_its_cases_as_not_lifted(world, pushed, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(tasks.bulk_push_batch_task, "delay", lambda *a, **k: (_ for _ in ()).throw(ConnectionError("down")))
    with django_capture_on_commit_callbacks(execute=True):
        job = services.bulk_lift_request(actor=world.user("court"), case_ids=[c.pk for c in pushed], how="revoked", reason="清理")
    BulkPushJob.objects.filter(pk=job.pk).update(attempts=5, heartbeat_at=timezone.now() - datetime.timedelta(minutes=30))
    assert services.bulk_push_jobs_resume_stale() == {"resent": 0, "given_up": 1}
    job.refresh_from_db()
    assert set(job.errors) == {str(c.pk) for c in pushed} and "Not lifted" in next(iter(job.errors.values()))


# --- the admin action ------------------------------------------------------------------------------

CASE_LIST = "/admin/sanctions/jointcase/"


def test_admin_action_asks_how_and_why_then_lifts(world, client, pushed, django_capture_on_commit_callbacks):
    client.force_login(world.user("court"))
    selected = {"action": "lift_selected", "_selected_action": [c.pk for c in pushed]}

    page = client.post(CASE_LIST, selected)
    assert page.status_code == 200 and 'name="reason"' in page.content.decode()
    assert not BulkPushJob.objects.exists()
    incomplete = client.post(CASE_LIST, {**selected, "apply": "1", "how": "revoked", "reason": ""})
    assert incomplete.status_code == 200 and not BulkPushJob.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CASE_LIST, {**selected, "apply": "1", "how": "revoked", "reason": "批量撤销"})

    job = BulkPushJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/admin/sanctions/bulkpushjob/{job.pk}/change/"
    job.refresh_from_db()
    assert (job.kind, job.state, job.pushed) == ("lift", "done", 3)
    assert _states(pushed) == {CaseState.REVOKED}
    assert "批量撤销" in client.get(response["Location"]).content.decode()


def test_admin_action_is_not_offered_to_executing_departments(world, client, pushed):
    client.force_login(world.user("finance"))
    assert "lift_selected" not in client.get(CASE_LIST).content.decode()
