"""The supervision models moved out of the core without losing anything: a database at the
migrations before the move (every app's leaf then: credit_platform 0008, no supervision), holding
dashboard rows, content types, permissions and audit events, migrates to the latest and keeps them.

The move is state-only, so going back and forth touches no table: the test writes the old rows
through the historical (credit_platform) models, then migrates forward and reads them through the
new ones.
"""
import datetime

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from guardian.models import GroupObjectPermission

from credit_platform import audit, demo
from sanctions import services as sanctions_services
from sanctions.models import Assignment
from supervision import tallies
from supervision.models import (
    AssignmentTally,
    CaseTally,
    Escalation,
    MonthlyReport,
    OpenWorkTally,
    ScorecardSnapshot,
    Urge,
)
from tests.sanctions.conftest import DemoWorld

MOVE = ("credit_platform", "0009_move_supervision_models")
MOVED = {
    "urge": Urge, "escalation": Escalation, "scorecardsnapshot": ScorecardSnapshot, "monthlyreport": MonthlyReport,
    "assignmenttally": AssignmentTally, "casetally": CaseTally, "openworktally": OpenWorkTally,
}
DAY = datetime.date(2026, 11, 17)

pytestmark = pytest.mark.django_db(transaction=True)


def _migrate(targets):
    """Migrate to ``targets``; the historical apps there."""
    executor = MigrationExecutor(connection)
    state = executor.migrate(targets)
    ContentType.objects.clear_cache()  # content types renamed under the process's cache
    return state.apps


def _before_the_move() -> list:
    """Today's leaf migrations before this change: the parent of the move in credit_platform, and no supervision."""
    graph = MigrationExecutor(connection).loader.graph
    return [*graph.node_map[MOVE].parents, ("supervision", None)]


def _latest() -> list:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _rows(model) -> list[tuple]:
    return sorted(model.objects.values_list(*[f.attname for f in model._meta.concrete_fields]))


def test_a_database_migrated_from_before_the_move_keeps_every_row_content_type_and_audit_stream(seeded_rule_sets):
    demo.seed()
    world = DemoWorld()
    case = world.pushed_case()  # the tallies' triggers write their rows
    assignment = Assignment.objects.filter(case=case).order_by("pk").first()
    leader, finance = world.user("leader"), world.department("finance")
    content_type_ids = {name: ContentType.objects.get_for_model(model).pk for name, model in MOVED.items()}

    try:
        # given a database at the migrations before the move ...
        old = _migrate(_before_the_move())
        OldContentType = old.get_model("contenttypes", "ContentType")
        assert not OldContentType.objects.filter(app_label="supervision").exists()
        assert {ct.model: ct.pk for ct in OldContentType.objects.filter(app_label="credit_platform", model__in=MOVED)} == content_type_ids

        # ... with dashboard rows written through the core's (historical) models
        urge = old.get_model("credit_platform", "Urge").objects.create(
            kind="assignment", assignment_id=assignment.pk, department_id=finance.pk, urged_by_id=leader.pk, urged_on=DAY, note="请今日办结",
        )
        escalation = old.get_model("credit_platform", "Escalation").objects.create(
            kind="assignment", object_id=assignment.pk, department_id=finance.pk, day=DAY, due_date=DAY - datetime.timedelta(days=6),
            overdue_working_days=4,
        )
        old.get_model("credit_platform", "ScorecardSnapshot").objects.create(day=DAY, department_id=finance.pk, received=3, live=2, overdue_now=1)
        report = old.get_model("credit_platform", "MonthlyReport").objects.create(
            month=datetime.date(2026, 10, 1), file="reports/supervision/2026/supervision-report-2026-10.xlsx",
            file_name="supervision-report-2026-10.xlsx", size=1234, sha256="a" * 64, headline={"pushes": 3}, generated_at=timezone.now(),
        )
        # their audit streams as the core named them
        old_events = [
            audit.record(obj=escalation, action="overdue_escalated", extra={"object_id": assignment.pk}),
            audit.record(obj=report, action="monthly_report_generated", actor=leader),
        ]
        assert [e.stream for e in old_events] == [f"credit_platform.escalation:{escalation.pk}", f"credit_platform.monthlyreport:{report.pk}"]
        # a model permission given to a department's group, and an object permission (guardian) on an urge
        view_urge = old.get_model("auth", "Permission").objects.get(content_type__app_label="credit_platform", codename="view_urge")
        finance.group.permissions.add(view_urge.pk)
        old.get_model("guardian", "GroupObjectPermission").objects.create(
            group_id=finance.group_id, permission_id=view_urge.pk, content_type_id=content_type_ids["urge"], object_pk=str(urge.pk),
        )
        before = {name: _rows(model) for name, model in MOVED.items()}
        assert all(before.values())  # a few rows in each moved table

        # when
        _migrate(_latest())
    finally:
        _migrate(_latest())  # whatever happened, leave the database at the latest migrations

    # then every row is there, read through the supervision models (same tables)
    assert {name: _rows(model) for name, model in MOVED.items()} == before
    assert Urge.objects.get().note == "请今日办结"
    # the content types moved in place: same ids, so permissions and guardian rows followed
    assert {name: ContentType.objects.get_for_model(model).pk for name, model in MOVED.items()} == content_type_ids
    assert set(ContentType.objects.filter(pk__in=content_type_ids.values()).values_list("app_label", flat=True)) == {"supervision"}
    assert not ContentType.objects.filter(app_label="credit_platform", model__in=MOVED).exists()
    assert Permission.objects.get(pk=view_urge.pk).content_type.app_label == "supervision"
    assert finance.group.permissions.filter(content_type__app_label="supervision", codename="view_urge").exists()
    assert GroupObjectPermission.objects.get(object_pk=str(urge.pk)).content_type.model_class() is Urge
    # the audit streams keep their names: the old events are the objects' history, new ones chain on
    escalation, report = Escalation.objects.get(), MonthlyReport.objects.get()
    assert [list(audit.history_for(obj)) for obj in (escalation, report)] == [[old_events[0]], [old_events[1]]]
    event = audit.record(obj=report, action="monthly_report_generated", actor=leader)
    assert (event.stream, event.seq, event.prev_hash) == (old_events[1].stream, 2, old_events[1].hash)
    assert audit.verify_stream(event.stream) is None
    # and the tallies' triggers still write into the moved tables
    assert tallies.verify() == {tallies.ASSIGNMENT_TALLY: 0, tallies.CASE_TALLY: 0, tallies.OPEN_WORK_TALLY: 0}
    with transaction.atomic():
        assert sanctions_services.assignment_urged(assignment=assignment) == 1
    assert sum(AssignmentTally.objects.values_list("times_urged", flat=True)) == 1
    assert tallies.verify() == {tallies.ASSIGNMENT_TALLY: 0, tallies.CASE_TALLY: 0, tallies.OPEN_WORK_TALLY: 0}
