"""The number of queries of the summary does not grow with the number of rows."""
from supervision import selectors


def test_query_count_does_not_grow_with_rows(world, django_assert_max_num_queries):
    import datetime

    from tests.dashboard.conftest import on_day

    scope = selectors.scope_for(user=world.user("leader"))
    with django_assert_max_num_queries(6) as empty:
        selectors.summary(scope)
    with on_day(datetime.date(2026, 11, 13)):
        for _ in range(3):
            world.pushed_case()
    with django_assert_max_num_queries(len(empty.captured_queries)):
        selectors.summary(scope)
