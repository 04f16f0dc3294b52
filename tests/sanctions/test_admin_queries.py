"""The admin lists make a bounded number of queries whatever the number of rows."""
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sanctions import services
from sanctions.models import Assignment


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def push_cases(world, n):
    return [world.pushed_case() for _ in range(n)]


def test_case_list_queries_do_not_grow_with_rows(world, client, django_assert_max_num_queries):
    push_cases(world, 3)
    client.force_login(world.user("court"))
    few = queries_for(client, "/admin/sanctions/jointcase/")

    push_cases(world, 9)
    with django_assert_max_num_queries(few):
        page = client.get("/admin/sanctions/jointcase/").content.decode()
    assert page.count('<th class="field-number">') == 12


def test_inbox_queries_do_not_grow_with_rows(world, client, django_assert_max_num_queries):
    push_cases(world, 3)
    client.force_login(world.user("finance"))
    few = queries_for(client, "/admin/sanctions/assignment/")

    push_cases(world, 9)
    with django_assert_max_num_queries(few):
        page = client.get("/admin/sanctions/assignment/").content.decode()
    assert page.count('<th class="field-case_number">') == 12


def test_initiators_list_of_pushes_queries_do_not_grow_with_rows(world, client, django_assert_max_num_queries):
    push_cases(world, 1)
    client.force_login(world.user("court"))
    few = queries_for(client, "/admin/sanctions/assignment/")

    push_cases(world, 3)
    with django_assert_max_num_queries(few):
        assert client.get("/admin/sanctions/assignment/").status_code == 200


def test_case_page_queries_do_not_grow_with_feedback(world, client, django_assert_max_num_queries):
    case = world.pushed_case()
    client.force_login(world.user("court"))
    url = f"/admin/sanctions/jointcase/{case.pk}/change/"
    before = queries_for(client, url)

    for assignment in Assignment.objects.filter(case=case).select_related("department"):
        actor = world.user(assignment.department.code)
        services.assignment_acknowledge(assignment=assignment, actor=actor)
        if assignment.state != "fed_back":
            items = [services.FeedbackItem(measure=m, outcome="applied") for m in assignment.measures.all()]
            services.assignment_feedback(assignment=assignment, actor=actor, items=items)
    with django_assert_max_num_queries(before):
        assert client.get(url).status_code == 200
