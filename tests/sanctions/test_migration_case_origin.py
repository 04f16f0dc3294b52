"""Migration 0007: from a database where a case's list entry is a foreign key, every case keeps its
entry's id, gets its severity (the entry's; for a case opened by hand, the default of its kind), and
the foreign-key constraint to lists is gone (the column and its index stay)."""
import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from credit_platform import demo
from sanctions import services
from sanctions.models import JointCase
from tests.lists.conftest import ListWorld

BEFORE = [("sanctions", "0006_assignment_open_work_index")]


def _migrate(targets=None):
    """To ``targets``, or (None) to the latest migrations of every app."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())


def _foreign_keys_to_lists() -> list[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "sanctions_jointcase")
    return [name for name, c in constraints.items() if c["foreign_key"] and c["foreign_key"][0] == "lists_listentry"]


def _indexed_columns() -> list[list[str]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "sanctions_jointcase")
    return [c["columns"] for c in constraints.values() if c["index"]]


@pytest.mark.django_db(transaction=True)
def test_cases_keep_their_entry_and_get_a_severity(seeded_rule_sets):
    demo.seed()
    world = ListWorld()
    entry = world.published(severity="general")
    from_entry = JointCase.objects.get(list_entry_id=entry.pk)
    by_hand = services.case_create(
        actor=world.user("court"), subject=world.company, kind="punishment", memorandum=world.memorandum("judgement-defaulters"),
        basis="判决", period_start=datetime.date(2026, 11, 1), period_end=datetime.date(2027, 1, 31), severity="minor",
    )
    reward = services.case_create(
        actor=world.user("tax"), subject=world.company, kind="reward", memorandum=world.memorandum("a-grade-taxpayers"),
        basis="A级纳税人", period_start=datetime.date(2026, 11, 1), period_end=datetime.date(2027, 10, 31),
    )

    _migrate(BEFORE)
    try:
        assert _foreign_keys_to_lists()  # the schema of before: a foreign key, no severity
        with connection.cursor() as cursor:
            cursor.execute("SELECT list_entry_id FROM sanctions_jointcase ORDER BY id")
            before = [row[0] for row in cursor.fetchall()]
    finally:
        _migrate()

    rows = {case.pk: (case.list_entry_id, case.severity) for case in JointCase.objects.all()}
    assert rows == {from_entry.pk: (entry.pk, "general"), by_hand.pk: (None, "severe"), reward.pk: (None, "")}
    assert before == [entry.pk, None, None]
    assert not _foreign_keys_to_lists()
    assert ["list_entry_id"] in _indexed_columns()
