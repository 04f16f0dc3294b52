"""The public credit website (/credit/) and GET /api/v1/public/list-entries/: masked, published red/black only."""
import base64
import datetime
import html
import re
import urllib.parse

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from credit_platform import services as platform_services
from credit_platform.models import Subject, SubjectKind
from lists import importing, public
from lists import services as list_services
from tests.factories import make_citizen_id, make_uscc
from tests.lists.test_import import csv_bytes, row, upload

PAGE = "/credit/"
API = "/api/v1/public/list-entries/"
COMPANY = "91620702MAQJWYL7XF"  # 示范区金川建筑工程有限公司
TRADING = "91620702MA55TH2835"  # 示范区祁连商贸有限公司
WANG = "620702197804128519"  # 王建国, adult, black, published
ZHANG = "620702196901079769"  # 张丽华, adult, black, suspended (objection being verified)
LIU = "620702199106307519"  # 刘伟, watch list only
CHEN = "620702197302180456"  # 陈志强, proposed only
YANG = "620702198808151390"  # 杨洋, withdrawn only
ZHAO = "620702196209112753"  # 赵德明, removed only
MINOR = make_citizen_id(1, birth=datetime.date(2012, 5, 1), division="620702")
MINOR_NAME = "钱小明"


@pytest.fixture
def listed(world):
    """One subject in each situation the public site must handle."""
    cache.clear()  # the page's per-address limit lives in the cache
    platform_services.subject_create(kind=SubjectKind.NATURAL_PERSON, identifier=MINOR, name=MINOR_NAME)

    def number(n):
        return f"（2026）甘0702执{900 + n}号"

    world.published(subject=world.company, decision_number=number(1))
    world.published(subject=world.subject(WANG), decision_number=number(2))
    suspended = world.published(subject=world.subject(ZHANG), decision_number=number(3))
    list_services.entry_suspend(entry=suspended, actor=world.user("credit_office"), reason="异议受理")
    world.published(subject=world.subject(MINOR), decision_number=number(4))
    world.published(subject=world.subject(LIU), list_type="watch", severity="general", decision_number=number(5))
    world.propose(subject=world.subject(CHEN), decision_number=number(6))
    notified = world.notified(subject=world.subject(YANG), decision_number=number(7))
    list_services.entry_withdraw(entry=notified, actor=world.user("court"), reason="申辩成立")
    removed = world.published(subject=world.subject(ZHAO), decision_number=number(8))
    list_services.entry_remove(entry=removed, actor=world.user("court"), reason="revoked")
    world.published(subject=world.subject(TRADING), list_type="red", domain="tax", actor="tax",
                    decision_number="A-2026-7")
    return world


def persons():
    return list(Subject.objects.filter(kind=SubjectKind.NATURAL_PERSON).values_list("identifier", "name"))


def assert_nothing_personal(body: str):
    """No person's identifier in full, and no person's full name, anywhere in the body (an
    organisation's credit code is public in full, as on 信用中国)."""
    for identifier, name in persons():
        assert identifier not in body, identifier
        assert name not in body, name


SEARCH_BOX = re.compile(r'(<input id="q" [^>]*value=")([^"]*)(")')


def page(client, q):
    """The page of a search; what the person typed goes back in the box only."""
    response = client.get(PAGE, {"q": q})
    body = response.content.decode()
    box = SEARCH_BOX.search(body)
    assert box and html.unescape(box.group(2)) == q.strip()
    assert_nothing_personal(SEARCH_BOX.sub(r"\1\3", body))
    return response, body


def api_search(q):
    response = APIClient().get(API, {"q": q})
    assert_nothing_personal(response.content.decode())
    return response


QUERIES = [COMPANY, TRADING, WANG, ZHANG, LIU, CHEN, YANG, ZHAO, MINOR, "示范区", "王建国", "张丽华", "刘伟", "陈志强", "杨洋", "赵德明",
           MINOR_NAME, "王建", "6207021978", WANG.lower()]


@pytest.mark.parametrize("q", QUERIES)
def test_no_public_answer_carries_a_full_id_or_a_persons_full_name(listed, client, q):
    response, _body = page(client, q)
    assert response.status_code == 200
    assert api_search(q).status_code == 200


def test_the_landing_page_needs_no_login(listed, client):
    response = client.get(PAGE)
    assert response.status_code == 200
    assert "红黑名单查询" in response.content.decode()
    assert_nothing_personal(response.content.decode())


def test_an_organisation_shows_its_name_and_a_masked_code(listed, client):
    _response, body = page(client, COMPANY)
    assert "示范区金川建筑工程有限公司" in body
    assert f'<dd class="mono">{COMPANY}</dd>' in body  # in full, as 信用中国 shows it
    result = api_search(COMPANY).json()
    assert result["count"] == 1
    entry = result["results"][0]
    assert entry["name"] == "示范区金川建筑工程有限公司"
    assert entry["identifier"] == COMPANY
    assert (entry["list_type"], entry["domain"], entry["under_verification"]) == ("black", "judicial", False)
    assert entry["list_type_label"] == "失信黑名单" and entry["status_label"] == "公示中"
    assert entry["decision_number"] == "（2026）甘0702执901号"
    assert set(entry) == {
        "name", "identifier", "subject_kind", "list_type", "list_type_label", "domain", "domain_label", "basis",
        "decision_number", "decided_on", "publication_ends_on", "valid_until", "identifying_department", "under_verification", "status_label",
    }


def test_a_person_is_masked(listed, client):
    for q in (WANG, "王建国"):
        _response, body = page(client, q)
        assert "王**" in body and "620702********8519" in body
        [entry] = api_search(q).json()["results"]
        assert (entry["name"], entry["identifier"]) == ("王**", "620702********8519")


def test_a_suspended_entry_is_marked_under_verification(listed, client):
    _response, body = page(client, ZHANG)
    assert "异议核查中" in body
    [entry] = api_search(ZHANG).json()["results"]
    assert entry["under_verification"] is True and entry["status_label"] == "异议核查中"


@pytest.mark.parametrize("q", [MINOR, MINOR_NAME, LIU, "刘伟", CHEN, "陈志强", YANG, "杨洋", ZHAO, "赵德明"])
def test_minors_watch_proposed_withdrawn_and_removed_entries_are_never_shown(listed, client, q):
    _response, body = page(client, q)
    assert "共找到 <strong>0</strong> 条" in body
    assert api_search(q).json()["count"] == 0


def test_a_name_search_shows_only_public_entries(listed):
    results = api_search("示范区").json()["results"]
    assert {(r["name"], r["list_type"]) for r in results} == {("示范区金川建筑工程有限公司", "black"), ("示范区祁连商贸有限公司", "red")}
    everyone = {e["identifier"] for e in APIClient().get(API, {"q": "620702"}).json()["results"]}
    assert everyone == set()  # part of an identifier is not a search


def test_a_minor_becomes_visible_on_their_eighteenth_birthday(listed):
    from dateutil.relativedelta import relativedelta
    from django.utils import timezone

    today = timezone.localdate()
    birthday = today + datetime.timedelta(days=10)
    identifier = make_citizen_id(2, birth=birthday - relativedelta(years=18), division="620702")
    person = platform_services.subject_create(kind=SubjectKind.NATURAL_PERSON, identifier=identifier, name="孙少年")
    listed.published(subject=person, decision_number="（2026）甘0702执950号")
    assert not public.public_entries(q=identifier, today=today).exists()
    assert not public.public_entries(q=identifier, today=birthday - datetime.timedelta(days=1)).exists()
    assert public.public_entries(q=identifier, today=birthday).count() == 1


def test_queries_are_validated(listed, client):
    assert client.get(PAGE, {"q": "王"}).status_code == 400
    assert APIClient().get(API, {"q": "王"}).status_code == 400
    assert APIClient().get(API).status_code == 400
    assert client.get(PAGE, {"q": "x" * 101}).status_code == 400


def test_the_api_needs_no_authentication_and_ignores_credentials(listed):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get(API, {"q": COMPANY}).status_code == 200


# --- many results ----------------------------------------------------------------------------------


@pytest.fixture
def many(world):
    cache.clear()
    rows = [row(make_uscc(90000 + i, "620702"), f"示范区批量{i:02d}贸易有限公司", number=f"P-{i}") for i in range(25)]
    rows += [row(make_citizen_id(500 + i, division="620702"), f"吴批量{i}", kind="natural_person", number=f"Q-{i}") for i in range(3)]
    batch, _info = importing.import_batch_create(upload=upload(csv_bytes(rows)), actor=world.user("court"))
    importing.import_run(batch_id=batch.pk, open_cases=False)
    return world


def test_pages_carry_the_query_signed_not_in_clear(many, client):
    response = client.get(PAGE, {"q": "批量"})
    body = response.content.decode()
    assert "共找到 <strong>28</strong> 条" in body
    assert "第 1 / 2 页" in body
    assert 'value="批量"' in body.split("role=\"search\"")[1].split("</form>")[0]  # the box keeps the query
    next_href = body.split('href="?t=')[1].split('"')[0].replace("&amp;", "&")
    assert "q=" not in next_href
    second = client.get(f"{PAGE}?t={next_href}")
    assert second.status_code == 200 and "第 2 / 2 页" in second.content.decode()
    assert_nothing_personal(second.content.decode())

    first = APIClient().get(API, {"q": "批量"}).json()
    assert first["count"] == 28 and len(first["results"]) == public.PAGE_SIZE
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(first["next"]).query)
    assert "q" not in query and "t" in query
    second = APIClient().get(first["next"])
    assert second.status_code == 200 and len(second.json()["results"]) == 8
    assert_nothing_personal(second.content.decode())


def test_the_search_makes_a_bounded_number_of_queries(many, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        assert client.get(PAGE, {"q": "批量"}).status_code == 200
    with django_assert_max_num_queries(2):
        assert APIClient().get(API, {"q": "批量"}).status_code == 200


def test_the_page_limits_searches_per_address(many, client, settings):
    settings.CREDIT_PUBLIC_SEARCHES_PER_MINUTE = 2
    assert client.get(PAGE, {"q": "批量"}).status_code == 200
    assert client.get(PAGE, {"q": "批量"}).status_code == 200
    response = client.get(PAGE, {"q": "批量"})
    assert response.status_code == 429
    assert "查询过于频繁" in response.content.decode()


def test_the_api_is_throttled(many, monkeypatch):
    cache.clear()
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"public": "2/min"})
    client = APIClient()
    assert [client.get(API, {"q": "批量"}).status_code for _ in range(3)] == [200, 200, 429]


# --- the search box, the result's links, 进度查询 ------------------------------------------------------


def test_the_form_posts_the_query_and_lands_on_the_signed_token(listed, client):
    response = client.post(PAGE, {"q": "金川建筑"})

    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(f"{PAGE}?t=") and "金川" not in urllib.parse.unquote(location) and "q=" not in location
    body = client.get(location).content.decode()
    assert 'value="金川建筑"' in body and "示范区金川建筑工程有限公司" in body
    # a query refused keeps what was typed, escaped, and shows why
    refused = client.post(PAGE, {"q": "<"})
    assert refused.status_code == 400
    assert 'value="&lt;"' in refused.content.decode()
    escaped = client.get(client.post(PAGE, {"q": '"><script>王'})["Location"]).content.decode()
    assert 'value="&quot;&gt;&lt;script&gt;王"' in escaped and "<script>王" not in escaped


def test_each_result_offers_an_objection_and_a_repair_without_the_code_in_the_link(listed, client):
    _response, body = page(client, COMPANY)

    links = re.findall(r'href="(/credit/(?:objections|repairs)/\?entry=[^"]+)"', body)
    assert {link.split("/")[2] for link in links} == {"objections", "repairs"}
    for link in links:
        assert COMPANY not in urllib.parse.unquote(html.unescape(link))
    objection_form = client.get(html.unescape(links[0])).content.decode()
    assert f'value="{COMPANY}"' in objection_form and 'value="示范区金川建筑工程有限公司"' in objection_form
    assert 'value="（2026）甘0702执901号"' in objection_form


def test_a_persons_result_prefills_only_the_decision_number(listed, client):
    _response, body = page(client, WANG)
    [repair_link] = re.findall(r'href="(/credit/repairs/\?entry=[^"]+)"', body)

    form = client.get(html.unescape(repair_link)).content.decode()

    assert 'value="（2026）甘0702执902号"' in form
    assert_nothing_personal(form)
    assert "自然人须填写本人姓名和完整身份证号码" in form
    assert 'id="judgement-defaulters" open' in form  # a court's judgement: what the defaulter must do first
    # a forged token prefills nothing
    assert "执902号" not in client.get("/credit/repairs/", {"entry": "1:forged:sig"}).content.decode()


def test_the_header_offers_progress_look_up_for_both_receipts(listed, client):
    body = client.get(PAGE).content.decode()
    assert '<a href="/credit/progress/">进度查询</a>' in body

    progress = client.get("/credit/progress/").content.decode()

    assert 'action="/credit/objections/status/"' in progress and 'action="/credit/repairs/status/"' in progress


def test_the_search_key_in_the_url_tells_nothing_of_the_query(world, client):
    """A citizen ID searched for must not be readable back from the address (proxies log it)."""
    world.published()
    searched = "620702197804128519"

    response = client.post(PAGE, {"q": searched})

    assert response.status_code == 302
    location = urllib.parse.unquote(response["Location"])
    token = urllib.parse.parse_qs(urllib.parse.urlsplit(response["Location"]).query)["t"][0]
    assert searched not in location
    padded = token + "=" * (-len(token) % 4)
    assert searched.encode() not in base64.urlsafe_b64decode(padded.replace(":", "A"))
    assert public.query_from_token(token) == searched
    assert client.get(response["Location"]).status_code == 200
    assert public.query_from_token("not-a-key") == "" and public.query_from_token("x" * 500) == ""
