"""The case journey clicked through the admin: the court opens, initiates and pushes a case; the
finance bureau signs for its push and feeds back; the tax bureau never sees it."""
import datetime
import re

from django.urls import reverse

from credit_platform.models import AuditEvent
from sanctions.models import Assignment, AssignmentState, CaseState, JointCase, MeasureFeedback

COMPANY = "91620702MAQJWYL7XF"
CASE_LIST = "/admin/sanctions/jointcase/"
INBOX = "/admin/sanctions/assignment/"


def case_url(case, action=""):
    return f"/admin/sanctions/jointcase/{case.pk}/" + (f"do/{action}/" if action else "change/")


def assignment_url(assignment, action=""):
    return f"/admin/sanctions/assignment/{assignment.pk}/" + (f"do/{action}/" if action else "change/")


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def create_form_data(world, **overrides):
    data = {
        "subject": world.company.pk,
        "kind": "punishment",
        "memorandum": world.memorandum("judgement-defaulters").pk,
        "basis": "（2026）甘0702执123号 失信被执行人",
        "basis_document": "（2026）甘0702执123号",
        "period_start": "2026-11-01",
        "period_end": "2029-10-31",
    }
    data.update(overrides)
    return data


def offered_measure_ids(page: str) -> list[str]:
    return re.findall(r'<input type="checkbox" name="measures" value="(\d+)"[^>]*checked', page)


def test_the_case_journey_by_clicking(world, client, django_capture_on_commit_callbacks):
    court, finance = world.user("court"), world.user("finance")

    # given: the court's clerk opens the creation form
    client.force_login(court)
    assert client.get("/admin/sanctions/jointcase/add/").status_code == 200

    # when: the subject and memorandum are saved, the fitting measures are offered, all ticked
    first = client.post("/admin/sanctions/jointcase/add/", create_form_data(world))
    assert first.status_code == 200
    assert not JointCase.objects.exists()
    page = first.content.decode()
    offered = offered_measure_ids(page)
    assert len(offered) == 10
    offered_for = f"{world.company.pk}:{world.memorandum('judgement-defaulters').pk}"
    assert f'value="{offered_for}"' in page

    # and the clerk saves again: a draft with those measures
    second = client.post("/admin/sanctions/jointcase/add/", {**create_form_data(world), "offered_for": offered_for, "measures": offered})
    case = JointCase.objects.get()
    assert second.status_code == 302 and second["Location"] == case_url(case)
    assert case.state == CaseState.DRAFT
    assert case.initiating_department.code == "court"
    assert case.measures.count() == 10

    # the draft's page offers Initiate and Discard, not Push
    page = client.get(case_url(case)).content.decode()
    assert 'data-action="initiate"' in page and 'data-action="discard"' in page
    assert 'data-action="push"' not in page

    # initiate, then push
    response = client.post(case_url(case, "initiate"), follow=True)
    assert any("initiated" in m for m in messages_of(response))
    case.refresh_from_db()
    assert case.state == CaseState.INITIATED
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(case_url(case, "push"), follow=True)
    assert any("pushed" in m for m in messages_of(response))
    case.refresh_from_db()
    assert case.state == CaseState.PUSHED
    assert case.assignments.count() > 1
    page = response.content.decode()
    # the court sees every department's row
    assert set(re.findall(r'class="assignment-row[^"]*" data-department="([a-z_]+)"', page)) == set(
        case.assignments.values_list("department__code", flat=True)
    )

    # the finance bureau finds the push in its inbox
    client.force_login(finance)
    assignment = Assignment.objects.get(case=case, department__code="finance")
    inbox = client.get(INBOX).content.decode()
    assert case.number in inbox
    assert assignment_url(assignment) in inbox

    # it signs for it
    page = client.get(assignment_url(assignment)).content.decode()
    assert 'data-action="acknowledge"' in page and 'data-action="return"' in page
    response = client.post(assignment_url(assignment, "acknowledge"), follow=True)
    assert any("Signed for" in m for m in messages_of(response))
    assignment.refresh_from_db()
    case.refresh_from_db()
    assert assignment.state == AssignmentState.ACKNOWLEDGED
    assert case.state == CaseState.EXECUTING

    # and feeds back every measure
    form = client.get(assignment_url(assignment, "feedback"))
    assert form.status_code == 200
    measures = list(assignment.measures.all())
    data = {}
    for measure in measures:
        data[f"m{measure.pk}-outcome"] = "applied"
        data[f"m{measure.pk}-occurred_on"] = datetime.date.today().isoformat()
        data[f"m{measure.pk}-business_reference"] = f"CZ-{measure.code}"
    response = client.post(assignment_url(assignment, "feedback"), data)
    assert response.status_code == 302 and response["Location"] == assignment_url(assignment)
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.FED_BACK
    assert set(MeasureFeedback.objects.filter(assignment=assignment).values_list("business_reference", flat=True)) == {
        f"CZ-{m.code}" for m in measures
    }
    assert AuditEvent.objects.filter(stream=f"sanctions.assignment:{assignment.pk}", action="assignment_fed_back").exists()

    # the finance bureau's view of the case: its own row and its own feedback only
    page = client.get(case_url(case)).content.decode()
    assert set(re.findall(r'class="assignment-row[^"]*" data-department="([a-z_]+)"', page)) == {"finance"}
    assert set(re.findall(r'class="feedback-record[^"]*" data-department="([a-z_]+)"', page)) == {"finance"}
    # and the history of the case
    assert 'id="audit-history"' in page and "case_pushed" in page

    # the tax bureau: absent from its list, and the page and the buttons do not exist for it
    client.force_login(world.user("tax"))
    assert case.number not in client.get(CASE_LIST).content.decode()
    for url in (case_url(case), case_url(case, "revoke"), assignment_url(assignment)):
        response = client.get(url)
        assert response.status_code in (302, 404)
        if response.status_code == 302:
            assert response["Location"] == reverse("admin:index")
            assert any("doesn’t exist" in m for m in messages_of(client.get(response["Location"])))
    response = client.post(case_url(case, "revoke"), {"reason": "not ours"})
    assert response.status_code in (302, 404)
    case.refresh_from_db()
    assert case.state == CaseState.EXECUTING
