"""Imported entries and records reach the upper platform as hand-made ones do: their first versions
are written to the outbox in the chunk's transaction (one INSERT), once, in file order."""
from credit_platform.models import ExchangeItem
from lists.models import ListEntry
from records.models import CreditRecord
from tests.factories import make_uscc
from tests.lists.conftest import api, world  # noqa: F401  (fixtures)
from tests.lists.test_import import csv_bytes, post, row
from tests.records.test_import import ENGLISH_HEADER, english_rows
from tests.records.test_import import post as post_records
from tests.records.test_import import csv_bytes as records_csv


def test_imported_entries_are_put_in_the_outbox_once_in_file_order(world, api, settings):  # noqa: F811
    settings.EXCHANGE_REGION = "620702"
    rows = [row(make_uscc(93000 + i, "620702"), f"示范区导入{i}有限公司", number=f"X-{i}") for i in range(3)]

    body = post(api("court"), csv_bytes(rows), open_cases="false").json()
    again = post(api("court"), csv_bytes(rows), open_cases="false").json()

    assert (body["created"], again["unchanged"]) == (3, 3)
    entries = list(ListEntry.objects.filter(decision_number__startswith="X-").order_by("pk"))
    items = list(ExchangeItem.objects.filter(type="list_entry").order_by("id"))
    assert [i.item_id for i in items] == [f"620702:list_entry:{e.pk}" for e in entries]
    assert {(i.version, i.op, i.state) for i in items} == {(1, "upsert", "pending")}
    assert [i.data["decision_number"] for i in items] == ["X-0", "X-1", "X-2"]
    assert items[0].data["subject"]["identifier"] == entries[0].subject.identifier


def test_an_import_writes_nothing_to_the_outbox_without_a_region(world, api, settings):  # noqa: F811
    settings.EXCHANGE_REGION = ""
    post(api("court"), csv_bytes([row(make_uscc(93100, "620702"), "示范区无区划有限公司", number="X-none")]), open_cases="false")
    assert ListEntry.objects.filter(decision_number="X-none").exists() and not ExchangeItem.objects.exists()


def test_published_public_records_of_an_import_are_put_in_the_outbox(world, api, settings):  # noqa: F811
    settings.EXCHANGE_REGION = "620702"

    body = post_records(api("market"), records_csv(ENGLISH_HEADER, english_rows()), publish="true").json()

    assert body["created"] == 3
    published = CreditRecord.objects.filter(state="published", record_type__public=True).order_by("pk")
    items = ExchangeItem.objects.filter(type="record").order_by("id")
    assert published.exists() and [i.item_id for i in items] == [f"620702:record:{r.pk}" for r in published]
