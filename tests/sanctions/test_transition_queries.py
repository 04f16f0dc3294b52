"""Queries per workflow transition over the API (issue 18): what the locks, the audit chain heads and
the side effects need, not one query more per push row. Counts, never times (timings: bench/).

Each transition is measured on a second case after a first one warmed the per-process caches (the
permission ids, the calendar, content types), as a running server has them. The bounds leave room
for one outbox row per transition (outgoing events)."""
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sanctions.models import Assignment, Measure
from tests.sanctions.test_api_support import API, OTHER_COMPANIES, api, feedback_items  # noqa: F401 (fixture)

# Measured 2026-12-01 (session authentication, so no token lookup): 11, 22 (a push to 10 rows), 16, 17;
# before issue 18's cuts, in the bench (token authentication: one query more each): 16, 53, 20, 20 (one audit
# chain head and one department read per push row, a second access check, the grant asked once per listed move).
BOUNDS = {"initiate": 12, "push": 23, "acknowledge": 17, "feedback": 18}


def _lifecycle(world, api, subject, measures=None) -> dict:
    """Initiate, push, sign for and feed back one push of a new case; the queries of each move."""
    court = api("court")
    case = world.defaulter_case(subject=subject, measures=measures)
    counts = {}

    def measured(name, client, url, body=None):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, body, format="json") if body is not None else client.post(url)
        assert response.status_code == 200, response.content
        counts[name] = len(queries)
        return response.json()

    measured("initiate", court, f"{API}/cases/{case.pk}/initiate/")
    pushed = measured("push", court, f"{API}/cases/{case.pk}/push/")
    counts["pushes"] = len(pushed["assignments"])
    first = Assignment.objects.filter(case=case).select_related("department").order_by("pk").first()
    department = api(first.department.code)
    signed = measured("acknowledge", department, f"{API}/assignments/{first.pk}/acknowledge/")
    measured("feedback", department, f"{API}/assignments/{first.pk}/feedback/", {"items": feedback_items(signed)})
    return counts


def test_each_transition_stays_within_its_query_budget(world, api):
    _lifecycle(world, api, world.subject(OTHER_COMPANIES[0]))  # warms the per-process caches
    counts = _lifecycle(world, api, world.subject(OTHER_COMPANIES[1]))
    assert counts["pushes"] >= 5
    over = {name: (counts[name], bound) for name, bound in BOUNDS.items() if counts[name] > bound}
    assert not over, f"queries over budget (got, bound): {over}; all: {counts}"


def test_a_push_costs_the_same_queries_whatever_its_number_of_rows(world, api):
    """The push rows, their permission rows, their audit events and notifications go in bulk: a case
    with two measures costs the queries of one with every measure of its memorandum."""
    _lifecycle(world, api, world.subject(OTHER_COMPANIES[2]))
    small = _lifecycle(world, api, world.subject(OTHER_COMPANIES[3]), measures=list(Measure.objects.filter(code__in=["P-FIN-01", "P-CRD-01"])))
    large = _lifecycle(world, api, world.company)
    assert small["pushes"] <= 3 < large["pushes"], (small, large)
    assert large["push"] - small["push"] <= 1, (small, large)
