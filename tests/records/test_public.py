"""The public 双公示 query (/credit/records/ and GET /api/v1/public/records/): published licensing and
penalty records of public types, persons masked, minors, drafts and other types never shown, the
query never in a URL in clear."""
import datetime

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from credit_platform import services as platform_services
from credit_platform.models import SubjectKind
from records import services
from tests.factories import make_citizen_id

PAGE = "/credit/records/"
API = "/api/v1/public/records/"
WANG = "620702197804128519"  # 王建国, adult
MINOR = make_citizen_id(7, birth=datetime.date(2012, 5, 1), division="620702")


@pytest.fixture
def published(world):
    cache.clear()  # the page's per-address limit lives in the cache
    minor = platform_services.subject_create(kind=SubjectKind.NATURAL_PERSON, identifier=MINOR, name="钱小明")
    wang = world.subject(WANG)
    return {
        "penalty": world.penalty(publish=True),
        "licence": world.licence(publish=True),
        "draft": world.penalty(decision_number="甘示市监处罚〔2026〕16号"),
        "person": world.penalty(subject=wang, decision_number="甘示市监处罚〔2026〕17号", publish=True),
        "minor": world.penalty(subject=minor, decision_number="甘示市监处罚〔2026〕18号", publish=True),
        "abnormal": services.record_create(
            actor=world.user("market"), subject=world.food_company, record_type=world.type("abnormal-operations"),
            decision_number="甘示市监异〔2026〕3号", decided_on=datetime.date(2026, 11, 20), content={"listing_reason": "未按时公示年报"}, publish=True,
        ),
        "tax": services.record_create(
            actor=world.user("tax"), subject=world.food_company, record_type=world.type("tax-arrears"), decision_number="甘示税通〔2026〕8号",
            decided_on=datetime.date(2026, 11, 20), content={"tax_category": "增值税", "tax_amount": "5"}, consent_reference="授权", publish=True,
        ),
    }


def api_rows(q):
    response = APIClient().get(API, {"q": q})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_published_licensing_and_penalty_records_are_found_by_name(world, published):
    rows = api_rows("绿洲食品")

    assert sorted(row["decision_number"] for row in rows) == sorted([published["penalty"].decision_number, published["licence"].decision_number])
    penalty = next(row for row in rows if row["kind"] == "penalty")
    assert (penalty["kind_label"], penalty["severity_label"], penalty["department"]) == ("行政处罚", "一般", "区市场监督管理局")
    assert {"label": "处罚内容", "value": "警告，罚款人民币五万元"} in penalty["content"]


def test_persons_are_masked_and_minors_never_shown(world, published):
    rows = api_rows(WANG)

    assert len(rows) == 1
    assert rows[0]["name"] == "王**" and rows[0]["identifier"] == "620702********8519"
    assert rows[0]["content"] == []
    assert api_rows(MINOR) == [] and api_rows("钱小明") == []


def test_the_page_takes_the_query_by_post_and_pages_with_a_signed_token(world, published, client):
    page = client.get(PAGE)
    assert page.status_code == 200 and 'method="post"' in page.content.decode()

    response = client.post(PAGE, {"q": "绿洲食品"})

    html = response.content.decode()
    assert response.status_code == 200
    assert published["penalty"].decision_number in html and published["licence"].decision_number in html
    assert published["draft"].decision_number not in html and "甘示市监异" not in html and "甘示税通" not in html
    assert "绿洲食品" not in response.request.get("QUERY_STRING", "")
    assert "双公示查询" in client.get("/credit/").content.decode()  # the site's header links the query


def test_the_page_masks_persons(world, published, client):
    html = client.post(PAGE, {"q": WANG}).content.decode()
    results = html.split('class="results"', 1)[1]  # the box above holds the query its searcher typed

    assert "王**" in results and WANG not in results and "王建国" not in html
    assert html.count(WANG) == 1


def test_a_removed_or_ended_record_leaves_the_query(world, published):
    services.record_remove(record=published["licence"], actor=world.user("market"), reason="revoked")

    assert [row["kind"] for row in api_rows("绿洲食品")] == ["penalty"]


def test_the_api_refuses_a_short_query_and_does_not_echo_it(world, published):
    assert APIClient().get(API, {"q": "绿"}).status_code == 400
    response = APIClient().get(API, {"q": "示范区", "page_size": 1})
    assert response.status_code == 200
    assert "q=" not in (response.json()["next"] or "") and "t=" in response.json()["next"]


def test_the_query_stays_in_the_box_escaped(world, published, client):
    html = client.post(PAGE, {"q": "绿洲<b>食品"}).content.decode()

    assert 'value="绿洲&lt;b&gt;食品"' in html and "绿洲<b>食品" not in html
