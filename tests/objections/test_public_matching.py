"""The public objection form and API tell nobody who or what is in the registry.

Whatever part of a filing does not match — an unknown identifier, a name that is not the subject's
(a person's full name is masked on the public site), an unknown decision or case number, a record
that is not public — the answer is the same, byte for byte; a right match files. Only the format of
the identifier is reported as such, and what does not depend on the record is checked first."""
import datetime

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from credit_platform import services as platform_services
from credit_platform.models import SubjectKind
from lists import services as list_services
from lists.models import ListEntry
from objections.models import Objection
from sanctions import services as case_services
from sanctions.models import JointCase
from tests.objections.test_objection_services import pushed_entry
from tests.factories import make_citizen_id
from tests.public_answers import api_answer, page_answer

PUBLIC, NEW = "/api/v1/public/objections/", "/credit/objections/"
UNKNOWN_COMPANY = "91350100M000100Y43"  # a valid code of no subject
PERSON = "620702197804128519"  # 王建国, the demo company's legal representative
QILIAN = "91620702MA55TH2835"  # 祁连商贸, another subject
MINOR = make_citizen_id(7, birth=datetime.date(2012, 5, 1), division="620702")  # under 18: never shown to the public
MINOR_NAME = "钱小明"


@pytest.fixture(autouse=True)
def _no_limits(settings):
    cache.clear()
    settings.CREDIT_PUBLIC_FILINGS_PER_MINUTE = 0  # many filings from one address here


@pytest.fixture
def registry(world):
    """The company's public entry and its pushed case, and records a filing must not be able to confirm."""
    entry, case = pushed_entry(world)
    court = world.user("court")
    notified = world.notified(decision_number="（2026）甘0702执456号")  # the company's, not yet published
    draft = world.defaulter_case()  # the company's, a draft resting on no entry
    manual = world.pushed_case()  # the company's, pushed, resting on no entry
    second = world.published(decision_number="（2026）甘0702执888号")  # the company's, public: another entry
    second_case = case_services.case_push(case=JointCase.objects.get(list_entry_id=second.pk), actor=court)
    other = world.published(subject=world.subject(QILIAN), decision_number="（2026）甘0702执555号")
    other_case = case_services.case_push(case=JointCase.objects.get(list_entry_id=other.pk), actor=court)
    person_entry = world.published(subject=world.subject(PERSON), decision_number="（2026）甘0702执777号")
    hidden = hidden_records(world)
    return {
        "entry": entry, "case": case, "notified": notified, "draft": draft, "manual": manual, "second_case": second_case,
        "other": other, "other_case": other_case, "person_entry": person_entry, **hidden,
    }


def hidden_records(world) -> dict:
    """Records on the list that the public site never shows, each with its case pushed where it has
    one: a watch-list entry, a minor's black entry, an entry past its publication period."""
    court = world.user("court")
    platform_services.subject_create(kind=SubjectKind.NATURAL_PERSON, identifier=MINOR, name=MINOR_NAME)
    watch = world.published(list_type="watch", severity="general", decision_number="（2026）甘0702执611号")
    minor = world.published(subject=world.subject(MINOR), decision_number="（2026）甘0702执612号")
    minor_case = case_services.case_push(case=JointCase.objects.get(list_entry_id=minor.pk), actor=court)
    expired = world.published(decision_number="（2023）甘0702执613号")
    expired_case = case_services.case_push(case=JointCase.objects.get(list_entry_id=expired.pk), actor=court)
    ListEntry.objects.filter(pk=expired.pk).update(publication_ends_on=timezone.localdate() - datetime.timedelta(days=1))
    return {"watch": watch, "minor": minor, "minor_case": minor_case, "expired": expired, "expired_case": expired_case}


def body_for(entry, **changes) -> dict:
    return {
        "identifier": entry.subject.identifier, "name": entry.subject.name, "decision_number": entry.decision_number,
        "case_number": "", "grounds": "判决确定的义务已于2026年10月全部履行", "contact": "王建国 13900000000", **changes,
    }


def mismatches(r) -> dict[str, dict]:
    """Changes to the company's right filing, each of which must match nothing."""
    return {
        "unknown identifier": {"identifier": UNKNOWN_COMPANY},
        "known identifier, wrong name": {"name": "示范区金川建筑有限公司"},
        "a person's identifier, wrong full name": {
            "identifier": PERSON, "name": "王建华", "decision_number": r["person_entry"].decision_number,
        },
        "unknown decision number": {"decision_number": "（2026）甘0702执999号"},
        "unknown case number": {"decision_number": "", "case_number": "LJ-2026-999999"},
        "another subject's decision number": {"decision_number": r["other"].decision_number},
        "another subject's case number": {"decision_number": "", "case_number": r["other_case"].number},
        "entry not public (notified)": {"decision_number": r["notified"].decision_number},
        "case not public (draft)": {"decision_number": "", "case_number": r["draft"].number},
        "case resting on no public entry": {"decision_number": "", "case_number": r["manual"].number},
        "case of another entry": {"case_number": r["second_case"].number},
        "watch-list entry": {"decision_number": r["watch"].decision_number},
        "a minor's entry, right name": {"identifier": MINOR, "name": MINOR_NAME, "decision_number": r["minor"].decision_number},
        "a minor's case, right name": {"identifier": MINOR, "name": MINOR_NAME, "decision_number": "", "case_number": r["minor_case"].number},
        "entry past its publication period": {"decision_number": r["expired"].decision_number},
        "case of an entry past its publication period": {"decision_number": "", "case_number": r["expired_case"].number},
    }


def test_the_api_answers_every_mismatch_alike_and_files_a_match(world, registry):
    entry = registry["entry"]

    answers = {name: api_answer(APIClient().post(PUBLIC, body_for(entry, **changes), format="json"))
               for name, changes in mismatches(registry).items()}

    first = answers["unknown identifier"]
    assert first[0] == 400 and b"non_field_errors" in first[1]
    for name, answer in answers.items():
        assert answer == first, name
    assert not Objection.objects.exists()
    by_entry = APIClient().post(PUBLIC, body_for(entry), format="json")
    by_case = APIClient().post(PUBLIC, body_for(entry, decision_number="", case_number=registry["case"].number), format="json")
    both = APIClient().post(PUBLIC, body_for(entry, case_number=registry["case"].number.lower()), format="json")
    person = APIClient().post(PUBLIC, body_for(registry["person_entry"]), format="json")
    assert [r.status_code for r in (by_entry, by_case, both, person)] == [201, 201, 201, 201]
    assert Objection.objects.count() == 4


def test_the_api_answers_a_record_that_left_the_list_as_an_unknown_one(world, registry):
    entry = registry["other"]
    unknown = api_answer(APIClient().post(PUBLIC, body_for(entry, identifier=UNKNOWN_COMPANY), format="json"))
    list_services.entry_remove(entry=entry, actor=world.user("court"), reason="revoked", note="决定已撤销")

    gone = api_answer(APIClient().post(PUBLIC, body_for(entry), format="json"))
    gone_case = api_answer(APIClient().post(PUBLIC, body_for(entry, decision_number="", case_number=registry["other_case"].number),
                                            format="json"))

    assert gone == unknown and gone_case == unknown and gone[0] == 400
    assert not Objection.objects.exists()


def test_checks_of_the_rest_of_the_filing_come_before_the_match(world, registry):
    """A blank grounds, a blank contact, a bad file or no number answers the same with or without a
    match: it cannot serve to confirm a name."""
    entry = registry["entry"]
    pdf = b"%PDF-1.4\n%%EOF\n"
    for changes, field in [({"grounds": "  "}, b"grounds"), ({"contact": ""}, b"contact"),
                           ({"decision_number": "", "case_number": ""}, b"decision_number")]:
        right = api_answer(APIClient().post(PUBLIC, body_for(entry, **changes), format="json"))
        wrong = api_answer(APIClient().post(PUBLIC, body_for(entry, name="王建华", **changes), format="json"))
        assert right == wrong and right[0] == 400 and field in right[1], changes
    files = {"evidence": [SimpleUploadedFile("a.pdf", b"MZ" + pdf, "application/pdf")]}
    right = APIClient().post(PUBLIC, {**body_for(entry), **files}, format="multipart")
    files = {"evidence": [SimpleUploadedFile("a.pdf", b"MZ" + pdf, "application/pdf")]}
    wrong = APIClient().post(PUBLIC, {**body_for(entry, name="王建华"), **files}, format="multipart")
    assert api_answer(right) == api_answer(wrong) and right.status_code == 400 and "evidence" in right.json()
    assert not Objection.objects.exists()


def test_a_malformed_identifier_is_said_so(world, registry):
    entry = registry["entry"]
    wrong_check = entry.subject.identifier[:-1] + ("0" if entry.subject.identifier[-1] != "0" else "1")

    for identifier in [wrong_check, "1234", "620702197813328519"]:
        response = APIClient().post(PUBLIC, body_for(entry, identifier=identifier), format="json")

        assert response.status_code == 400 and list(response.json()) == ["identifier"], identifier
    chinese = APIClient().post(PUBLIC, body_for(entry, identifier="1234"), format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "格式不正确" in chinese.json()["identifier"][0]


# --- the page --------------------------------------------------------------------------------------


def test_the_page_answers_every_mismatch_alike_and_files_a_match(world, registry):
    entry = registry["entry"]

    answers = {name: page_answer(Client().post(NEW, body_for(entry, **changes)))
               for name, changes in mismatches(registry).items()}

    first = answers["unknown identifier"]
    assert first[0] == 400 and "未查询到与所填统一社会信用代码或身份证号码、名称和文号（编号）相符的公示信息" in first[1]
    for name, answer in answers.items():
        assert answer == first, name
    assert not Objection.objects.exists()
    filed = Client().post(NEW, body_for(entry, decision_number="", case_number=registry["case"].number))
    assert filed.status_code == 302 and Objection.objects.get().case == registry["case"]


def test_the_page_says_a_malformed_identifier_is_malformed(world, registry):
    response = Client().post(NEW, body_for(registry["entry"], identifier="62070219781332851X"))

    page = response.content.decode()
    assert response.status_code == 400 and "统一社会信用代码或身份证号码格式不正确" in page
    assert "相符的公示信息" not in page
