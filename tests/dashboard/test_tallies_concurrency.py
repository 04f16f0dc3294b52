"""Writers of the pushes never wait for each other on the dashboard tallies (append-only triggers)."""
import threading

import pytest
from django.db import connection, connections, transaction
from django.db.models import F

from credit_platform.models import Subject
from sanctions.models import Assignment
from supervision import tallies
from supervision.models import AssignmentTally

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the tallies are PostgreSQL triggers")


@pytest.mark.django_db(transaction=True)
def test_two_departments_feeding_back_at_once_do_not_wait_for_each_other(seeded_rule_sets):
    """The triggers only append: a writer never waits for another writer's tally row, even on the
    same key (same departments, same day)."""
    from credit_platform import demo
    from tests.sanctions.conftest import DemoWorld

    demo.seed()
    world = DemoWorld()
    other = Subject.objects.exclude(pk=world.company.pk).filter(kind=world.company.kind).order_by("pk").first()
    first, second = world.pushed_case(), world.pushed_case(subject=other)
    a1 = first.assignments.filter(department__in=second.assignments.values("department")).order_by("pk").first()
    a2 = second.assignments.get(department=a1.department, target_role=a1.target_role)
    urged_before = sum(AssignmentTally.objects.values_list("times_urged", flat=True))
    started, release, outcome = threading.Event(), threading.Event(), {}

    def hold_an_open_transaction():
        try:
            with transaction.atomic():
                Assignment.objects.filter(pk=a1.pk).update(urge_count=F("urge_count") + 1)
                started.set()
                release.wait(10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_an_open_transaction)
    holder.start()
    try:
        assert started.wait(10)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '2s'")
            Assignment.objects.filter(pk=a2.pk).update(urge_count=F("urge_count") + 1)
            outcome["second"] = "committed"
    finally:
        release.set()
        holder.join(10)

    assert outcome == {"second": "committed"}
    assert not any(tallies.verify().values())
    assert sum(AssignmentTally.objects.values_list("times_urged", flat=True)) == urged_before + 2
