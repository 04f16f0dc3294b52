"""督办 of several items at once from a drill-down: ticked rows, one note, one request, one service
call per item; and the list fits the screen (fewer columns, long names cut with a tooltip)."""
import re

from sanctions.models import Assignment
from supervision.models import Urge
from tests.dashboard.conftest import on_day
from tests.dashboard.test_urge import TUESDAY, overdue  # noqa: F401 - the fixture

LIST = "/dashboard/list/?kind=assignments&figure=overdue_now"


def test_the_leader_urges_every_ticked_item_in_one_request(world, overdue, client):  # noqa: F811
    others = list(Assignment.objects.filter(case=overdue.case).exclude(pk=overdue.pk).values_list("pk", flat=True)[:2])
    client.force_login(world.user("leader"))

    with on_day(TUESDAY):
        page = client.get(LIST).content.decode()
        response = client.post("/dashboard/urge/", {"kind": "assignment", "item": [overdue.pk, *others], "note": "请尽快签收",
                                                    "next": LIST}, follow=True)

    ticks = re.findall(r'<input type="checkbox" name="item" value="(\d+)" form="urge-many"', page)
    assert str(overdue.pk) in ticks and 'id="urge-many"' in page
    assert Urge.objects.filter(assignment_id__in=[overdue.pk, *others], note="请尽快签收").count() == 1 + len(others)
    assert f"Urged {1 + len(others)} items" in response.content.decode()


def test_nothing_ticked_is_said_so(world, overdue, client):  # noqa: F811
    client.force_login(world.user("leader"))

    with on_day(TUESDAY):
        response = client.post("/dashboard/urge/", {"kind": "assignment", "next": LIST}, follow=True)

    assert "Tick the items to urge first." in response.content.decode()
    assert not Urge.objects.exists()


def test_the_drilldown_page_leaves_the_detail_columns_to_the_excel_file(world, overdue, client):  # noqa: F811
    client.force_login(world.user("leader"))

    with on_day(TUESDAY):
        page = client.get(LIST).content.decode()

    assert "Working days suspended" not in page and "Working days to sign for" not in page
    assert 'class="truncate" title="' in page  # the target's long name, cut, in full in the tooltip
