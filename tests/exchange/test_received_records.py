"""Public credit records (双公示) received through the exchange: held upstream as local records marked
with their region (credit file, public query), applied downstream once, never reported again."""
import pytest
from django.core.cache import cache

from credit_platform import demo
from credit_platform.models import AuditEvent, ExchangeItem
from exchange import services
from exchange.models import DownloadedItem, UpstreamItem
from exchange.services import lower
from records import services as records_services
from records.models import CreditRecord, RecordState
from tests.exchange.test_exchange import KEY
from tests.factories import make_uscc
from tests.lists.conftest import api  # noqa: F401  (fixture, over the records world)
from tests.records.conftest import PENALTY_CONTENT, days_ago, world  # noqa: F401  (fixture)
from tests.records.test_dishonesty_reaches_lists import World as RecordsAndListsWorld
from tests.records.test_dishonesty_reaches_lists import red_entry

UPPER_COMPANY = {"identifier": make_uscc(31, division="620702"), "kind": "legal_person", "name": "示范区上游测试食品有限公司"}


def _record_item(item_id, *, version=1, op="upsert", subject=None, code="administrative-penalty", **data):
    return {"item_id": item_id, "version": version, "type": "record", "op": op, "data": {
        "subject": subject or UPPER_COMPANY, "record_type": {"code": code, "name": "行政处罚", "kind": "penalty"},
        "department": {"code": "market", "name": "区市场监督管理局"}, "decision_number": "甘示市监处罚〔2026〕301号",
        "decided_on": str(days_ago(10)), "severity": "general", "domain": "food_drug", "basis": "《食品安全法》第一百二十四条",
        "content": PENALTY_CONTENT, "state": "published", "published_at": "2026-11-25T09:00:00+08:00",
        "publication_ends_on": str(days_ago(-365)), "valid_until": None, "removal_reason": "", **data,
    }}


@pytest.fixture
def upper(world, settings):  # noqa: F811
    settings.EXCHANGE_REGION = "620700"
    return services.region_register(code="620702", name="示范区", key=KEY)


def _batch(link, batch_id, *items):
    return services.batch_receive(link=link, body={"source_region": "620702", "batch_id": batch_id, "items": list(items)})


def test_a_record_received_upstream_is_in_the_credit_file_and_the_public_query(upper, world, api):  # noqa: F811
    answer = _batch(upper, "r1", _record_item("620702:record:7"))
    assert answer["results"][0]["status"] == "accepted"
    record = CreditRecord.objects.select_related("department", "subject").get(exchange_item_id="620702:record:7")
    assert (record.state, record.source_region, record.exchange_version) == (RecordState.PUBLISHED, "620702", 1)
    assert record.department.is_credit_office and record.subject.name == UPPER_COMPANY["name"]
    assert record.publication_ends_on == days_ago(-365) and record.published_on.isoformat() == "2026-11-25"
    assert record.content == PENALTY_CONTENT and UpstreamItem.objects.filter(item_id="620702:record:7").count() == 1
    event = AuditEvent.objects.get(action="record_received")
    assert event.extra["decided_by"] == "区市场监督管理局" and event.extra["source_region"] == "620702"
    assert not ExchangeItem.objects.filter(type="record").exists()  # never reported again

    file = api("court").get(f"/api/v1/subjects/{record.subject_id}/credit-file/").json()
    [shown] = file["records"]["penalty"]
    assert (shown["decision_number"], shown["source_region"], shown["state"]) == ("甘示市监处罚〔2026〕301号", "620702", "published")
    cache.clear()
    public = api(None).get("/api/v1/public/records/", {"q": UPPER_COMPANY["identifier"]}).json()["results"]
    assert [(r["decision_number"], r["source_region"]) for r in public] == [("甘示市监处罚〔2026〕301号", "620702")]
    page = api(None).post("/credit/records/", {"q": UPPER_COMPANY["identifier"]}).content.decode()
    assert "来源区划" in page and "620702" in page


def test_a_version_not_above_changes_nothing_a_later_one_changes_and_a_removal_removes(upper, world):  # noqa: F811
    _batch(upper, "r1", _record_item("620702:record:8"))
    record = CreditRecord.objects.get(exchange_item_id="620702:record:8")
    # The same version in another batch, or the service asked again with it: nothing changes.
    _batch(upper, "r2", _record_item("620702:record:8", basis="changed"))
    records_services.record_receive(item_id="620702:record:8", version=1, op="upsert", data=_record_item("x", basis="changed")["data"],
                                    source_region="620702")
    record.refresh_from_db()
    assert record.basis == "《食品安全法》第一百二十四条" and record.exchange_version == 1

    _batch(upper, "r3", _record_item("620702:record:8", version=2, basis="corrected basis"))
    record.refresh_from_db()
    assert (record.basis, record.exchange_version, record.state) == ("corrected basis", 2, RecordState.PUBLISHED)
    assert AuditEvent.objects.filter(action="record_received_changed").count() == 1

    _batch(upper, "r4", _record_item("620702:record:8", version=3, op="remove", state="removed", removal_reason="repaired"))
    record.refresh_from_db()
    assert (record.state, record.removal_reason, record.exchange_version) == (RecordState.REMOVED, "repaired", 3)
    assert not ExchangeItem.objects.filter(type="record").exists()
    # The removal of a record never received is stored upstream, nothing materialised.
    answer = _batch(upper, "r5", _record_item("620702:record:9", op="remove", state="removed"))
    assert answer["results"][0]["status"] == "accepted" and not CreditRecord.objects.filter(exchange_item_id="620702:record:9").exists()


def test_a_record_type_missing_from_the_catalogue_is_refused_with_its_reason(upper, world):  # noqa: F811
    answer = _batch(upper, "r1", _record_item("620702:record:10", code="no-such-type"), _record_item("620702:record:11"))
    assert [r["status"] for r in answer["results"]] == ["refused", "accepted"]
    assert "no-such-type" in answer["results"][0]["reason"]
    assert not CreditRecord.objects.filter(exchange_item_id="620702:record:10").exists()
    assert list(UpstreamItem.objects.values_list("item_id", flat=True)) == ["620702:record:11"]


def test_a_downloaded_record_is_applied_once_on_the_lower_side(world, settings):  # noqa: F811
    settings.EXCHANGE_REGION = "620702"
    item = _record_item("620700:record:5", subject={"identifier": world.food_company.identifier, "kind": "legal_person", "name": "x"})
    assert lower.apply_item(item) == DownloadedItem.State.APPLIED
    record = CreditRecord.objects.get(exchange_item_id="620700:record:5")
    assert (record.subject, record.source_region, record.department.code) == (world.food_company, "620700", "credit_office")
    assert lower.apply_item(item) == "skipped"
    assert CreditRecord.objects.filter(exchange_item_id="620700:record:5").count() == 1 == DownloadedItem.objects.count()
    assert not ExchangeItem.objects.filter(type="record").exists()  # never uploaded again
    missing = _record_item("620700:record:6", code="no-such-type")
    assert lower.apply_item(missing) == DownloadedItem.State.FAILED
    assert "no-such-type" in DownloadedItem.objects.get(item_id="620700:record:6").reason


def test_a_received_penalty_starts_no_follow_up_where_it_is_received(db, settings):
    demo.seed()
    both = RecordsAndListsWorld()
    red = red_entry(both)  # a local penalty of this company would propose its removal
    settings.EXCHANGE_REGION = "620702"
    item = _record_item("620700:record:12", severity="severe",
                        subject={"identifier": both.food_company.identifier, "kind": "legal_person", "name": both.food_company.name})
    assert lower.apply_item(item) == DownloadedItem.State.APPLIED
    red.refresh_from_db()
    assert red.removal_proposed_at is None and CreditRecord.objects.get(exchange_item_id=item["item_id"]).severity == "severe"
