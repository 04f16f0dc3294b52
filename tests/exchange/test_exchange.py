"""The exchange's rules, one side at a time in one database (the two live instances: test_live_link.py)."""
import datetime
import json
import time

import pytest
from django.core.exceptions import ValidationError

from credit_platform import demo, exchange_outbox
from credit_platform.models import AuditEvent, Department, ExchangeItem, Region
from credit_platform.webhooks import sign
from exchange import services
from exchange.models import DownloadedItem, LinkState, ReceivedBatch, UpstreamItem
from exchange.services import lower
from exchange.services.reconcile import compare, summary_of
from exchange.services.upper import BatchRefused
from exchange.signing import LinkError, verify
from lists import services as lists_services
from lists.models import EntryState, ListEntry
from sanctions.models import JointCase
from tests.factories import DepartmentFactory, PersonFactory, SubjectFactory, make_citizen_id, make_uscc
from tests.lists.conftest import world  # noqa: F401  (fixture)

KEY = "a-shared-key-of-the-district-620702"


# --- signature and region rule (no database) --------------------------------------------------------


def test_signature_covers_timestamp_and_body_within_the_window():
    now = int(time.time())
    body = b'{"batch_id":"b1"}'
    signature = sign(KEY, now, body)
    assert verify(key=KEY, timestamp=now, message=body, signature=signature)
    assert not verify(key=KEY, timestamp=now, message=body + b" ", signature=signature)
    assert not verify(key=KEY + "x", timestamp=now, message=body, signature=signature)
    assert not verify(key=KEY, timestamp=now + 1, message=body, signature=signature)
    old = now - 3600
    assert not verify(key=KEY, timestamp=old, message=body, signature=sign(KEY, old, body))
    path = "/api/v1/exchange/feed/?since=0&region=620702"
    assert verify(key=KEY, timestamp=now, message=path, signature=sign(KEY, now, path))
    assert not verify(key=KEY, timestamp=now, message=path.replace("since=0", "since=9"), signature=sign(KEY, now, path))


def test_region_rule_reads_the_identifiers_division_code():
    assert exchange_outbox.division_code(make_uscc(5, division="620702"), "legal_person") == "620702"
    assert exchange_outbox.division_code(make_citizen_id(5, division="620702"), "natural_person") == "620702"
    assert exchange_outbox.division_code("short", "legal_person") == ""
    assert [exchange_outbox.region_prefix(c) for c in ("620000", "620700", "620702")] == ["62", "6207", "620702"]
    assert exchange_outbox.lies_under("620702", "620700") and exchange_outbox.lies_under("620702", "620000")
    assert exchange_outbox.lies_under("620702", "620702")
    assert not exchange_outbox.lies_under("620703", "620702") and not exchange_outbox.lies_under("110105", "620700")
    assert exchange_outbox.parse_item_id("620702:list_entry:12") == ("620702", "list_entry", "12")
    assert exchange_outbox.parse_item_id("nonsense") == ("", "", "")


def test_reconcile_names_each_item_that_differs():
    local = summary_of({"620702:list_entry:1": ("list_entry", 2), "620702:list_entry:2": ("list_entry", 1)})
    assert compare(local, local) == []
    upper = summary_of({"620702:list_entry:1": ("list_entry", 1), "620702:list_entry:3": ("list_entry", 1)})
    lines = compare(local, upper)
    assert any(line.startswith("list_entry: local 2 items, upper 2 items") for line in lines)
    assert "620702:list_entry:1: local version 2, upper version 1" in lines
    assert "620702:list_entry:2: missing on the upper platform (local version 1)" in lines
    assert "620702:list_entry:3: on the upper platform (version 1), not accepted here" in lines


# --- the outbox (lower apps) -----------------------------------------------------------------------


def test_publishing_and_removing_an_entry_write_its_versions(world, settings):  # noqa: F811
    settings.EXCHANGE_REGION = ""
    world.published(decision_number="D-none")
    assert not ExchangeItem.objects.exists()  # an instance without a region exchanges nothing

    settings.EXCHANGE_REGION = "620702"
    entry = world.published()
    item = ExchangeItem.objects.get()
    assert (item.item_id, item.version, item.type, item.op) == (f"620702:list_entry:{entry.pk}", 1, "list_entry", "upsert")
    assert item.data["subject"]["identifier"] == world.company.identifier and item.data["state"] == "published"
    assert item.subject_identifier == world.company.identifier
    lists_services.entry_remove(entry=entry, actor=world.user("court"), reason="revoked")
    removed = ExchangeItem.objects.filter(type="list_entry").order_by("-id").first()
    assert (removed.item_id, removed.version, removed.op) == (item.item_id, 2, "remove")
    # The case the entry opened ended with it: its outcome is reported too.
    assert ExchangeItem.objects.filter(type="case", op="upsert").count() == JointCase.objects.filter(list_entry_id=entry.pk).count() == 1


# --- the upper side ------------------------------------------------------------------------------------


def _item(item_id, subject, *, version=1, op="upsert", decision="（2026）甘0702执9号", **data):
    return {"item_id": item_id, "version": version, "type": "list_entry", "op": op, "data": {
        "subject": {"identifier": subject.identifier, "kind": subject.kind, "name": subject.name}, "list_type": "black",
        "severity": "severe", "domain": "judicial", "basis": "basis", "decision_number": decision,
        "decided_on": "2026-10-01", "state": "published", "published_at": "2026-10-09T08:00:00+08:00", **data,
    }}


@pytest.fixture
def upper(db):
    DepartmentFactory(credit_office=True)
    return services.region_register(code="620702", name="示范区", key=KEY)


def test_batch_is_stored_by_region_once_and_a_version_not_above_changes_nothing(upper):
    subject = SubjectFactory(identifier=make_uscc(7, division="620702"))
    body = {"source_region": "620702", "batch_id": "b1", "items": [
        _item("620702:list_entry:1", subject), {"item_id": "620702:list_entry:2", "version": 1, "type": "record", "op": "upsert", "data": {}},
    ]}
    answer = services.batch_receive(link=upper, body=body)
    assert [(r["item_id"], r["status"]) for r in answer["results"]] == [("620702:list_entry:1", "accepted"), ("620702:list_entry:2", "refused")]
    assert "type" in answer["results"][1]["reason"]
    entry = ListEntry.objects.get(exchange_item_id="620702:list_entry:1")
    assert (entry.state, entry.source_region, entry.identifying_department.is_credit_office) == (EntryState.PUBLISHED, "620702", True)
    assert not JointCase.objects.exists()  # stored upstream: no case opened there
    stored = UpstreamItem.objects.get()
    assert (stored.source_region, stored.division_code, stored.subject_identifier) == ("620702", "620702", subject.identifier)

    assert services.batch_receive(link=upper, body=body) == answer  # the same batch again: the same answer
    again = services.batch_receive(link=upper, body={**body, "batch_id": "b2", "items": [_item("620702:list_entry:1", subject, basis="changed")]})
    assert again["results"][0]["status"] == "accepted"
    assert UpstreamItem.objects.count() == 1 and ListEntry.objects.get(pk=entry.pk).basis == "basis"

    services.batch_receive(link=upper, body={**body, "batch_id": "b3", "items": [_item("620702:list_entry:1", subject, version=2, op="remove")]})
    entry.refresh_from_db()
    assert entry.state == EntryState.REMOVED and UpstreamItem.objects.count() == 2


def test_another_regions_data_is_refused_whole_and_nothing_stored(upper):
    subject = SubjectFactory(identifier=make_uscc(8, division="620702"))
    mixed = {"source_region": "620702", "batch_id": "b9", "items": [_item("620702:list_entry:5", subject), _item("620703:list_entry:5", subject)]}
    with pytest.raises(BatchRefused) as refused:
        services.batch_receive(link=upper, body=mixed)
    assert refused.value.status == 403
    with pytest.raises(BatchRefused):
        services.batch_receive(link=upper, body={**mixed, "source_region": "620703", "items": []})
    assert not UpstreamItem.objects.exists() and not ReceivedBatch.objects.exists() and not ListEntry.objects.exists()
    with pytest.raises(ValidationError):
        services.region_register(code="62070", name="x", key=KEY)


def test_feed_serves_what_lies_under_the_region_and_is_not_from_it(upper):
    def stored(item_id, division):
        region = item_id.split(":")[0]
        return UpstreamItem.objects.create(source_region=region, item_id=item_id, type="list_entry", op="upsert", version=1, division_code=division)

    mine = stored("620702:list_entry:1", "620702")
    from_city = stored("620700:list_entry:1", "620702")
    stored("620700:list_entry:2", "620703")  # another district's subject
    from_province = stored("620000:list_entry:1", "620702")
    page = services.feed_page(region="620702", since=0)
    assert [i["item_id"] for i in page["items"]] == ["620700:list_entry:1", "620000:list_entry:1"]
    assert page["next"] == str(from_province.pk) and mine.pk < from_city.pk
    assert services.feed_page(region="620702", since=from_province.pk) == {"items": [], "next": str(from_province.pk)}
    assert [i["item_id"] for i in services.feed_page(region="620700", since=0)["items"]] == ["620702:list_entry:1", "620000:list_entry:1"]


def test_the_endpoints_verify_signature_and_region(upper, client):
    body = json.dumps({"source_region": "620702", "batch_id": "v1", "items": []}).encode()
    now = int(time.time())
    headers = {"HTTP_X_EXCHANGE_REGION": "620702", "HTTP_X_EXCHANGE_TIMESTAMP": str(now)}
    url = "/api/v1/exchange/batches/"
    assert client.post(url, body, content_type="application/json").status_code == 401
    assert client.post(url, body, content_type="application/json", **headers, HTTP_X_EXCHANGE_SIGNATURE=sign(KEY, now, b"x")).status_code == 401
    ok = client.post(url, body, content_type="application/json", **headers, HTTP_X_EXCHANGE_SIGNATURE=sign(KEY, now, body))
    assert ok.status_code == 200 and ok.json() == {"batch_id": "v1", "results": []}
    feed = "/api/v1/exchange/feed/?since=0&region=620700"
    assert client.get(feed, **headers, HTTP_X_EXCHANGE_SIGNATURE=sign(KEY, now, feed)).status_code == 403
    feed = "/api/v1/exchange/feed/?since=0&region=620702"
    assert client.get(feed, **headers, HTTP_X_EXCHANGE_SIGNATURE=sign(KEY, now, feed)).json() == {"items": [], "next": "0"}
    recon = "/api/v1/exchange/reconcile/?region=620702"
    assert client.get(recon, **headers, HTTP_X_EXCHANGE_SIGNATURE=sign(KEY, now, recon)).json()["items"] == {}


# --- the lower side ---------------------------------------------------------------------------------


def test_a_downloaded_entry_is_applied_once_and_opens_the_districts_case(world, settings):  # noqa: F811
    settings.EXCHANGE_REGION = "620702"
    item = _item("620700:list_entry:44", world.company, decision="（2026）甘07执44号", decided_on=str(datetime.date.today() - datetime.timedelta(days=5)))
    assert lower.apply_item(item) == DownloadedItem.State.APPLIED
    entry = ListEntry.objects.get(exchange_item_id="620700:list_entry:44")
    assert (entry.state, entry.source_region, entry.identifying_department.code) == (EntryState.PUBLISHED, "620700", "credit_office")
    case = JointCase.objects.get(list_entry_id=entry.pk)
    assert case.initiating_department.code == "credit_office" and case.memorandum.code == "judgement-defaulters"
    assert lower.apply_item(item) == "skipped"
    assert ListEntry.objects.filter(exchange_item_id="620700:list_entry:44").count() == 1 == DownloadedItem.objects.count()
    assert not ExchangeItem.objects.filter(type="list_entry").exists()  # never uploaded again
    assert lower.apply_item({**item, "item_id": "620702:list_entry:1"}) == "skipped"  # our own, back from above


def test_an_entry_that_cannot_be_applied_is_listed_and_applied_again(world, settings):  # noqa: F811
    settings.EXCHANGE_REGION = "620702"
    person = PersonFactory(identifier=make_citizen_id(3, division="620702"))
    item = _item("620700:list_entry:45", person, decision_number="", basis="")
    item["data"]["decision_number"] = ""
    assert lower.apply_item(item) == DownloadedItem.State.FAILED
    row = DownloadedItem.objects.get()
    assert "decision number" in row.reason and not ListEntry.objects.filter(exchange_item_id=item["item_id"]).exists()
    row.data = {**row.data, "decision_number": "（2026）甘07执45号", "basis": "basis"}
    row.save()
    assert services.item_apply_again(row=row, actor=world.user("admin")) == DownloadedItem.State.APPLIED


def test_upload_keeps_everything_when_the_link_is_down_and_sends_it_in_order(db, settings, monkeypatch):
    settings.EXCHANGE_REGION, settings.EXCHANGE_UPSTREAM_URL, settings.EXCHANGE_KEY = "620702", "http://upper.invalid", KEY
    subject = SubjectFactory(identifier=make_uscc(9, division="620702"))
    for n in range(3):
        exchange_outbox.record(type="list_entry", local_id=n + 1, op="upsert", data={"n": n}, subject=subject)
    sent = []

    def down(path, payload):
        raise LinkError("connection refused")

    monkeypatch.setattr(lower, "post_upstream", down)
    report = services.upload_round(batch_size=2)
    assert report.sent == 0 and "refused" in report.error
    assert set(ExchangeItem.objects.values_list("state", flat=True)) == {"pending"}
    assert LinkState.objects.get().last_error.endswith("connection refused")
    first_batch = ExchangeItem.objects.get(item_id="620702:list_entry:1").batch_id
    assert first_batch

    def up(path, payload):
        sent.append(payload)
        return {"batch_id": payload["batch_id"], "results": [
            {"item_id": i["item_id"], "status": "refused" if i["item_id"].endswith(":2") else "accepted", "reason": "bad"} for i in payload["items"]]}

    monkeypatch.setattr(lower, "post_upstream", up)
    report = services.upload_round(batch_size=2)
    assert [i["item_id"] for p in sent for i in p["items"]] == [f"620702:list_entry:{n}" for n in (1, 2, 3)]
    assert sent[0]["batch_id"] == first_batch  # the batch lost on the way goes again under its id
    assert (report.sent, report.accepted, report.refused) == (3, 2, [("620702:list_entry:2", "bad")])
    refused = ExchangeItem.objects.get(state="refused")
    services.item_resend(item=refused, actor=None, data={"n": "corrected"})
    services.upload_round()
    assert sent[-1]["items"] == [{"item_id": "620702:list_entry:2", "version": 1, "type": "list_entry", "op": "upsert", "data": {"n": "corrected"}}]
    again = ExchangeItem.objects.get(item_id="620702:list_entry:2")
    assert (again.state, again.reason, again.attempts) == ("refused", "bad", 3)  # the lost attempt counts; refused again by the fake upper side
    assert services.upload_round().sent == 0


def test_the_dashboard_tile_shows_the_links_state(world, settings, client):  # noqa: F811
    client.force_login(world.user("leader"))
    settings.EXCHANGE_REGION = ""
    assert "Exchange with the upper platform" not in client.get("/dashboard/").content.decode()

    settings.EXCHANGE_REGION = "620702"
    subject = world.company
    for n in range(2):
        exchange_outbox.record(type="list_entry", local_id=n + 1, op="upsert", data={}, subject=subject)
    ExchangeItem.objects.filter(item_id="620702:list_entry:2").update(state="refused", reason="bad")
    LinkState.objects.create(pk=1, feed_cursor=42, last_batch_id="b1", last_batch_result="1 sent, 1 accepted", last_error="HTTP 503: down")
    UpstreamItem.objects.create(source_region="620701", item_id="620701:record:1", type="record", op="upsert", version=1)
    html = client.get("/dashboard/").content.decode()
    assert "Exchange with the upper platform · 620702" in html
    assert "Items waiting to be sent" in html and "Items refused by the upper platform" in html and "Last feed cursor" in html
    assert '<span class="figure">42</span>' in html and "HTTP 503: down" in html and "Items received from region 620701" in html
    assert "?state__exact=refused" in html


def test_the_outbox_admin_is_the_credit_offices_and_a_corrected_item_goes_again(world, settings, client):  # noqa: F811
    settings.EXCHANGE_REGION = "620702"
    item = exchange_outbox.record(type="record", local_id=7, op="upsert", data={"x": 1}, subject=world.company)
    ExchangeItem.objects.filter(pk=item.pk).update(state="refused", reason="record type unknown upstream")
    url = f"/admin/credit_platform/exchangeitem/{item.pk}/change/"
    client.force_login(world.user("court"))
    assert client.get("/admin/credit_platform/exchangeitem/").status_code == 403
    client.force_login(world.user("admin"))
    listing = client.get("/admin/credit_platform/exchangeitem/", {"state__exact": "refused"}).content.decode()
    assert "record type unknown upstream" in listing
    response = client.post(url, {"data": json.dumps({"x": 2})})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.state, item.data, item.reason, item.batch_id) == ("pending", {"x": 2}, "", "")


def test_seed_demo_for_the_city_gives_the_departments_its_region(db):
    demo.seed(region_code="620700")
    assert set(Department.objects.values_list("region_code", flat=True)) == {"620700"}
    assert Region.objects.get(code="620702").parent.code == "620700"


def test_the_admin_registers_a_lower_region_and_resends_refused_items(world, settings, client):  # noqa: F811
    settings.EXCHANGE_REGION = "620700"
    client.force_login(world.user("admin"))
    response = client.post("/admin/exchange/regionlink/add/", {"code": "620702", "name": "示范区", "key": KEY})
    assert response.status_code == 302
    link = services.region_register(code="620702", name="示范区", key=KEY)
    assert link.region.parent.code == "620700"
    page = client.get(f"/admin/exchange/regionlink/{link.pk}/change/")
    assert page.status_code == 200 and KEY not in page.content.decode()
    for url in ("/admin/exchange/upstreamitem/", "/admin/exchange/downloadeditem/", "/admin/exchange/linkstate/", "/admin/exchange/regionlink/"):
        assert client.get(url).status_code == 200
    item = exchange_outbox.record(type="case", local_id=3, op="upsert", data={}, subject=world.company)
    ExchangeItem.objects.filter(pk=item.pk).update(state="refused", reason="no")
    client.post("/admin/credit_platform/exchangeitem/", {"action": "resend", "_selected_action": [item.pk]})
    item.refresh_from_db()
    assert item.state == "pending"


def test_a_correction_and_a_repair_decided_upstream_flow_down(world, settings):  # noqa: F811
    settings.EXCHANGE_REGION = "620702"
    decided_on = str(datetime.date.today() - datetime.timedelta(days=5))
    item = _item("620700:list_entry:46", world.company, decision="（2026）甘07执46号", decided_on=decided_on)
    lower.apply_item(item)
    entry = ListEntry.objects.get(exchange_item_id=item["item_id"])
    lower.apply_item({**item, "version": 2, "data": {**item["data"], "basis": "corrected basis"}})
    entry.refresh_from_db()
    assert entry.basis == "corrected basis" and entry.state == EntryState.PUBLISHED
    lower.apply_item({**item, "version": 3, "op": "remove", "data": {**item["data"], "state": "removed", "removal_reason": "repaired"}})
    entry.refresh_from_db()
    assert (entry.state, entry.removal_reason) == (EntryState.REMOVED, "repaired")
    case = JointCase.objects.get(list_entry_id=entry.pk)
    assert case.state in ("revoked", "repaired")
    assert DownloadedItem.objects.filter(item_id=item["item_id"]).count() == 3


def test_new_entries_of_a_batch_are_taken_in_bulk_each_answered(upper):
    known = SubjectFactory(identifier=make_uscc(11, division="620702"))
    person = {"identifier": make_citizen_id(12, division="620702"), "kind": "natural_person", "name": "张三"}
    bad = {"identifier": "91620702XXXXXXXXXX", "kind": "legal_person", "name": "坏代码"}
    items = [
        _item("620702:list_entry:21", known, decision="D21"),
        {**_item("620702:list_entry:22", known, decision="D22"), "data": {**_item("x", known, decision="D22")["data"], "subject": person}},
        {**_item("620702:list_entry:23", known, decision="D23"), "data": {**_item("x", known, decision="D23")["data"], "subject": bad}},
        _item("620702:list_entry:24", known, decision="D21"),  # the same decision as item 21
        _item("620702:list_entry:25", known, decision="D25"),
        _item("620702:list_entry:25", known, decision="D25", version=2, basis="second version"),  # twice: one by one
    ]
    answer = services.batch_receive(link=upper, body={"source_region": "620702", "batch_id": "bulk", "items": items})
    assert [r["status"] for r in answer["results"]] == ["accepted", "accepted", "refused", "refused", "accepted", "accepted"]
    assert "already on the list" in answer["results"][3]["reason"]
    taken = {e.exchange_item_id: e for e in ListEntry.objects.select_related("subject")}
    assert set(taken) == {"620702:list_entry:21", "620702:list_entry:22", "620702:list_entry:25"}
    assert taken["620702:list_entry:22"].subject.birth_date is not None and taken["620702:list_entry:22"].state == EntryState.PUBLISHED
    assert taken["620702:list_entry:25"].basis == "second version"
    assert list(UpstreamItem.objects.order_by("id").values_list("item_id", "version")) == [
        ("620702:list_entry:21", 1), ("620702:list_entry:22", 1), ("620702:list_entry:25", 1), ("620702:list_entry:25", 2)]
    assert AuditEvent.objects.filter(action="entry_received").count() == 3
