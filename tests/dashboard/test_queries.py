"""Figures are aggregate queries: a bounded number of them, whatever the number of rows."""
import pytest

from supervision import selectors

PAGES = ["/dashboard/", "/dashboard/scorecard/", "/dashboard/initiators/", "/dashboard/objections-repairs/",
         "/dashboard/list/?kind=assignments&figure=received"]


@pytest.mark.parametrize("username", ["leader", "finance"])
def test_summary_is_six_queries(simulated, django_assert_max_num_queries, username):
    scope = selectors.scope_for(user=simulated.user(username))

    with django_assert_max_num_queries(6):
        selectors.summary(scope)


def test_figure_groups_are_one_query_each(simulated, django_assert_num_queries):
    scope = selectors.scope_for(user=simulated.user("leader"))

    with django_assert_num_queries(1):
        selectors.case_breakdown(scope)
    with django_assert_num_queries(4):
        selectors.cases_by_month(scope)
    with django_assert_num_queries(3):  # push tally, open work (overdue now), departments
        selectors.scorecard(scope)
    with django_assert_num_queries(4):  # case tally, push tally, open work, departments
        selectors.initiators(scope)
    with django_assert_num_queries(7):
        selectors.objections_and_repairs(scope)


@pytest.mark.parametrize("url", PAGES)
def test_pages_make_a_bounded_number_of_queries(simulated, client, django_assert_max_num_queries, url):
    client.force_login(simulated.user("leader"))
    client.get(url)  # warm the per-process caches (content types, calendar snapshot)

    with django_assert_max_num_queries(30):
        client.get(url)
