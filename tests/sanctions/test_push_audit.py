"""A push audits its rows in one event on the case's stream naming each row with its hash (issue 18:
fan-out), and each row's history still starts with it."""
from credit_platform import audit
from credit_platform.models import AuditEvent
from sanctions.models import Assignment
from tests.sanctions.test_api_support import API, OTHER_COMPANIES, api, feedback_items  # noqa: F401 (fixture)


def test_a_push_names_its_rows_in_one_event_and_each_row_history_shows_it(world, api):
    court = api("court")
    case = world.defaulter_case(subject=world.subject(OTHER_COMPANIES[0]))
    assert court.post(f"{API}/cases/{case.pk}/initiate/").status_code == 200
    assert court.post(f"{API}/cases/{case.pk}/push/").status_code == 200

    rows = list(Assignment.objects.filter(case=case).select_related("department").order_by("pk"))
    (created,) = AuditEvent.objects.filter(stream=audit.stream_for(case), action="assignment_created")
    assert created.extra["chunk_streams"] == [audit.stream_for(a) for a in rows] and len(rows) >= 2
    assert AuditEvent.objects.filter(stream=audit.stream_for(case)).order_by("-seq").first().action == "case_pushed"
    first = rows[0]
    assert list(audit.history_for(first)) == [created]
    signed = api(first.department.code).post(f"{API}/assignments/{first.pk}/acknowledge/")
    assert signed.status_code == 200
    assert [e.action for e in audit.history_for(first)] == ["assignment_created", "assignment_acknowledged"]
    assert audit.verify_all() is None
