"""Migration lists 0005: existing red entries (proposed with a severity and dishonesty periods) get
their validity (decision date + their rule set's red_valid_months, 24), lose the severity and the
periods, and the reward cases opened from them lose the severity they had copied; black entries
and other cases are left as they were."""
import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from credit_platform import demo
from credit_platform.rules import add_months, entry_periods, rule_set_in_force
from lists.models import ListEntry
from sanctions.models import JointCase
from tests.lists.conftest import ListWorld

BEFORE = [("lists", "0004_import_batch_cases_opening")]


def _executor() -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor


@pytest.mark.django_db(transaction=True)
def test_existing_red_entries_get_their_validity_and_lose_their_severity(seeded_rule_sets):
    demo.seed()
    world = ListWorld()
    decided = datetime.date(2026, 5, 10)
    rule_set = rule_set_in_force(decided)
    minimum, maximum = entry_periods(rule_set, "general", decided)
    executor = _executor()
    executor.migrate(BEFORE)
    try:
        # The schema of before: every entry had a severity and both periods.
        OldEntry = executor.loader.project_state(BEFORE).apps.get_model("lists", "ListEntry")
        common = dict(subject_id=world.company.pk, domain="tax", basis="纳税信用A级", decided_on=decided, rule_set_id=rule_set.pk,
                      repair_possible_from=minimum, publication_ends_on=maximum, state="published", severity="general")
        red = OldEntry.objects.create(list_type="red", decision_number="A-2026-01", identifying_department_id=world.department("tax").pk, **common)
        black = OldEntry.objects.create(list_type="black", decision_number="（2026）甘0702执1号",
                                        identifying_department_id=world.department("court").pk, **{**common, "domain": "judicial"})
        cases = {}
        for entry, kind, memorandum, department in [(red, "reward", "a-grade-taxpayers", "tax"), (black, "punishment", "judgement-defaulters", "court")]:
            cases[entry.pk] = JointCase.objects.create(
                number=f"T-{entry.pk}", kind=kind, subject=world.company, list_entry_id=entry.pk, severity="general", basis="依据",
                memorandum=world.memorandum(memorandum), initiating_department=world.department(department), created_by=world.user(department),
                rule_set=rule_set, period_start=decided, period_end=maximum,
            )
    finally:
        _executor().migrate(_executor().loader.graph.leaf_nodes())

    red, black = ListEntry.objects.get(pk=red.pk), ListEntry.objects.get(pk=black.pk)
    assert (red.severity, red.repair_possible_from, red.publication_ends_on) == ("", None, None)
    assert red.valid_until == add_months(decided, 24) == datetime.date(2028, 5, 10)
    assert (black.severity, black.repair_possible_from, black.publication_ends_on, black.valid_until) == ("general", minimum, maximum, None)
    assert JointCase.objects.get(list_entry_id=red.pk).severity == ""
    assert JointCase.objects.get(list_entry_id=black.pk).severity == "general"
