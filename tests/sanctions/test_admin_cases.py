"""The joint case admin: creation form, buttons, refusals shown as messages, bulk push."""
import re

import pytest

from sanctions import services
from sanctions.models import BulkPushJob, CaseState, JointCase

ADD = "/admin/sanctions/jointcase/add/"
CASE_LIST = "/admin/sanctions/jointcase/"


def case_url(case, action=""):
    return f"/admin/sanctions/jointcase/{case.pk}/" + (f"do/{action}/" if action else "change/")


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def buttons_on(page: str) -> set[str]:
    return set(re.findall(r'<(?:button|a) [^>]*data-action="([a-z_]+)"', page))


def form_data(world, **overrides):
    memorandum = world.memorandum("judgement-defaulters")
    data = {
        "subject": world.company.pk,
        "kind": "punishment",
        "memorandum": memorandum.pk,
        "basis": "（2026）甘0702执123号 失信被执行人",
        "basis_document": "（2026）甘0702执123号",
        "period_start": "2026-11-01",
        "period_end": "2029-10-31",
        "offered_for": f"{world.company.pk}:{memorandum.pk}",
    }
    data.update(overrides)
    return data


# --- creation ------------------------------------------------------------------------------------


def test_the_clerk_can_untick_offered_measures(world, client):
    client.force_login(world.user("court"))
    fitting = services.measures_fitting(memorandum=world.memorandum("judgement-defaulters"), subject=world.company)
    chosen = [m for m in fitting if m.code in {"P-FIN-01", "P-TRD-01"}]

    response = client.post(ADD, form_data(world, measures=[m.pk for m in chosen]))

    case = JointCase.objects.get()
    assert response.status_code == 302
    assert set(case.measures.values_list("code", flat=True)) == {"P-FIN-01", "P-TRD-01"}


def test_changing_the_subject_offers_its_measures_again(world, client):
    client.force_login(world.user("court"))
    person = world.subject("620702197804128519")
    stale = form_data(world)  # offered for the company

    response = client.post(ADD, {**stale, "subject": person.pk, "measures": []})

    assert response.status_code == 200
    assert not JointCase.objects.exists()
    page = response.content.decode()
    offered = set(re.findall(r'name="measures" value="(\d+)"', page))
    fitting = services.measures_fitting(memorandum=world.memorandum("judgement-defaulters"), subject=person)
    assert offered == {str(m.pk) for m in fitting}
    assert "P-HOU-01" not in page  # construction firms only


def test_service_refusals_show_on_the_form_fields(world, client):
    client.force_login(world.user("court"))

    response = client.post(ADD, form_data(world, period_start="2029-01-01", period_end="2027-01-01", measures=[]))

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "period_end" in form.errors
    assert "measures" in form.errors  # nothing ticked is not "all"
    assert not JointCase.objects.exists()


@pytest.mark.parametrize(("start", "end", "field"), [
    ("0001-01-01", "2027-01-01", "period_start"),
    ("2026-11-01", "9999-12-31", "period_end"),
])
def test_absurd_periods_are_form_errors(world, client, start, end, field):
    client.force_login(world.user("court"))

    response = client.post(ADD, form_data(world, period_start=start, period_end=end))

    assert response.status_code == 200
    assert "1990-01-01" in str(response.context["adminform"].form.errors[field])
    assert not JointCase.objects.exists()


def test_only_memoranda_the_department_initiates_are_offered(world, client):
    client.force_login(world.user("tax"))
    page = client.get(ADD).content.decode()
    tax_memo, court_memo = world.memorandum("major-tax-violations"), world.memorandum("judgement-defaulters")
    assert f'<option value="{tax_memo.pk}"' in page
    assert f'<option value="{court_memo.pk}"' not in page

    response = client.post(ADD, form_data(world, memorandum=court_memo.pk))

    assert "memorandum" in response.context["adminform"].form.errors
    assert not JointCase.objects.exists()


@pytest.mark.parametrize("code", ["finance", "leadership_office"])
def test_departments_that_do_not_initiate_get_no_creation_form(world, client, code):
    client.force_login(world.user(code))
    assert client.get(ADD).status_code == 403
    assert client.post(ADD, form_data(world)).status_code == 403
    assert 'href="/admin/sanctions/jointcase/add/"' not in client.get(CASE_LIST).content.decode()


def test_fitting_measures_endpoint_answers_the_form_script(world, client):
    client.force_login(world.user("court"))
    memorandum = world.memorandum("judgement-defaulters")

    data = client.get("/admin/sanctions/jointcase/fitting-measures/", {"subject": world.company.pk, "memorandum": memorandum.pk}).json()

    assert data["offered_for"] == f"{world.company.pk}:{memorandum.pk}"
    assert data["kind"] == "punishment"
    assert len(data["measures"]) == 10
    client.force_login(world.user("tax"))  # not an initiator of this memorandum
    assert client.get("/admin/sanctions/jointcase/fitting-measures/", {"subject": world.company.pk, "memorandum": memorandum.pk}).status_code == 404


# --- buttons ---------------------------------------------------------------------------------------


def test_buttons_follow_the_state_and_the_department(world, client):
    case = world.defaulter_case()
    client.force_login(world.user("court"))
    assert buttons_on(client.get(case_url(case)).content.decode()) == {"edit", "initiate", "discard"}
    services.case_initiate(case=case, actor=world.user("court"))
    assert buttons_on(client.get(case_url(case)).content.decode()) == {"push", "revoke"}
    services.case_push(case=case, actor=world.user("court"))
    assert buttons_on(client.get(case_url(case)).content.decode()) == {"amend", "revoke"}

    # an executing department sees the case but none of its buttons
    client.force_login(world.user("finance"))
    response = client.get(case_url(case))
    assert response.status_code == 200
    assert buttons_on(response.content.decode()) == set()


def test_executing_department_cannot_push_by_posting(world, client):
    case = world.defaulter_case()
    services.case_initiate(case=case, actor=world.user("court"))
    other = world.pushed_case()  # finance may see this one
    client.force_login(world.user("finance"))

    # not visible to finance yet: answers like a missing object
    assert client.post(case_url(case, "push")).status_code in (302, 404)
    # visible, but finance does not manage it: refused with a message, nothing changes
    response = client.post(case_url(other, "revoke"), {"reason": "not ours"}, follow=True)
    assert response.status_code == 200
    assert any("Only the initiating department" in m for m in messages_of(response))
    case.refresh_from_db()
    other.refresh_from_db()
    assert case.state == CaseState.INITIATED
    assert other.state == CaseState.PUSHED


def test_illegal_transition_is_a_message_not_a_500(world, client):
    case = world.pushed_case()
    pushes = case.assignments.count()
    client.force_login(world.user("court"))

    response = client.post(case_url(case, "push"), follow=True)

    assert response.status_code == 200
    assert any("not possible" in m for m in messages_of(response))
    assert case.assignments.count() == pushes


def test_revoke_asks_for_the_reason(world, client):
    case = world.pushed_case()
    client.force_login(world.user("court"))
    assert client.get(case_url(case, "revoke")).status_code == 200

    response = client.post(case_url(case, "revoke"), {"reason": "  "})

    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    case.refresh_from_db()
    assert case.state == CaseState.PUSHED

    response = client.post(case_url(case, "revoke"), {"reason": "判决已履行完毕"})

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.REVOKED
    assert case.end_reason == "判决已履行完毕"
    assert set(case.assignments.values_list("state", flat=True)) == {"lifting"}


def test_discard_a_draft(world, client):
    case = world.defaulter_case()
    client.force_login(world.user("court"))

    response = client.post(case_url(case, "discard"), {"reason": "opened twice"}, follow=True)

    case.refresh_from_db()
    assert case.state == CaseState.DISCARDED
    assert any("discarded" in m for m in messages_of(response))


def test_a_case_form_is_never_saved_through_the_change_page(world, client):
    case = world.defaulter_case()
    client.force_login(world.user("court"))
    response = client.post(case_url(case), {"basis": "changed"})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.basis != "changed"


# --- list ------------------------------------------------------------------------------------------


def test_list_shows_only_the_departments_cases_and_searches_exactly(world, client):
    own = world.pushed_case()
    tax_case = services.case_create(
        actor=world.user("tax"), subject=world.subject("91620702MA55TH2835"), kind="punishment",
        memorandum=world.memorandum("major-tax-violations"), basis="税务处罚决定", period_start=own.period_start, period_end=own.period_end,
    )
    client.force_login(world.user("court"))

    page = client.get(CASE_LIST).content.decode()
    assert own.number in page and tax_case.number not in page
    assert own.number in client.get(CASE_LIST, {"q": world.company.identifier.lower()}).content.decode()
    assert own.number not in client.get(CASE_LIST, {"q": world.company.identifier[:10]}).content.decode()
    assert own.number in client.get(CASE_LIST, {"q": "金川建筑"}).content.decode()
    assert own.number in client.get(CASE_LIST, {"state__exact": "pushed"}).content.decode()


def test_bulk_push_runs_and_reports_progress(world, client, django_capture_on_commit_callbacks):
    ready = [world.defaulter_case() for _ in range(2)]
    for case in ready:
        services.case_initiate(case=case, actor=world.user("court"))
    draft = world.defaulter_case()
    client.force_login(world.user("court"))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CASE_LIST, {"action": "push_selected", "_selected_action": [c.pk for c in [*ready, draft]]})

    job = BulkPushJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/sanctions/bulkpushjob/{job.pk}/change/"
    job.refresh_from_db()
    assert (job.state, job.total, job.pushed, job.skipped) == ("done", 3, 2, 1)
    assert set(JointCase.objects.filter(pk__in=[c.pk for c in ready]).values_list("state", flat=True)) == {CaseState.PUSHED}
    page = client.get(response["Location"]).content.decode()
    assert 'http-equiv="refresh"' not in page  # done: no more reloading

    # another department neither lists nor opens the job
    client.force_login(world.user("tax"))
    assert client.get(f"/admin/sanctions/bulkpushjob/{job.pk}/change/").status_code in (302, 404)
    assert f"/admin/sanctions/bulkpushjob/{job.pk}/change/" not in client.get("/admin/sanctions/bulkpushjob/").content.decode()


def test_progress_page_refreshes_while_the_job_runs(world, client):
    case = world.defaulter_case()
    services.case_initiate(case=case, actor=world.user("court"))
    job = services.bulk_push_request(actor=world.user("court"), case_ids=[case.pk])  # tasks wait for the commit
    client.force_login(world.user("court"))

    page = client.get(f"/admin/sanctions/bulkpushjob/{job.pk}/change/").content.decode()

    assert 'http-equiv="refresh"' in page


def test_executing_department_has_no_bulk_push_action(world, client):
    world.pushed_case()
    client.force_login(world.user("finance"))
    assert "push_selected" not in client.get(CASE_LIST).content.decode()


def test_pages_render_in_chinese(world, client):
    case = world.pushed_case()
    push = case.assignments.get(department__code="finance", target=case.subject)
    client.force_login(world.user("court"))
    for url in (CASE_LIST, ADD, case_url(case), case_url(case, "revoke"), "/admin/sanctions/assignment/"):
        assert client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").status_code == 200
    client.force_login(world.user("finance"))
    services.assignment_acknowledge(assignment=push, actor=world.user("finance"))
    for url in (f"/admin/sanctions/assignment/{push.pk}/change/", f"/admin/sanctions/assignment/{push.pk}/do/feedback/"):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 200
        assert 'lang="zh-hans"' in response.content.decode()
