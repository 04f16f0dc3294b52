"""The subject registry: registration with the identifier rules, look-up, and the person look-up log."""
import pytest

from credit_platform.models import AuditEvent, ResponsiblePerson, Subject, SubjectKind
from tests.factories import PersonFactory, SubjectFactory, make_citizen_id, make_uscc

pytestmark = pytest.mark.django_db

URL = "/api/v1/subjects/"
ORG_ID = make_uscc(4242)
PERSON_ID = make_citizen_id(7)


@pytest.fixture
def client(client_as, dept_user):
    return client_as(dept_user(username="tax"))


@pytest.fixture
def office(client_as, dept_user):
    """The credit office: sees every person, with a reason."""
    return client_as(dept_user(username="office", roles=["credit_office"]))


def looked_up(subject):
    return AuditEvent.objects.filter(action="person_record_viewed", object_id=str(subject.pk))


# --- registration --------------------------------------------------------------------------


def test_register_organisation(client):
    response = client.post(URL, {"kind": "legal_person", "identifier": f"  {ORG_ID.lower()} ", "name": " 某某有限公司 "}, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["identifier"] == ORG_ID
    assert body["name"] == "某某有限公司"
    assert body["responsible_persons"] == []
    subject = Subject.objects.get(identifier=ORG_ID)
    assert AuditEvent.objects.get(object_id=str(subject.pk), action="subject_created").actor.username == "tax"


def test_register_person_derives_birth_date(client):
    response = client.post(URL, {"kind": "natural_person", "identifier": PERSON_ID, "name": "李四"}, format="json")

    assert response.status_code == 201
    assert response.json()["birth_date"] == "1980-01-01"


def test_register_organisation_with_responsible_persons_reuses_known_person(client):
    known = PersonFactory()
    new_id = make_citizen_id(99)

    response = client.post(
        URL,
        {
            "kind": "legal_person",
            "identifier": ORG_ID,
            "name": "某某有限公司",
            "responsible_persons": [
                {"identifier": known.identifier, "name": known.name, "role": "legal_representative"},
                {"identifier": new_id.lower(), "name": "王五", "role": "directly_responsible"},
            ],
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert sorted((p["identifier"], p["role"]) for p in response.json()["responsible_persons"]) == [
        (known.identifier, "legal_representative"),
        (new_id, "directly_responsible"),
    ]
    assert Subject.objects.filter(kind=SubjectKind.NATURAL_PERSON).count() == 2
    assert ResponsiblePerson.objects.filter(organisation__identifier=ORG_ID).count() == 2
    # Registering is not a look-up of someone's record.
    assert not AuditEvent.objects.filter(action="person_record_viewed").exists()


@pytest.mark.parametrize(
    ("kind", "identifier", "fragment"),
    [
        ("legal_person", "91110105MA0000000", "18 characters"),
        ("legal_person", ORG_ID[:17] + ("0" if ORG_ID[17] != "0" else "1"), "check character"),
        ("legal_person", "91110105MA00000O0" + "0", "never used"),
        ("natural_person", "110105800101123", "15-digit"),
        ("natural_person", PERSON_ID[:17] + ("0" if PERSON_ID[17] != "0" else "1"), "check digit"),
        ("natural_person", "110105199902301234", "birth date"),
        ("natural_person", ORG_ID, "17 digits"),
    ],
)
def test_bad_identifier_is_400_naming_the_field(client, kind, identifier, fragment):
    response = client.post(URL, {"kind": kind, "identifier": identifier, "name": "某某"}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["identifier"]
    assert fragment in response.json()["identifier"][0]
    assert not Subject.objects.exists()


def test_duplicate_identifier_is_400_on_identifier(client):
    SubjectFactory(identifier=ORG_ID)

    response = client.post(URL, {"kind": "legal_person", "identifier": ORG_ID.lower(), "name": "另一家公司"}, format="json")

    assert response.status_code == 400
    assert "already exists" in response.json()["identifier"][0]
    assert Subject.objects.count() == 1


def test_missing_fields_are_named(client):
    response = client.post(URL, {}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"kind", "identifier", "name"}


def test_bad_responsible_person_is_reported_at_its_position(client):
    response = client.post(
        URL,
        {
            "kind": "legal_person",
            "identifier": ORG_ID,
            "name": "某某有限公司",
            "responsible_persons": [
                {"identifier": make_citizen_id(1), "name": "甲", "role": "principal"},
                {"identifier": "110105800101123", "name": "乙", "role": "principal"},
            ],
        },
        format="json",
    )

    assert response.status_code == 400
    errors = response.json()["responsible_persons"]
    # DRF 3.18 keys list errors by the position of each refused item.
    assert list(errors) == ["1"]
    assert "15-digit" in errors["1"]["identifier"][0]
    assert not Subject.objects.exists()


def test_person_cannot_have_responsible_persons(client):
    response = client.post(
        URL,
        {
            "kind": "natural_person",
            "identifier": PERSON_ID,
            "name": "李四",
            "responsible_persons": [{"identifier": make_citizen_id(1), "name": "甲", "role": "principal"}],
        },
        format="json",
    )

    assert response.status_code == 400
    assert "responsible_persons" in response.json()
    assert not Subject.objects.exists()


@pytest.mark.parametrize(
    ("roles", "status"),
    [
        (["initiating"], 201),
        (["executing"], 201),
        (["credit_office"], 201),
        (["leadership_office"], 403),
    ],
)
def test_who_may_register(client_as, dept_user, roles, status):
    response = client_as(dept_user(roles=roles)).post(
        URL, {"kind": "legal_person", "identifier": ORG_ID, "name": "某某有限公司"}, format="json"
    )

    assert response.status_code == status
    assert Subject.objects.filter(identifier=ORG_ID).exists() is (status == 201)


# --- look-up -------------------------------------------------------------------------------


def test_lookup_by_identifier_ignores_case_and_spaces(client):
    wanted = SubjectFactory(identifier=ORG_ID)
    SubjectFactory()

    response = client.get(URL, {"identifier": f" {ORG_ID.lower()} "})

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [wanted.pk]


def test_search_by_name_and_kind(office):
    org = SubjectFactory(name="兰州某某建筑有限公司")
    SubjectFactory(name="其他公司")
    person = PersonFactory(name="兰某")

    by_name = office.get(URL, {"q": "兰", "reason": "check"}).json()["results"]
    by_kind = office.get(URL, {"q": "兰", "kind": "natural_person", "reason": "check"}).json()["results"]

    assert sorted(row["id"] for row in by_name) == sorted([org.pk, person.pk])
    assert [row["id"] for row in by_kind] == [person.pk]


def test_unknown_kind_is_400(client):
    response = client.get(URL, {"kind": "robot"})

    assert response.status_code == 400
    assert "kind" in response.json()


def test_list_is_cursor_paginated(client):
    subjects = [SubjectFactory() for _i in range(3)]

    first = client.get(URL, {"page_size": 2}).json()
    second = client.get(first["next"]).json()

    assert set(first) == {"next", "previous", "results"}
    assert [row["id"] for row in first["results"] + second["results"]] == [s.pk for s in reversed(subjects)]
    assert second["next"] is None


def test_list_of_organisations_is_one_query_and_logs_nothing(client, django_assert_max_num_queries):
    for _i in range(5):
        SubjectFactory()

    with django_assert_max_num_queries(2):  # the user (force_authenticate skips it), the page
        response = client.get(URL)

    assert len(response.json()["results"]) == 5
    assert not AuditEvent.objects.filter(action="person_record_viewed").exists()


def test_detail(client):
    org = SubjectFactory(identifier=ORG_ID)

    response = client.get(f"{URL}{org.pk}/")

    assert response.status_code == 200
    assert response.json()["identifier"] == ORG_ID


@pytest.mark.parametrize("subject_id", ["999999", "abc"])
def test_unknown_subject_is_404(client, subject_id):
    response = client.get(f"{URL}{subject_id}/")

    assert response.status_code == 404
    assert "detail" in response.json()


# --- the person look-up log (RULES.md: every look-up of a person's record is logged) --------


def test_person_detail_lookup_is_logged_with_who_and_why(client_as, dept_user):
    user = dept_user(username="court", roles=["credit_office"])
    person = PersonFactory()

    response = client_as(user).get(f"{URL}{person.pk}/", {"reason": "enforcement case (2026)甘0702执123号"})

    assert response.status_code == 200
    event = looked_up(person).get()
    assert event.actor == user
    assert event.department == user.department
    assert event.reason == "enforcement case (2026)甘0702执123号"


def test_person_found_by_identifier_is_logged(client):
    person = PersonFactory(identifier=PERSON_ID)

    response = client.get(URL, {"identifier": PERSON_ID.lower(), "reason": "licence application 17"})

    assert [row["id"] for row in response.json()["results"]] == [person.pk]
    assert list(looked_up(person).values_list("reason", flat=True)) == ["licence application 17"]


def test_each_lookup_is_logged_again(office):
    person = PersonFactory()

    office.get(f"{URL}{person.pk}/", {"reason": "first"})
    office.get(f"{URL}{person.pk}/", {"reason": "second"})

    assert list(looked_up(person).values_list("seq", flat=True)) == [2, 3]  # after subject_created


def test_organisation_detail_logs_its_responsible_persons_not_itself(client):
    org = SubjectFactory()
    person = PersonFactory()
    ResponsiblePerson.objects.create(organisation=org, person=person, role="legal_representative")

    response = client.get(f"{URL}{org.pk}/", {"reason": "tender review"})

    assert response.json()["responsible_persons"] == [
        {"person": person.pk, "identifier": person.identifier, "name": person.name, "role": "legal_representative"}
    ]
    assert looked_up(person).get().reason == "tender review"
    assert not looked_up(org).exists()


def test_organisation_detail_without_a_reason_masks_its_responsible_persons_and_logs_nothing(client):
    org = SubjectFactory()
    person = PersonFactory(identifier=PERSON_ID, name="王建国")
    ResponsiblePerson.objects.create(organisation=org, person=person, role="legal_representative")

    response = client.get(f"{URL}{org.pk}/")

    assert response.status_code == 200
    assert response.json()["responsible_persons"] == [
        {"person": person.pk, "identifier": PERSON_ID[:6] + "********" + PERSON_ID[-4:], "name": "王**", "role": "legal_representative"}
    ]
    assert not AuditEvent.objects.filter(action="person_record_viewed").exists()


def test_failed_lookup_logs_nothing(client):
    client.get(f"{URL}999999/")

    assert not AuditEvent.objects.filter(action="person_record_viewed").exists()


def test_department_without_the_add_subject_permission_may_not_register(client_as, dept_user):
    user = dept_user()
    user.department.group.permissions.remove(*user.department.group.permissions.filter(codename="add_subject"))

    response = client_as(user).post(URL, {"kind": "legal_person", "identifier": ORG_ID, "name": "某某有限公司"}, format="json")

    assert response.status_code == 403
    assert not Subject.objects.exists()
