"""Work overdue by more than N working days is escalated once per item per day."""
import datetime

from credit_platform import audit
from credit_platform.models import AuditEvent, Department, Notification
from sanctions.models import Assignment
from supervision import services
from supervision.models import Escalation
from tests.dashboard.conftest import on_day

FRIDAY = datetime.date(2026, 11, 13)  # sign for by Monday the 16th


def _setup(world):
    Department.objects.filter(code="finance").update(parent=world.department("credit_office"))
    with on_day(FRIDAY):
        case = world.pushed_case()
    return Assignment.objects.get(case=case, department__code="finance", target=case.subject)


def test_cutoff_counts_working_days(db):
    # Overdue by more than 3 working days on Friday the 20th: due before Tuesday the 17th.
    assert services.escalation_cutoff(datetime.date(2026, 11, 20), 3) == datetime.date(2026, 11, 17)
    # Over a weekend: on Monday the 23rd the cutoff is Wednesday the 18th.
    assert services.escalation_cutoff(datetime.date(2026, 11, 23), 3) == datetime.date(2026, 11, 18)


def test_not_escalated_until_more_than_three_working_days_overdue(world):
    _setup(world)

    assert services.overdue_escalate(today=datetime.date(2026, 11, 19)) == 0  # 3 working days overdue
    assert not Escalation.objects.exists()


def test_escalation_tells_the_leadership_office_and_the_parent_department_once_a_day(world, settings, django_capture_on_commit_callbacks):
    assignment = _setup(world)
    day = datetime.date(2026, 11, 20)

    with django_capture_on_commit_callbacks(execute=True):
        escalated = services.overdue_escalate(today=day)
    with django_capture_on_commit_callbacks(execute=True):
        again = services.overdue_escalate(today=day)

    assert escalated == Assignment.objects.filter(case=assignment.case).count() and again == 0
    escalation = Escalation.objects.get(kind="assignment", object_id=assignment.pk)
    assert (escalation.day, escalation.due_date, escalation.overdue_working_days, escalation.department.code) == (
        day, datetime.date(2026, 11, 16), 4, "finance")
    leadership = Notification.objects.filter(verb="overdue_escalated", department__code="leadership_office")
    parent = Notification.objects.filter(verb="overdue_escalated", department__code="credit_office")
    assert leadership.count() == escalated  # one per item
    assert parent.count() == 1 and parent.get().url == f"/admin/sanctions/assignment/{assignment.pk}/change/"
    assert not Notification.objects.filter(verb="overdue_escalated", department__code="finance").exists()

    # The next working day it is escalated again, once.
    assert services.overdue_escalate(today=datetime.date(2026, 11, 23)) == escalated
    assert Escalation.objects.filter(kind="assignment", object_id=assignment.pk).count() == 2


def test_threshold_is_a_setting(world, settings):
    _setup(world)
    settings.DASHBOARD_ESCALATE_AFTER_WORKING_DAYS = 5

    assert services.overdue_escalate(today=datetime.date(2026, 11, 20)) == 0
    assert services.overdue_escalate(today=datetime.date(2026, 11, 24)) > 0  # 6 working days


def test_many_items_become_one_digest(world, settings, django_capture_on_commit_callbacks):
    _setup(world)
    settings.DASHBOARD_ESCALATION_DIGEST_OVER = 2

    with django_capture_on_commit_callbacks(execute=True):
        escalated = services.overdue_escalate(today=datetime.date(2026, 11, 20))

    assert escalated > 2
    digest = Notification.objects.get(verb="overdue_escalated", department__code="leadership_office")
    assert digest.url == "/dashboard/escalations/?day=2026-11-20"


def test_escalations_page(world, client):
    assignment = _setup(world)
    services.overdue_escalate(today=datetime.date(2026, 11, 20))

    client.force_login(world.user("leader"))
    leader = client.get("/dashboard/escalations/", {"day": "2026-11-20"})
    client.force_login(world.user("finance"))
    finance = client.get("/dashboard/escalations/")
    client.force_login(world.user("trading"))
    trading = client.get("/dashboard/escalations/")

    assert leader.context["page"].paginator.count == Escalation.objects.count()
    assert [row["e"].object_id for row in finance.context["rows"]] == [assignment.pk]
    assert all(row["e"].department.code == "trading" for row in trading.context["rows"])


def test_each_escalation_is_in_the_audit_trail_once(world):
    from credit_platform.models import AuditEvent

    _setup(world)
    day = datetime.date(2026, 11, 20)

    escalated = services.overdue_escalate(today=day)
    services.overdue_escalate(today=day)  # the same day again: nothing new, nothing recorded

    events = AuditEvent.objects.filter(action="overdue_escalated")
    assert escalated > 0 and events.count() == escalated
    assert set(events.values_list("object_id", flat=True)) == {str(pk) for pk in Escalation.objects.values_list("pk", flat=True)}
    first = events.order_by("pk").first()
    escalation = Escalation.objects.get(pk=first.object_id)
    assert first.extra["object_id"] == escalation.object_id and first.extra["overdue_working_days"] == 4


def test_a_long_scan_is_written_in_chunks_with_the_same_outcome(world, settings, django_capture_on_commit_callbacks):
    from credit_platform.models import AuditEvent

    _setup(world)
    settings.DASHBOARD_ESCALATION_DIGEST_OVER = 3

    with django_capture_on_commit_callbacks(execute=True):
        escalated = services.overdue_escalate(today=datetime.date(2026, 11, 20), chunk_size=2)

    assert escalated > 4  # more than two chunks
    assert Escalation.objects.count() == escalated
    assert AuditEvent.objects.filter(action="overdue_escalated").count() == escalated
    leadership = Notification.objects.filter(verb="overdue_escalated", department__code="leadership_office")
    assert leadership.count() == 1 and leadership.get().title.startswith(str(escalated))  # over the threshold: one digest
    assert Notification.objects.filter(verb="overdue_escalated", department__code="credit_office").count() == 1


def test_escalations_keep_the_stream_names_they_had_in_the_core(world):
    """Escalation moved from credit_platform to supervision; audit streams are append-only, so new
    escalations still open ``credit_platform.escalation:<pk>`` streams (the bulk path as ``record``)."""
    _setup(world)
    services.overdue_escalate(today=datetime.date(2026, 11, 20))

    streams = set(AuditEvent.objects.filter(action="overdue_escalated").values_list("stream", flat=True))
    assert streams == {f"credit_platform.escalation:{pk}" for pk in Escalation.objects.values_list("pk", flat=True)}
    escalation = Escalation.objects.order_by("pk").first()
    assert [e.action for e in audit.history_for(escalation)] == ["overdue_escalated"]
