"""Cases over the API: opening with bad input, the list and its filters, bulk pushes."""
import datetime

import pytest

from sanctions import services
from sanctions.models import Assignment, BulkPushJob, CaseState, JointCase
from tests.sanctions.test_api_support import API, OTHER_COMPANIES, api, case_body, count_queries, measure_id  # noqa: F401 (fixture)

# --- opening a case ------------------------------------------------------------------------------


def test_chosen_measures_are_kept_and_the_memorandum_may_be_named_by_code(world, api):
    measures = [measure_id("P-FIN-01"), measure_id("P-TRD-01")]

    response = api("court").post(
        f"{API}/cases/", case_body(world, memorandum=None, memorandum_code="judgement-defaulters", measures=measures), format="json"
    )

    assert response.status_code == 201, response.json()
    assert response.json()["measures"] == ["P-FIN-01", "P-TRD-01"]
    case = JointCase.objects.get()
    assert set(case.measures.values_list("code", flat=True)) == {"P-FIN-01", "P-TRD-01"}
    assert case.created_by.username == "court"


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"measures": [999999]}, "measures", "Unknown measures: 999999"),
        ({"measures": ["P-FIN-01"]}, "measures", "valid integer"),
        ({"measures": []}, "measures", "at least one measure"),
        ({"period_start": "2027-01-01", "period_end": "2026-12-31"}, "period_end", "cannot end before it starts"),
        ({"period_end": "2026-13-01"}, "period_end", "wrong format"),
        ({"memorandum": None}, "memorandum", "Give the memorandum"),
        ({"memorandum": 999999}, "memorandum", "does not exist"),
        ({"subject": 999999}, "subject", "does not exist"),
        ({"kind": "reward"}, "memorandum", "different kind of case"),
        ({"kind": "fine"}, "kind", "not a valid choice"),
        ({"basis": "  "}, "basis", "basis of the case"),
        ({"period_start": "0001-01-01"}, "period_start", "between 1990-01-01 and 2099-12-31"),
        ({"period_end": "9999-12-31"}, "period_end", "between 1990-01-01 and 2099-12-31"),
        ({"period_start": "1989-12-31", "period_end": "1990-06-30"}, "period_start", "between 1990-01-01"),
        ({"period_start": "2026-11-01", "period_end": "2046-11-02"}, "period_end", "过惩相当"),  # severe: 3 years at most
    ],
)
def test_bad_case_input_is_400_naming_the_field(world, api, overrides, field, fragment):
    response = api("court").post(f"{API}/cases/", case_body(world, **overrides), format="json")

    assert response.status_code == 400
    assert fragment in str(response.json()[field]), response.json()
    assert not JointCase.objects.exists()


def test_measures_outside_the_memorandum_or_not_fitting_the_subject_are_400(world, api):
    court = api("court")
    person = world.subject("620702197804128519")

    not_fitting = court.post(f"{API}/cases/", case_body(world, subject=person.pk, measures=[measure_id("P-HOU-01")]), format="json")
    outside = court.post(f"{API}/cases/", case_body(world, measures=[measure_id("P-TAX-01")]), format="json")

    for response, code in [(not_fitting, "P-HOU-01"), (outside, "P-TAX-01")]:
        assert response.status_code == 400
        assert code in response.json()["measures"][0]
    assert not JointCase.objects.exists()


def test_memorandum_and_a_different_memorandum_code_are_refused(world, api):
    body = case_body(world, memorandum_code="major-tax-violations")

    response = api("court").post(f"{API}/cases/", body, format="json")

    assert response.status_code == 400
    assert "memorandum_code" in response.json()


def test_revoke_needs_a_reason(world, api):
    case = world.pushed_case()

    response = api("court").post(f"{API}/cases/{case.pk}/revoke/", {"reason": " "}, format="json")
    missing = api("court").post(f"{API}/cases/{case.pk}/revoke/", {}, format="json")

    assert response.status_code == missing.status_code == 400
    assert "reason" in response.json() and "reason" in missing.json()
    case.refresh_from_db()
    assert case.state == CaseState.PUSHED


def test_illegal_case_transitions_are_409_with_state_and_allowed(world, api):
    case = world.defaulter_case()
    court = api("court")

    push_draft = court.post(f"{API}/cases/{case.pk}/push/")
    court.post(f"{API}/cases/{case.pk}/initiate/")
    discard_initiated = court.post(f"{API}/cases/{case.pk}/discard/")

    assert push_draft.status_code == 409
    assert push_draft.json()["state"] == CaseState.DRAFT
    assert {"discard", "initiate"} <= set(push_draft.json()["allowed"])
    assert discard_initiated.status_code == 409
    assert discard_initiated.json()["state"] == CaseState.INITIATED
    assert not Assignment.objects.exists()


# --- the list ------------------------------------------------------------------------------------


def make_cases(world, n, *, push=False, first_subject=0):
    court = world.user("court")
    cases = []
    for i in range(first_subject, first_subject + n):
        case = world.defaulter_case(subject=world.subject(OTHER_COMPANIES[i % len(OTHER_COMPANIES)]))
        if push:
            services.case_initiate(case=case, actor=court)
            services.case_push(case=case, actor=court)
        cases.append(case)
    return cases


@pytest.mark.parametrize("username", ["court", "finance", "leader", "credit_office"])
def test_case_list_queries_do_not_grow_with_rows(world, api, django_assert_max_num_queries, username):
    client = api(username)
    make_cases(world, 3, push=True)
    few, body = count_queries(client, f"{API}/cases/")
    assert len(body["results"]) == 3

    make_cases(world, 9, push=True)
    with django_assert_max_num_queries(few):
        response = client.get(f"{API}/cases/")

    assert len(response.json()["results"]) == 12


def test_case_list_is_newest_first_with_cursor_pages(world, api):
    cases = make_cases(world, 5)
    court = api("court")

    first = court.get(f"{API}/cases/", {"page_size": 2}).json()
    second = court.get(first["next"]).json()

    assert [c["id"] for c in first["results"]] == [cases[4].pk, cases[3].pk]
    assert [c["id"] for c in second["results"]] == [cases[2].pk, cases[1].pk]
    assert "count" not in first
    assert first["results"][0]["memorandum"] == "judgement-defaulters"
    assert first["results"][0]["subject"]["identifier"] == OTHER_COMPANIES[4 % len(OTHER_COMPANIES)]


def test_case_list_filters(world, api):
    draft, pushed = make_cases(world, 1)[0], make_cases(world, 1, push=True, first_subject=1)[0]
    tax_case = services.case_create(
        actor=world.user("tax"), subject=world.company, kind="punishment", memorandum=world.memorandum("major-tax-violations"),
        basis="重大税收违法", period_start=datetime.date(2026, 11, 1), period_end=datetime.date(2027, 10, 31),
    )
    office = api("credit_office")

    def ids(**params):
        response = office.get(f"{API}/cases/", params)
        assert response.status_code == 200, response.json()
        return {c["id"] for c in response.json()["results"]}

    assert ids(state="draft") == {draft.pk, tax_case.pk}
    assert ids(state="pushed") == {pushed.pk}
    assert ids(kind="punishment") == {draft.pk, pushed.pk, tax_case.pk}
    assert ids(kind="reward") == set()
    assert ids(memorandum="major-tax-violations") == {tax_case.pk}
    assert ids(initiating_department="court") == {draft.pk, pushed.pk}
    assert ids(subject_identifier=" " + world.company.identifier.lower()) == {tax_case.pk}
    assert ids(subject_identifier=draft.subject.identifier) == {draft.pk}
    assert office.get(f"{API}/cases/", {"state": "flying"}).status_code == 400


# --- bulk push -----------------------------------------------------------------------------------


def test_bulk_push_answers_202_and_the_job_shows_progress(world, api, django_capture_on_commit_callbacks):
    court_user = world.user("court")
    cases = make_cases(world, 3)
    for case in cases[:2]:
        services.case_initiate(case=case, actor=court_user)
    court = api("court")

    with django_capture_on_commit_callbacks(execute=True):
        response = court.post(f"{API}/cases/bulk-push/", {"cases": [c.pk for c in cases]}, format="json", HTTP_IDEMPOTENCY_KEY="bulk-1")

    assert response.status_code == 202, response.json()
    body = response.json()
    job = BulkPushJob.objects.get()
    assert body["id"] == job.pk and body["total"] == 3
    assert body["status_url"].endswith(f"/api/v1/bulk-push-jobs/{job.pk}/")
    assert response["Location"] == body["status_url"]
    progress = court.get(body["status_url"]).json()
    # Two initiated cases pushed; the draft one is not ready and counts as skipped.
    assert progress["state"] == "done"
    assert (progress["pushed"], progress["skipped"], progress["failed"], progress["percent"]) == (2, 1, 0, 100)
    assert set(JointCase.objects.filter(pk__in=[c.pk for c in cases]).values_list("state", flat=True)) == {"pushed", "draft"}

    # The same key again: the same answer, no second job.
    again = court.post(f"{API}/cases/bulk-push/", {"cases": [c.pk for c in cases]}, format="json", HTTP_IDEMPOTENCY_KEY="bulk-1")
    assert again.status_code == 202 and again.json() == body
    assert BulkPushJob.objects.count() == 1


def test_bulk_push_refuses_cases_the_department_cannot_see_and_empty_lists(world, api):
    tax_case = services.case_create(
        actor=world.user("tax"), subject=world.company, kind="punishment", memorandum=world.memorandum("major-tax-violations"),
        basis="重大税收违法", period_start=datetime.date(2026, 11, 1), period_end=datetime.date(2027, 10, 31),
    )
    court = api("court")

    unseen = court.post(f"{API}/cases/bulk-push/", {"cases": [tax_case.pk]}, format="json")
    empty = court.post(f"{API}/cases/bulk-push/", {"cases": []}, format="json")

    assert unseen.status_code == empty.status_code == 400
    assert "cases" in unseen.json() and "cases" in empty.json()
    assert not BulkPushJob.objects.exists()


def test_bulk_push_is_for_initiating_departments(world, api):
    case = make_cases(world, 1, push=True)[0]

    assert api("finance").post(f"{API}/cases/bulk-push/", {"cases": [case.pk]}, format="json").status_code == 403
    assert not BulkPushJob.objects.exists()
