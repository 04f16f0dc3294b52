"""应查必查 on the dashboard: /dashboard/checks/, its drill-down, export and API
(GET /api/v1/dashboard/checks/): checks, hits, hits fed back and green-channel answers per checking
department and month, each number the length of the list it opens."""
import io
import re

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from checks.models import CreditCheckLog
from credit_platform import identifiers
from supervision import selectors
from tests.checks.test_credit_check import CHECK, entry, world  # noqa: F401 (fixtures)
from tests.factories import make_uscc
from tests.sanctions.test_api_support import COMPANY, OTHER_COMPANIES, REPRESENTATIVE, api  # noqa: F401 (fixture)

API_URL = "/api/v1/dashboard/checks/"
CHECKS_LINK = re.compile(r'<a href="(/dashboard/checks/list/\?[^"]+)">(\d+)</a>')


def department_row(data, code):
    return next((row for row in data["departments"] if row["code"] == code), None)


def run_checks(api):
    """finance: a hit (fed back), a green-channel company and an unknown one; trading: one hit; market: a person."""
    hit = api("finance").get(CHECK, {"identifier": COMPANY}).json()
    api("finance").post(f"{CHECK}{hit['check_id']}/feedback/", {"measure_applied": True}, format="json")
    api("finance").get(CHECK, {"identifier": OTHER_COMPANIES[0]})
    api("finance").get(CHECK, {"identifier": make_uscc(4242, "620702")})
    api("trading").get(CHECK, {"identifier": COMPANY})
    api("market").get(CHECK, {"identifier": REPRESENTATIVE, "purpose": "市场准入审批"})


def test_the_check_count_of_finance_grows_with_a_check(api, world, entry):
    before = department_row(api("finance").get(API_URL).json(), "finance")
    assert before is None
    api("finance").get(CHECK, {"identifier": COMPANY})
    after = department_row(api("finance").get(API_URL).json(), "finance")
    assert (after["checks"], after["hits"], after["fed_back"]) == (1, 1, 0)
    api("finance").get(CHECK, {"identifier": OTHER_COMPANIES[0]})
    assert department_row(api("finance").get(API_URL).json(), "finance")["checks"] == 2


def test_the_leader_sees_every_department_by_month_and_a_department_its_own(api, world, entry):
    run_checks(api)
    data = api("leader").get(API_URL).json()
    finance = department_row(data, "finance")
    assert {k: finance[k] for k in selectors.CHECK_COLUMNS} == {"checks": 3, "hits": 1, "fed_back": 1, "green_channel": 1}
    assert finance["feedback_rate"] == 100.0 and finance["name"] == world.user("finance").department.display_name
    month = timezone.localdate().strftime("%Y-%m")
    assert [(r["code"], r["month"], r["checks"]) for r in data["rows"] if r["code"] == "finance"] == [("finance", month, 3)]
    assert data["totals"]["checks"] == 5 and data["totals"]["hits"] == 3  # the person: market's measure on him
    own = api("trading").get(API_URL).json()
    assert [r["code"] for r in own["departments"]] == ["trading"] and own["totals"]["checks"] == 1


def test_the_api_refuses_anonymous_and_bad_filters(api, world):
    assert api(None).get(API_URL).status_code == 401
    assert api("leader").get(API_URL, {"from": "yesterday"}).status_code == 400


def test_each_figure_opens_the_list_it_counts_and_persons_are_masked(api, world, entry, client):
    run_checks(api)
    client.force_login(world.user("leader"))
    page = client.get("/dashboard/checks/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'href="/dashboard/checks/' in html  # in the dashboard's navigation
    links = [(url.replace("&amp;", "&"), int(n)) for url, n in CHECKS_LINK.findall(html)]
    assert links
    for url, number in links:
        listed = client.get(url).content.decode()
        assert int(re.search(r'data-total="(\d+)"', listed).group(1)) == number, url
        assert len(re.findall(r'<tr class="item"', listed)) == number, url
    market_list = client.get("/dashboard/checks/list/?department=market").content.decode()
    assert REPRESENTATIVE not in market_list and identifiers.mask_identifier(REPRESENTATIVE) in market_list
    assert client.get("/dashboard/checks/list/?figure=nonsense").status_code == 404
    assert client.get("/dashboard/checks/list/?month=2026-13").status_code == 404


def test_a_department_sees_only_its_own_checks_on_the_page_and_the_list(api, world, entry, client):
    run_checks(api)
    client.force_login(world.user("trading"))
    listed = client.get("/dashboard/checks/list/").content.decode()
    assert 'data-total="1"' in listed
    assert client.get("/dashboard/checks/list/?department=finance").content.decode().count('<tr class="item"') == 0


def test_the_export_holds_the_figures_and_the_list(api, world, entry, client):
    run_checks(api)
    client.force_login(world.user("leader"))
    response = client.get("/dashboard/checks/?export=xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    values = [cell for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row]
    assert world.user("finance").department.display_name in values and 3 in values
    listed = openpyxl.load_workbook(io.BytesIO(client.get("/dashboard/checks/list/?export=xlsx&figure=hits").content))
    rows = list(listed.worksheets[0].iter_rows(values_only=True))
    assert sum(1 for row in rows if COMPANY in row) == 2


@pytest.mark.parametrize("checks", [3, 30])
def test_the_figures_take_the_same_queries_whatever_the_number_of_checks(api, world, checks):
    CreditCheckLog.objects.bulk_create([
        CreditCheckLog(identifier=COMPANY, department=world.user(code).department, hit=n % 2 == 0, green_channel=n % 3 == 0)
        for n in range(checks) for code in ("finance", "trading", "market")
    ])
    scope = selectors.scope_for(user=world.user("leader"))
    with CaptureQueriesContext(connection) as queries:
        table = selectors.checks_table(scope)
    assert table["totals"]["checks"] == 3 * checks
    assert len(queries) == 2  # the aggregate, the departments' names
