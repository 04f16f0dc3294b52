"""A draft case can be corrected (basis, period, measures) by its initiating department, until it is
initiated; every correction is audited with what changed."""
import datetime

import pytest
from rest_framework.test import APIClient

from credit_platform.exceptions import IllegalTransition
from credit_platform.models import AuditEvent
from sanctions import services
from sanctions.models import CaseState, JointCase


def _api(world, username):
    client = APIClient()
    client.force_authenticate(world.user(username))
    return client


def test_the_initiating_department_corrects_its_draft(world):
    case = world.defaulter_case()
    measures = list(case.measures.order_by("code"))[:2]

    services.case_draft_update(
        case=case, actor=world.user("court"), basis="（2026）甘0702执124号 失信被执行人", basis_document="（2026）甘0702执124号",
        period_start=datetime.date(2026, 12, 1), period_end=datetime.date(2028, 11, 30), measures=measures,
    )

    case = JointCase.objects.get(pk=case.pk)
    assert (case.basis, case.period_start, case.period_end) == (
        "（2026）甘0702执124号 失信被执行人", datetime.date(2026, 12, 1), datetime.date(2028, 11, 30))
    assert sorted(case.measures.values_list("code", flat=True)) == sorted(m.code for m in measures)
    event = AuditEvent.objects.filter(object_id=str(case.pk), action="case_draft_edited").get()
    assert set(event.extra["changes"]) == {"basis", "basis_document", "period_start", "period_end", "measures"}
    assert event.extra["changes"]["period_start"] == ["2026-11-01", "2026-12-01"]


def test_saving_the_same_values_records_nothing(world):
    case = world.defaulter_case()

    services.case_draft_update(
        case=case, actor=world.user("court"), basis=case.basis, basis_document=case.basis_document,
        period_start=case.period_start, period_end=case.period_end, measures=list(case.measures.all()),
    )

    assert not AuditEvent.objects.filter(action="case_draft_edited").exists()


def test_an_initiated_case_cannot_be_edited(world):
    case = world.defaulter_case()
    services.case_initiate(case=case, actor=world.user("court"))

    with pytest.raises(IllegalTransition):
        services.case_draft_update(
            case=case, actor=world.user("court"), basis="x", period_start=case.period_start, period_end=case.period_end,
            measures=list(case.measures.all()),
        )


def test_api_patch_corrects_a_draft(world):
    case = world.defaulter_case()

    response = _api(world, "court").patch(f"/api/v1/cases/{case.pk}/", {"period_end": "2028-10-31"}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["period_end"] == "2028-10-31"
    assert response.json()["basis"] == case.basis  # what was not sent stays


@pytest.mark.parametrize("body, field", [
    ({"period_end": "2020-01-01"}, "period_end"),
    ({"basis": "  "}, "basis"),
    ({"measures": []}, "measures"),
    ({"measures": [999999]}, "measures"),
    ({"period_end": "9999-12-31"}, "period_end"),
    ({"period_start": "0001-01-01"}, "period_start"),
    ({"period_end": "2060-01-01"}, "period_end"),  # more than 20 years of measures
])
def test_api_patch_refuses_bad_input_by_field(world, body, field):
    case = world.defaulter_case()

    response = _api(world, "court").patch(f"/api/v1/cases/{case.pk}/", body, format="json")

    assert response.status_code == 400
    assert field in str(response.json())
    assert JointCase.objects.get(pk=case.pk).period_end == case.period_end


def test_api_patch_of_a_case_past_its_draft_is_a_conflict(world):
    case = world.defaulter_case()
    services.case_initiate(case=case, actor=world.user("court"))

    response = _api(world, "court").patch(f"/api/v1/cases/{case.pk}/", {"basis": "later"}, format="json")

    assert response.status_code == 409
    assert response.json()["state"] == CaseState.INITIATED


def test_other_departments_cannot_edit_a_draft(world):
    case = world.defaulter_case()

    hidden = _api(world, "tax").patch(f"/api/v1/cases/{case.pk}/", {"basis": "x"}, format="json")
    reader = _api(world, "leadership_office").patch(f"/api/v1/cases/{case.pk}/", {"basis": ""}, format="json")

    assert hidden.status_code == 404  # another department's draft does not exist for it
    assert reader.status_code == 403  # the leadership office reads, it does not edit (refused before the body)
    assert JointCase.objects.get(pk=case.pk).basis == case.basis


def test_admin_edit_form_shows_the_draft_and_saves_it(world, client):
    case = world.defaulter_case()
    client.force_login(world.user("court"))
    url = f"/admin/sanctions/jointcase/{case.pk}/do/edit/"

    page = client.get(url).content.decode()
    response = client.post(url, {
        "basis": "更正后的依据", "basis_document": "", "period_start": "2026-11-01", "period_end": "2029-10-31",
        "measures": [m.pk for m in case.measures.all()],
    })

    assert case.basis in page
    assert response.status_code == 302
    assert JointCase.objects.get(pk=case.pk).basis == "更正后的依据"


def test_admin_edit_of_another_departments_draft_answers_like_a_missing_case(world, client):
    case = world.defaulter_case()
    client.force_login(world.user("tax"))

    response = client.post(f"/admin/sanctions/jointcase/{case.pk}/do/edit/", {"basis": "x"})

    assert response.status_code == 302 and "/admin/" in response["Location"]
    assert JointCase.objects.get(pk=case.pk).basis == case.basis
