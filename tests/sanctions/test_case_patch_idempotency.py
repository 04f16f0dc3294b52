"""``Idempotency-Key`` on ``PATCH /api/v1/cases/{id}/``: a repeated correction is replayed, not redone."""
from rest_framework.test import APIClient

from credit_platform.models import AuditEvent, IdempotencyRecord


def test_patch_with_a_key_is_replayed_and_edits_once(world):
    case = world.defaulter_case()
    client = APIClient()
    client.force_authenticate(world.user("court"))
    url = f"/api/v1/cases/{case.pk}/"

    first = client.patch(url, {"period_end": "2028-10-31"}, format="json", HTTP_IDEMPOTENCY_KEY="edit-1")
    events = AuditEvent.objects.count()
    again = client.patch(url, {"period_end": "2028-10-31"}, format="json", HTTP_IDEMPOTENCY_KEY="edit-1")
    other = client.patch(url, {"period_end": "2028-09-30"}, format="json", HTTP_IDEMPOTENCY_KEY="edit-1")

    assert first.status_code == again.status_code == 200, first.content
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert other.status_code == 422
    assert "different request" in other.json()["detail"]
    assert AuditEvent.objects.count() == events
    assert IdempotencyRecord.objects.get().method == "PATCH"
    case.refresh_from_db()
    assert str(case.period_end) == "2028-10-31"
