"""The trigger-kept tallies (supervision/tallies.py) give exactly the figures an
aggregate of the tables gives, whatever wrote the tables, and can be checked and rebuilt."""
import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F
from django.test.utils import override_settings
from django.utils import timezone

from sanctions.models import Assignment, JointCase
from supervision import selectors, tallies
from supervision.models import AssignmentTally, CaseTally

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the tallies are PostgreSQL triggers")


CLEAN = {tallies.ASSIGNMENT_TALLY: 0, tallies.CASE_TALLY: 0, tallies.OPEN_WORK_TALLY: 0}


def _figures(scope):
    return {
        "scorecard": selectors.scorecard(scope),
        "initiators": selectors.initiators(scope),
        "breakdown": selectors.case_breakdown(scope),
        "months": selectors.cases_by_month(scope),
        "summary_departments": selectors.summary(scope)["departments"],
    }


def _from_tables(scope):
    with override_settings(DASHBOARD_TALLIES=False):
        return _figures(scope)


def test_the_tallies_are_in_use_on_postgresql():
    assert tallies.enabled()
    with override_settings(DASHBOARD_TALLIES=False):
        assert not tallies.enabled()


def test_after_a_simulated_period_the_tallies_equal_the_tables(simulated):
    assert AssignmentTally.objects.exists() and CaseTally.objects.exists()
    assert tallies.verify() == CLEAN


@pytest.mark.parametrize("username", ["leader", "credit_office", "market", "finance", "court"])
@pytest.mark.parametrize("filters", [
    {},
    {"date_from": datetime.date.today() - datetime.timedelta(days=20), "date_to": datetime.date.today()},
    {"region": "6207"},
    {"department": "market"},
])
def test_every_figure_from_the_tallies_equals_the_aggregate_of_the_tables(simulated, username, filters):
    scope = selectors.scope_for(user=simulated.user(username), filters=selectors.Filters(**filters))

    from_tallies = _figures(scope)

    assert from_tallies == _from_tables(scope)


def test_folding_the_deltas_changes_no_figure_and_shrinks_the_tally(simulated):
    scope = selectors.scope_for(user=simulated.user("leader"))
    before, rows_before = _figures(scope), AssignmentTally.objects.count()

    tallies.compact()

    assert AssignmentTally.objects.count() < rows_before
    assert _figures(scope) == before
    assert tallies.verify() == CLEAN


def test_a_write_outside_the_services_moves_the_figures_too(simulated):
    """A bulk update (as an objection's hold does) fires the trigger like a service's save."""
    scope = selectors.scope_for(user=simulated.user("leader"))
    assignment = Assignment.objects.order_by("pk").first()
    before = selectors.scorecard(scope)["totals"]["times_urged"]

    Assignment.objects.filter(pk=assignment.pk).update(urge_count=F("urge_count") + 2)

    assert selectors.scorecard(scope)["totals"]["times_urged"] == before + 2
    assert tallies.verify() == CLEAN


def test_a_push_moves_the_received_count_of_its_department_at_once(world):
    finance = world.department("finance")
    scope = selectors.scope_for(user=world.user("leader"))
    row_of = lambda card: next((r for r in card["rows"] if r["code"] == "finance"), {"received": 0})  # noqa: E731
    before = row_of(selectors.scorecard(scope))["received"]

    case = world.pushed_case()

    pushed_to_finance = case.assignments.filter(department=finance).count()
    assert pushed_to_finance
    assert row_of(selectors.scorecard(scope))["received"] == before + pushed_to_finance
    assert selectors.case_breakdown(scope)["by_state"][case.state] >= 1


def test_a_case_opened_just_after_local_midnight_counts_on_that_local_day(world):
    case = world.defaulter_case()
    local_midnight = timezone.make_aware(datetime.datetime(2026, 3, 2, 0, 30))  # 2026-03-01 16:30 UTC
    JointCase.objects.filter(pk=case.pk).update(created_at=local_midnight)
    day = datetime.date(2026, 3, 2)
    scope = selectors.scope_for(user=world.user("leader"), filters=selectors.Filters(date_from=day, date_to=day))

    breakdown = selectors.case_breakdown(scope)

    assert breakdown["total"] == 1
    assert breakdown == _from_tables(scope)["breakdown"]
    assert [m["month"] for m in selectors.cases_by_month(scope) if m["opened"]] == ["2026-03"]


def test_a_damaged_tally_is_found_and_rebuilt(simulated):
    AssignmentTally.objects.filter(pk__in=AssignmentTally.objects.order_by("pk").values("pk")[:3]).delete()
    CaseTally.objects.filter(pk=CaseTally.objects.order_by("pk").values("pk")[:1]).update(n=F("n") + 5)

    with pytest.raises(CommandError, match="differ"):
        call_command("dashboard_tallies", stdout=open("/dev/null", "w"))

    call_command("dashboard_tallies", "--rebuild", stdout=open("/dev/null", "w"))

    assert tallies.verify() == CLEAN
    scope = selectors.scope_for(user=simulated.user("leader"))
    assert _figures(scope) == _from_tables(scope)


@pytest.mark.parametrize("username", ["leader", "market", "finance"])
def test_every_list_length_read_from_the_tallies_equals_the_rows_counted(simulated, username):
    scope = selectors.scope_for(user=simulated.user(username))
    month = selectors.cases_by_month(selectors.scope_for(user=simulated.user("leader")))[-2]["month"]
    lists = [
        *({"kind": kind, "figure": figure} for kind in ("assignments", "initiator_assignments")
          for figure in [*selectors.TALLY_ASSIGNMENT_MEASURES, *selectors.TALLY_OPEN_WORK_FIGURES]),
        *({"kind": "cases", "figure": figure} for figure in ["", *selectors.CASE_FIGURES]),
        {"kind": "cases", "state": "executing"}, {"kind": "cases", "case_kind": "punishment"},
        {"kind": "cases", "domain": "judicial"},
        *({"kind": "cases", "event": event, "month": month} for event in selectors.MONTH_EVENTS),
    ]
    counted = 0

    for params in lists:
        expected = selectors.drilldown(scope, **params).count()
        assert selectors.drilldown_count(scope, **params) == expected, params
        counted += expected

    assert counted > 0


def test_a_list_the_tallies_do_not_hold_is_counted_row_by_row(simulated):
    scope = selectors.scope_for(user=simulated.user("leader"))

    assert selectors.drilldown_count(scope, kind="assignments", figure="suspended") is None
    assert selectors.drilldown_count(scope, kind="assignments", figure="received", state="pending") is None
    assert selectors.drilldown_count(scope, kind="objections", figure="open") is None


def test_the_installed_triggers_are_those_of_the_module():
    """The migration froze tallies.py's SQL. When this fails, the module changed: write a migration
    that installs the new SQL (and alters the tables), and compare with that migration here."""
    import importlib

    migration = importlib.import_module("credit_platform.migrations.0006_dashboard_tallies")

    assert migration.INSTALL == [statement.strip() for statement in tallies.install_sql()]
    assert migration.UNINSTALL == [statement.strip() for statement in tallies.uninstall_sql()]


def test_the_weekly_check_rebuilds_drifted_tallies_and_tells_the_credit_office(simulated, django_capture_on_commit_callbacks):
    from supervision import services
    from credit_platform.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        clean = services.tallies_check()
    assert clean == CLEAN and not Notification.objects.filter(verb="dashboard_tallies_corrected").exists()

    CaseTally.objects.filter(pk=CaseTally.objects.order_by("pk").values("pk")[:1]).update(n=F("n") + 3)  # as a restore might leave it
    with django_capture_on_commit_callbacks(execute=True):
        drifted = services.tallies_check()

    assert drifted[tallies.CASE_TALLY] > 0
    assert tallies.verify() == CLEAN
    told = Notification.objects.filter(verb="dashboard_tallies_corrected")
    assert {n.department.code for n in told} == {"credit_office"}
