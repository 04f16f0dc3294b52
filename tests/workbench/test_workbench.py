"""The workbench (待办): the admin's start page and GET /api/v1/workbench/, from the outside.

After the court pushes a case, each executing department that received a push finds it under
待签收 on its start page, one click from the filtered inbox; other departments do not; the credit
office and the leadership office see the district's totals; overdue work is counted and comes first.
"""
import datetime
import re

import pytest
from django.utils import timezone

from credit_platform import workbench
from objections import services as objection_services
from objections.models import Objection
from repair import services as repair_services
from sanctions import services as case_services
from sanctions.models import Assignment, AssignmentState, JointCase
from tests.repair.documents import documents

INDEX = "/admin/"
API = "/api/v1/workbench/"


def task_items(page: str) -> dict[str, dict]:
    """The 待办 panel's tasks: ``{code: {"label", "count", "overdue", "url", "overdue_url"}}``."""
    panel = page.split('id="workbench"', 1)[1].split("</ul>", 1)[0]
    tasks = {}
    items = re.findall(r'<li class="workbench-task[^"]*" data-task="([a-z_]+)" data-count="(\d+)" data-overdue="(\d+)">(.*?)</li>', panel, re.S)
    for code, count, overdue, body in items:
        overdue_url = re.search(r'class="workbench-overdue" href="([^"]+)"', body)
        tasks[code] = {
            "label": re.search(r'<span class="workbench-label">([^<]+)</span>', body).group(1),
            "count": int(count),
            "overdue": int(overdue),
            "url": re.search(r'class="workbench-open" href="([^"]+)"', body).group(1).replace("&amp;", "&"),
            "overdue_url": overdue_url.group(1).replace("&amp;", "&") if overdue_url else "",
        }
    return tasks


def task_order(page: str) -> list[str]:
    return re.findall(r'data-task="([a-z_]+)"', page.split('id="workbench"', 1)[1].split("</ul>", 1)[0])


def listed_assignments(page: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'href="/admin/sanctions/assignment/(\d+)/change/', page)}


def api_tasks(api, username) -> dict[str, dict]:
    response = api(username).get(API)
    assert response.status_code == 200
    return {task["code"]: task for task in response.json()["tasks"]}


def push_of(case, code) -> Assignment:
    return case.assignments.get(department__code=code, target=case.subject)


def pending_pushes() -> int:
    return Assignment.objects.filter(state=AssignmentState.PENDING).count()


# --- The admin's start page ----------------------------------------------------------------------


def test_finance_finds_the_push_to_sign_for_on_its_start_page_one_click_from_it(world, client):
    case = world.pushed_case()
    push = push_of(case, "finance")
    client.force_login(world.user("finance"))

    page = client.get(INDEX, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    tasks = task_items(page)
    assert tasks["sign_for"]["label"] == "待签收"
    assert (tasks["sign_for"]["count"], tasks["sign_for"]["overdue"]) == (1, 0)
    assert tasks["feed_back"]["label"] == "待反馈" and tasks["feed_back"]["count"] == 0
    assert tasks["confirm_lift"]["label"] == "待确认解除"
    # finance neither initiates nor identifies: no cases to push, no objections or repairs to decide
    assert set(tasks) == {"sign_for", "feed_back", "confirm_lift"}
    assert "待办" in page and "已办" in page
    # the app list stays below the panel
    assert page.index('id="workbench"') < page.index('class="app-cases')

    listed = client.get(tasks["sign_for"]["url"], HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert listed.status_code == 200
    assert listed_assignments(listed.content.decode()) == {push.pk}


def test_a_department_without_the_push_sees_nothing_to_sign_for(world, client):
    world.pushed_case()
    client.force_login(world.user("tax"))  # initiates and executes, but the memorandum names no tax measure

    tasks = task_items(client.get(INDEX).content.decode())

    assert tasks["sign_for"]["count"] == 0
    assert 'workbench-idle" data-task="sign_for"' in client.get(INDEX).content.decode()  # shown quietly
    assert listed_assignments(client.get(tasks["sign_for"]["url"]).content.decode()) == set()


def test_signing_for_moves_the_push_to_feed_back(world, client):
    case = world.pushed_case()
    push = push_of(case, "finance")
    case_services.assignment_acknowledge(assignment=push, actor=world.user("finance"))
    client.force_login(world.user("finance"))

    tasks = task_items(client.get(INDEX).content.decode())

    assert (tasks["sign_for"]["count"], tasks["feed_back"]["count"]) == (0, 1)
    assert listed_assignments(client.get(tasks["feed_back"]["url"]).content.decode()) == {push.pk}


def test_overdue_work_is_counted_highlighted_and_comes_first(world, client):
    case = world.pushed_case()
    push = push_of(case, "finance")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Assignment.objects.filter(pk=push.pk).update(sign_for_due=yesterday)
    case_services.assignment_acknowledge(assignment=push_of(case, "trading"), actor=world.user("trading"))
    client.force_login(world.user("finance"))

    page = client.get(INDEX).content.decode()

    tasks = task_items(page)
    assert (tasks["sign_for"]["count"], tasks["sign_for"]["overdue"]) == (1, 1)
    assert "workbench-has-overdue" in page and "1 overdue" in page
    assert task_order(page)[0] == "sign_for"
    assert listed_assignments(client.get(tasks["sign_for"]["overdue_url"]).content.decode()) == {push.pk}

    # overdue first, before the tasks ordered ahead of it (待签收 stands before 待反馈)
    Assignment.objects.filter(pk=push.pk).update(sign_for_due=timezone.localdate() + datetime.timedelta(days=3))
    case_services.assignment_acknowledge(assignment=push, actor=world.user("finance"))
    Assignment.objects.filter(pk=push.pk).update(feedback_due=yesterday)
    assert task_order(client.get(INDEX).content.decode()) == ["feed_back", "sign_for", "confirm_lift"]


@pytest.mark.parametrize("username", ["leader", "credit_office"])
def test_the_leader_and_the_credit_office_see_the_district_totals(world, client, username):
    first = world.pushed_case()
    world.pushed_case(subject=world.subject(world.company.identifier))  # a second case on the same subject
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Assignment.objects.filter(pk=push_of(first, "trading").pk).update(sign_for_due=yesterday)
    assert pending_pushes() > 2
    client.force_login(world.user(username))

    tasks = task_items(client.get(INDEX).content.decode())

    assert (tasks["sign_for"]["count"], tasks["sign_for"]["overdue"]) == (pending_pushes(), 1)
    assert {"sign_for", "feed_back", "confirm_lift", "objections", "repairs", "entries_to_publish", "cases_to_push"} <= set(tasks)
    listed = listed_assignments(client.get(tasks["sign_for"]["url"]).content.decode())
    assert push_of(first, "finance").pk in listed and push_of(first, "trading").pk in listed


def test_anonymous_is_sent_to_the_login_page(client):
    response = client.get(INDEX)

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_english_is_available(world, client):
    world.pushed_case()
    client.force_login(world.user("finance"))

    page = client.get(INDEX, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert task_items(page)["sign_for"]["label"] == "To sign for"
    assert "To do" in page and "Done lately" in page


# --- The other apps' tasks -------------------------------------------------------------------


def test_the_identifying_department_has_entries_to_publish_then_a_case_to_push(world, client):
    entry = world.notified()
    client.force_login(world.user("court"))

    tasks = task_items(client.get(INDEX).content.decode())
    assert tasks["entries_to_publish"]["count"] == 1
    assert f"/admin/lists/listentry/{entry.pk}/change/" in client.get(tasks["entries_to_publish"]["url"]).content.decode()
    assert tasks["cases_to_push"]["count"] == 0

    world.published(decision_number="（2026）甘0702执124号")  # publishing opens the case, initiated
    tasks = task_items(client.get(INDEX).content.decode())
    assert tasks["cases_to_push"]["count"] == 1
    case = JointCase.objects.get(state="initiated")
    assert f"/admin/sanctions/jointcase/{case.pk}/change/" in client.get(tasks["cases_to_push"]["url"]).content.decode()

    # another identifying department: nothing of the court's
    client.force_login(world.user("tax"))
    tasks = task_items(client.get(INDEX).content.decode())
    assert (tasks["entries_to_publish"]["count"], tasks["cases_to_push"]["count"]) == (0, 0)


def test_an_entry_past_its_publication_date_is_overdue(world, client):
    entry = world.notified()
    type(entry).objects.filter(pk=entry.pk).update(publication_due=timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(world.user("court"))

    tasks = task_items(client.get(INDEX).content.decode())

    assert (tasks["entries_to_publish"]["count"], tasks["entries_to_publish"]["overdue"]) == (1, 1)
    assert f"/admin/lists/listentry/{entry.pk}/change/" in client.get(tasks["entries_to_publish"]["overdue_url"]).content.decode()


def test_the_information_provider_has_the_objection_and_the_repair_to_handle(world, client):
    entry = world.published(decided_on=datetime.date.today() - datetime.timedelta(days=400))
    objection = objection_services.objection_file(
        subject=entry.subject, list_entry=entry, grounds="判决已于2026年10月履行完毕", contact="0936-1234567", channel=Objection.Channel.PUBLIC,
    )
    application = repair_services.repair_apply(
        entry=entry, actor=world.user("court"), evidence="已全部履行判决义务", commitment_signed=True, contact="13900000000",
        documents=documents(),
    )
    client.force_login(world.user("court"))

    tasks = task_items(client.get(INDEX).content.decode())

    assert tasks["objections"]["count"] == 1 and tasks["repairs"]["count"] == 1
    assert f"/admin/objections/objection/{objection.pk}/change/" in client.get(tasks["objections"]["url"]).content.decode()
    assert f"/admin/repair/repairapplication/{application.pk}/change/" in client.get(tasks["repairs"]["url"]).content.decode()

    client.force_login(world.user("tax"))
    tasks = task_items(client.get(INDEX).content.decode())
    assert (tasks["objections"]["count"], tasks["repairs"]["count"]) == (0, 0)

    client.force_login(world.user("leader"))
    tasks = task_items(client.get(INDEX).content.decode())
    assert (tasks["objections"]["count"], tasks["repairs"]["count"]) == (1, 1)


# --- 已办 ---------------------------------------------------------------------------------------


def test_done_lists_the_departments_latest_actions_with_links_it_may_open(world, client):
    case = world.pushed_case()
    push = push_of(case, "finance")
    case_services.assignment_acknowledge(assignment=push, actor=world.user("finance"))
    client.force_login(world.user("finance"))

    page = client.get(INDEX, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    done = page.split('id="workbench-done"', 1)[1]

    assert f'href="/admin/sanctions/assignment/{push.pk}/change/"' in done
    assert "签收" in done

    # the court's own actions, not finance's; the court opens its case
    client.force_login(world.user("court"))
    done = client.get(INDEX).content.decode().split('id="workbench-done"', 1)[1]
    assert f'href="/admin/sanctions/jointcase/{case.pk}/change/"' in done
    assert f"/admin/sanctions/assignment/{push.pk}/change/" not in done

    client.force_login(world.user("tax"))
    done = client.get(INDEX).content.decode().split('id="workbench-done"', 1)[1]
    assert "/admin/sanctions/" not in done


# --- The API ------------------------------------------------------------------------------------


def test_the_api_answers_the_same_figures_as_the_page(world, client, api):
    case = world.pushed_case()
    Assignment.objects.filter(pk=push_of(case, "finance").pk).update(sign_for_due=timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(world.user("finance"))
    page_tasks = task_items(client.get(INDEX).content.decode())

    response = api("finance").get(API)

    assert response.status_code == 200
    tasks = response.json()["tasks"]
    assert [task["code"] for task in tasks] == ["sign_for", "feed_back", "confirm_lift"]
    assert set(tasks[0]) == {"code", "label", "count", "overdue", "url"}
    for task in tasks:
        assert (task["count"], task["overdue"], task["url"]) == (
            page_tasks[task["code"]]["count"], page_tasks[task["code"]]["overdue"], page_tasks[task["code"]]["url"],
        )
    assert (tasks[0]["count"], tasks[0]["overdue"]) == (1, 1)
    assert api_tasks(api, "trading")["sign_for"]["count"] == 1
    assert api_tasks(api, "tax")["sign_for"]["count"] == 0
    assert api_tasks(api, "leader")["sign_for"]["count"] == pending_pushes()


def test_the_api_labels_follow_the_language(world, api):
    response = api("finance").get(API, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert {task["code"]: task["label"] for task in response.json()["tasks"]}["sign_for"] == "待签收"


def test_the_api_refuses_anonymous_callers(world, api):
    assert api(None).get(API).status_code == 401


def test_the_api_is_in_the_schema(db, client):
    schema = client.get("/api/schema/", {"format": "json"}).json()

    operation = schema["paths"]["/api/v1/workbench/"]["get"]
    assert {"200", "401"} <= set(operation["responses"])


# --- Cost ---------------------------------------------------------------------------------------


def _more_work(world):
    """More pushes, entries, cases and events of every kind: the query count must not follow."""
    for n in range(3):
        case = world.pushed_case()
        case_services.assignment_acknowledge(assignment=push_of(case, "finance"), actor=world.user("finance"))
        world.notified(decision_number=f"（2026）甘0702执2{n}号")


@pytest.mark.parametrize("username", ["finance", "court", "leader"])
def test_the_start_page_and_the_api_cost_a_bounded_number_of_queries(world, client, api, username, django_assert_max_num_queries):
    # session, user, permissions, department, unread notifications; one per task; the recent
    # events; one per kind of object among them (which of them the user may open)
    world.pushed_case()
    client.force_login(world.user(username))
    client.get(INDEX)  # warm the per-process caches (permission ids, content types)
    with django_assert_max_num_queries(20):
        assert client.get(INDEX).status_code == 200
    with django_assert_max_num_queries(12):
        assert api(username).get(API).status_code == 200

    _more_work(world)
    with django_assert_max_num_queries(20):
        assert client.get(INDEX).status_code == 200
    with django_assert_max_num_queries(12):
        assert api(username).get(API).status_code == 200


def test_the_tasks_cost_one_query_each(world, django_assert_num_queries):
    world.pushed_case()
    leader = world.user("leader")
    workbench.tasks_for(leader)  # warm the per-process caches (permission ids)

    with django_assert_num_queries(len(workbench.registered_tasks())):
        tasks = workbench.tasks_for(leader)

    assert len(tasks) == len(workbench.registered_tasks())


# --- The registry -------------------------------------------------------------------------------


def test_only_the_stable_codes_are_registered():
    with pytest.raises(ValueError, match="Unknown workbench task code"):
        workbench.register_task("sign-for", "x", lambda user, today: None, order=1)

    assert {task.code for task in workbench.registered_tasks()} == {
        "sign_for", "feed_back", "confirm_lift", "objections", "repairs", "entries_to_publish", "records_to_publish", "cases_to_push",
        "complaints",
    }
