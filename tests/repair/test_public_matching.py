"""The public credit repair form and API tell nobody who or what is in the registry.

Whatever part of an application does not match — an unknown identifier, a name that is not the
subject's, an unknown decision number, an entry that is not public — the answer is the same, byte
for byte; a right match files. Only the format of the identifier is reported as such, and what
does not depend on the entry is checked first."""
import datetime

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from credit_platform.rules import add_months
from credit_platform.models import RuleSet
from lists import services as list_services
from repair.models import RepairApplication
from tests.objections.test_public_matching import MINOR, MINOR_NAME, hidden_records
from tests.public_answers import api_answer, page_answer
from tests.repair.documents import ALL, form_files, multipart

PUBLIC, NEW = "/api/v1/public/repairs/", "/credit/repairs/"
UNKNOWN_COMPANY = "91350100M000100Y43"  # a valid code of no subject
PERSON = "620702197804128519"  # 王建国, the demo company's legal representative
QILIAN = "91620702MA55TH2835"  # 祁连商贸, another subject


def months_ago(n: int) -> datetime.date:
    return add_months(datetime.date.today(), -n)


@pytest.fixture(autouse=True)
def _no_limits(settings):
    cache.clear()
    settings.CREDIT_PUBLIC_FILINGS_PER_MINUTE = 0  # many filings from one address here


@pytest.fixture
def registry(world):
    """The company's repairable entry, and records an application must not be able to confirm."""
    entry = world.published(severity="severe", decided_on=months_ago(13))
    notified = world.notified(decision_number="（2026）甘0702执456号", decided_on=months_ago(13))  # not yet published
    removed = world.published(decision_number="（2025）甘0702执321号", decided_on=months_ago(14))
    list_services.entry_remove(entry=removed, actor=world.user("court"), reason="revoked", note="决定已撤销")
    other = world.published(subject=world.subject(QILIAN), decision_number="（2026）甘0702执555号", decided_on=months_ago(13))
    person_entry = world.published(subject=world.subject(PERSON), decision_number="（2026）甘0702执777号", decided_on=months_ago(13))
    hidden = hidden_records(world)
    return {"entry": entry, "notified": notified, "removed": removed, "other": other, "person_entry": person_entry, **hidden}


def body_for(entry, kinds=ALL, **changes) -> dict:
    """A multipart body: the fields and the documents (fresh files each call)."""
    return {
        "identifier": entry.subject.identifier, "name": entry.subject.name, "decision_number": entry.decision_number,
        "evidence": "已全部履行判决义务，见执行结案通知书", "commitment_signed": True,
        "contact": "王建国 13900000000", **multipart(kinds), **changes,
    }


def form_data(entry, kinds=ALL, **changes) -> dict:
    data = {key: value for key, value in body_for(entry, **changes).items() if not key.startswith("document")}
    return {**{key: ("on" if value is True else value) for key, value in data.items() if value is not False}, **form_files(kinds)}


def mismatches(r) -> dict[str, dict]:
    """Changes to the company's right application, each of which must match nothing."""
    return {
        "unknown identifier": {"identifier": UNKNOWN_COMPANY},
        "known identifier, wrong name": {"name": "示范区金川建筑有限公司"},
        "a person's identifier, wrong full name": {
            "identifier": PERSON, "name": "王建华", "decision_number": r["person_entry"].decision_number,
        },
        "unknown decision number": {"decision_number": "（2026）甘0702执999号"},
        "another subject's decision number": {"decision_number": r["other"].decision_number},
        "entry not public (notified)": {"decision_number": r["notified"].decision_number},
        "entry off the list (removed)": {"decision_number": r["removed"].decision_number},
        "watch-list entry": {"decision_number": r["watch"].decision_number},
        "a minor's entry, right name": {"identifier": MINOR, "name": MINOR_NAME, "decision_number": r["minor"].decision_number},
        "entry past its publication period": {"decision_number": r["expired"].decision_number},
    }


def test_the_api_answers_every_mismatch_alike_and_files_a_match(world, registry):
    entry = registry["entry"]

    answers = {name: api_answer(APIClient().post(PUBLIC, body_for(entry, **changes), format="multipart"))
               for name, changes in mismatches(registry).items()}

    first = answers["unknown identifier"]
    assert first[0] == 400 and b"non_field_errors" in first[1]
    for name, answer in answers.items():
        assert answer == first, name
    assert not RepairApplication.objects.exists()
    assert APIClient().post(PUBLIC, body_for(entry), format="multipart").status_code == 201
    assert APIClient().post(PUBLIC, body_for(registry["person_entry"]), format="multipart").status_code == 201
    assert RepairApplication.objects.count() == 2


def test_checks_of_the_rest_of_the_application_come_before_the_match(world, registry):
    """A blank account of the fulfilment, no commitment, a blank contact, a document every application
    holds missing or a bad document answers the same with or without a match: it cannot serve to
    confirm a name."""
    entry = registry["entry"]
    for changes, field in [({"evidence": " "}, b"evidence"), ({"commitment_signed": False}, b"commitment_signed"),
                           ({"contact": ""}, b"contact"), ({"kinds": ("proof",)}, b"documents"),
                           ({"kinds": ("commitment", "training")}, b"documents")]:
        right = api_answer(APIClient().post(PUBLIC, body_for(entry, **changes), format="multipart"))
        wrong = api_answer(APIClient().post(PUBLIC, body_for(entry, name="王建华", **changes), format="multipart"))
        assert right == wrong and right[0] == 400 and field in right[1], changes

    def with_bad_document(**changes):
        return {**body_for(entry, **changes), "documents": [SimpleUploadedFile("a.pdf", b"MZ", "application/pdf")], "document_kinds": ["proof"]}

    right = APIClient().post(PUBLIC, with_bad_document(), format="multipart")
    wrong = APIClient().post(PUBLIC, with_bad_document(name="王建华"), format="multipart")
    assert api_answer(right) == api_answer(wrong) and right.status_code == 400 and "documents" in right.json()
    assert not RepairApplication.objects.exists()


def test_what_the_entry_stands_against_is_told_only_with_a_filing(world, registry):
    """A full match (identifier, name, decision number) files, whatever the entry says: not yet
    repairable, an application already being handled, a document its rule set asks for. What the
    record says is the filed application's refusal, read with its receipt; no answer without a
    filing tells a match from a mismatch."""
    RuleSet.objects.filter(code="order-58").update(severe_repair_requires_training=True)
    early = world.published(decision_number="（2026）甘0702执621号", decided_on=months_ago(8))
    handled = registry["person_entry"]
    assert APIClient().post(PUBLIC, body_for(handled), format="multipart").json()["state"] == "submitted"
    mismatch = api_answer(APIClient().post(PUBLIC, body_for(early, name="王建华"), format="multipart"))

    answers = {
        "not yet repairable": APIClient().post(PUBLIC, body_for(early), format="multipart"),
        "already being handled": APIClient().post(PUBLIC, body_for(handled), format="multipart"),
        "training certificate missing": APIClient().post(PUBLIC, body_for(registry["entry"], kinds=("proof", "commitment")), format="multipart"),
    }

    assert mismatch[0] == 400
    for name, response in answers.items():
        assert response.status_code == 201 and response.json()["state"] == "refused", name
        filed = RepairApplication.objects.get(receipt_number=response.json()["receipt_number"])
        assert filed.state == "refused" and filed.refusal_reason and filed.documents.exists(), name
    page = Client().post(NEW, form_data(early))
    assert page.status_code == 302 and RepairApplication.objects.filter(list_entry=early, state="refused").count() == 2


def test_a_malformed_identifier_is_said_so(world, registry):
    response = APIClient().post(PUBLIC, body_for(registry["entry"], identifier="9162070"), format="multipart")

    assert response.status_code == 400 and list(response.json()) == ["identifier"]


# --- the page --------------------------------------------------------------------------------------


def test_the_page_answers_every_mismatch_alike_and_files_a_match(world, registry):
    entry = registry["entry"]

    answers = {name: page_answer(Client().post(NEW, form_data(entry, **changes)))
               for name, changes in mismatches(registry).items()}

    first = answers["unknown identifier"]
    assert first[0] == 400 and "未查询到与所填统一社会信用代码或身份证号码、名称和文号（编号）相符的公示信息" in first[1]
    for name, answer in answers.items():
        assert answer == first, name
    assert not RepairApplication.objects.exists()
    filed = Client().post(NEW, form_data(entry))
    assert filed.status_code == 302 and RepairApplication.objects.get().list_entry == entry


def test_the_page_says_a_malformed_identifier_is_malformed(world, registry):
    response = Client().post(NEW, form_data(registry["entry"], identifier="91620702MAQJWYL7X0"))

    page = response.content.decode()
    assert response.status_code == 400 and "统一社会信用代码或身份证号码格式不正确" in page
    assert "相符的公示信息" not in page
