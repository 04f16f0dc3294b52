"""待公示 (records_to_publish): the department's licensing and penalty drafts with a 双公示 date, overdue ones apart."""
from django.utils import timezone

from credit_platform.workbench import tasks_for
from tests.records.conftest import days_ago


def figures(user, code="records_to_publish"):
    return {task.code: task for task in tasks_for(user)}.get(code)


def test_the_department_counts_its_drafts_to_publish_and_the_overdue_ones(world, client):
    world.penalty(decided_on=days_ago(30))  # overdue
    world.licence(decided_on=timezone.localdate())  # due in 7 working days
    world.penalty(severity="minor", decision_number="M-2")  # never due: not counted
    world.licence(decision_number="L-9", publish=True)  # published: done
    world.penalty(actor="tax", decision_number="T-1", decided_on=days_ago(30))  # another department's

    market = figures(world.user("market"))
    office = figures(world.user("credit_office"))

    assert (market.count, market.overdue) == (2, 1)
    assert (office.count, office.overdue) == (3, 2)
    assert figures(world.user("court")) is None  # provides no licensing or penalty type
    client.force_login(world.user("market"))
    listed = client.get(market.url).context["cl"].result_list
    assert len(listed) == 2
    assert len(client.get(market.overdue_url).context["cl"].result_list) == 1
