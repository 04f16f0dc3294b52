"""The assignment admin: the inbox, its buttons, feedback measure by measure, return and reassign."""
import datetime
import re

from credit_platform.models import AuditEvent
from sanctions import services
from sanctions.models import Assignment, AssignmentState, CaseState, MeasureFeedback

INBOX = "/admin/sanctions/assignment/"


def assignment_url(assignment, action=""):
    return f"/admin/sanctions/assignment/{assignment.pk}/" + (f"do/{action}/" if action else "change/")


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def buttons_on(page: str) -> set[str]:
    return set(re.findall(r'<(?:button|a) [^>]*data-action="([a-z_]+)"', page))


def listed_ids(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<th class="field-case_number"><a href="/admin/sanctions/assignment/(\d+)/change/', page)]


def push_of(case, code: str) -> Assignment:
    return Assignment.objects.get(case=case, department__code=code, target=case.subject)


def feedback_data(assignment, outcome="applied", note=""):
    data = {}
    for measure in assignment.measures.all():
        data[f"m{measure.pk}-outcome"] = outcome
        data[f"m{measure.pk}-note"] = note
        data[f"m{measure.pk}-occurred_on"] = datetime.date.today().isoformat()
        data[f"m{measure.pk}-business_reference"] = f"REF-{measure.code}"
    return data


def test_only_the_executing_department_gets_the_work_buttons(world, client):
    case = world.pushed_case()
    finance_push = push_of(case, "finance")

    client.force_login(world.user("finance"))
    assert buttons_on(client.get(assignment_url(finance_push)).content.decode()) == {"acknowledge", "return"}

    # the initiating department reads the push but cannot work it
    client.force_login(world.user("court"))
    response = client.get(assignment_url(finance_push))
    assert response.status_code == 200
    assert buttons_on(response.content.decode()) == set()
    response = client.post(assignment_url(finance_push, "acknowledge"), follow=True)
    assert any("Only the executing department" in m for m in messages_of(response))
    finance_push.refresh_from_db()
    assert finance_push.state == AssignmentState.PENDING


def test_another_executing_department_cannot_reach_the_push(world, client):
    case = world.pushed_case()
    finance_push = push_of(case, "finance")
    client.force_login(world.user("trading"))

    assert client.get(assignment_url(finance_push)).status_code in (302, 404)
    assert client.post(assignment_url(finance_push, "acknowledge")).status_code in (302, 404)
    assert finance_push.pk not in listed_ids(client.get(INBOX).content.decode())
    finance_push.refresh_from_db()
    assert finance_push.state == AssignmentState.PENDING


def test_bad_feedback_is_shown_on_the_form_and_changes_nothing(world, client):
    case = world.pushed_case()
    finance = world.user("finance")
    push = push_of(case, "finance")
    services.assignment_acknowledge(assignment=push, actor=finance)
    events = AuditEvent.objects.count()
    client.force_login(finance)

    response = client.post(assignment_url(push, "feedback"), feedback_data(push, outcome="failed", note=""))

    assert response.status_code == 200
    assert "give the reason" in " ".join(response.context["form"].non_field_errors())
    assert 'class="errorlist' in response.content.decode()
    push.refresh_from_db()
    assert push.state == AssignmentState.ACKNOWLEDGED
    assert not MeasureFeedback.objects.filter(assignment=push).exists()
    assert AuditEvent.objects.count() == events


def test_every_measure_needs_an_outcome(world, client):
    case = world.pushed_case()
    finance = world.user("finance")
    push = push_of(case, "finance")
    services.assignment_acknowledge(assignment=push, actor=finance)
    client.force_login(finance)
    data = feedback_data(push)
    data[next(k for k in data if k.endswith("-outcome"))] = ""

    response = client.post(assignment_url(push, "feedback"), data)

    assert response.status_code == 200
    assert any(row.errors for row in response.context["form"].rows)
    push.refresh_from_db()
    assert push.state == AssignmentState.ACKNOWLEDGED


def test_failed_measure_with_its_reason_and_a_later_record(world, client):
    case = world.pushed_case()
    finance = world.user("finance")
    push = push_of(case, "finance")
    services.assignment_acknowledge(assignment=push, actor=finance)
    client.force_login(finance)

    response = client.post(assignment_url(push, "feedback"), feedback_data(push, outcome="failed", note="系统未对接"))

    assert response.status_code == 302
    push.refresh_from_db()
    assert push.state == AssignmentState.FED_BACK
    page = client.get(assignment_url(push)).content.decode()
    assert buttons_on(page) == {"record"}
    assert "系统未对接" in page

    # a later record: only the rows given an outcome
    measure = push.measures.first()
    response = client.post(assignment_url(push, "record"), {
        f"m{measure.pk}-outcome": "applied", f"m{measure.pk}-business_reference": "ZB-2026-0042",
    })

    assert response.status_code == 302
    later = MeasureFeedback.objects.get(assignment=push, source=MeasureFeedback.Source.LATER)
    assert (later.measure, later.outcome, later.business_reference) == (measure, "applied", "ZB-2026-0042")


def test_return_and_reassign(world, client):
    case = world.pushed_case()
    push = push_of(case, "finance")
    client.force_login(world.user("finance"))

    response = client.post(assignment_url(push, "return"), {"reason": ""})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    response = client.post(assignment_url(push, "return"), {"reason": "本局不负责政府采购限制"})
    assert response.status_code == 302
    push.refresh_from_db()
    assert push.state == AssignmentState.RETURNED

    # the court reassigns it, from the case page or the push's page
    client.force_login(world.user("court"))
    assert 'data-action="reassign"' in client.get(f"/admin/sanctions/jointcase/{case.pk}/change/").content.decode()
    assert buttons_on(client.get(assignment_url(push)).content.decode()) == {"reassign"}
    trading = world.department("trading")  # already has a push of this case for this subject
    response = client.post(assignment_url(push, "reassign"), {"department": trading.pk})
    assert response.status_code == 200
    assert "department" in response.context["form"].errors

    ecology = world.department("ecology")
    response = client.post(assignment_url(push, "reassign"), {"department": ecology.pk}, follow=True)

    new = Assignment.objects.get(reassigned_from=push)
    assert new.department == ecology and new.state == AssignmentState.PENDING
    assert set(new.measures.values_list("code", flat=True)) == {"P-FIN-01"}
    assert any("reassigned" in m for m in messages_of(response))
    # reassigned once: no second button
    assert "reassign" not in buttons_on(client.get(assignment_url(push)).content.decode())


def test_confirm_lifting_after_revocation(world, client):
    case = world.pushed_case()
    services.case_revoke(case=case, actor=world.user("court"), reason="撤销")
    push = push_of(case, "finance")
    client.force_login(world.user("finance"))
    assert buttons_on(client.get(assignment_url(push)).content.decode()) == {"confirm_lift"}

    client.post(assignment_url(push, "confirm_lift"))

    push.refresh_from_db()
    assert push.state == AssignmentState.LIFTED


def test_inbox_puts_overdue_first_and_filters_them(world, client):
    first, second = world.pushed_case(), world.pushed_case()
    late = push_of(second, "finance")
    Assignment.objects.filter(pk=late.pk).update(sign_for_due=datetime.date.today() - datetime.timedelta(days=3))  # test setup
    on_time = push_of(first, "finance")
    client.force_login(world.user("finance"))

    page = client.get(INBOX).content.decode()
    ids = listed_ids(page)
    assert ids[0] == late.pk and on_time.pk in ids
    assert "state-overdue" in page
    assert listed_ids(client.get(INBOX, {"overdue": "yes"}).content.decode()) == [late.pk]
    assert late.pk not in listed_ids(client.get(INBOX, {"overdue": "no"}).content.decode())
    # a purely executing department has only its inbox: no choice of scope
    assert "?scope=" not in page


def test_a_department_that_initiates_and_executes_switches_lists(world, client):
    tax = world.user("tax")
    tax_case = services.case_create(
        actor=tax, subject=world.subject("91620702MA55TH2835"), kind="punishment", memorandum=world.memorandum("major-tax-violations"),
        basis="重大税收违法失信", period_start=datetime.date(2026, 11, 1), period_end=datetime.date(2029, 10, 31),
    )
    services.case_initiate(case=tax_case, actor=tax)
    services.case_push(case=tax_case, actor=tax)
    court_case = world.pushed_case()
    client.force_login(tax)

    inbox = listed_ids(client.get(INBOX).content.decode())
    everything = listed_ids(client.get(INBOX, {"scope": "all"}).content.decode())

    own = set(Assignment.objects.filter(department__code="tax").values_list("pk", flat=True))
    assert set(inbox) == own and own
    assert set(everything) == set(tax_case.assignments.values_list("pk", flat=True))
    assert not set(everything) & set(court_case.assignments.values_list("pk", flat=True))


def test_no_adding_or_deleting_pushes(world, client):
    case = world.pushed_case()
    client.force_login(world.user("admin"))
    assert client.get("/admin/sanctions/assignment/add/").status_code == 403
    assert client.get(f"/admin/sanctions/assignment/{case.assignments.first().pk}/delete/").status_code == 403


def test_case_page_marks_overdue_and_provisional_pushes(world, client):
    case = world.pushed_case()
    late = push_of(case, "finance")
    Assignment.objects.filter(pk=late.pk).update(sign_for_due=datetime.date.today() - datetime.timedelta(days=1), due_dates_provisional=True)
    client.force_login(world.user("court"))

    page = client.get(f"/admin/sanctions/jointcase/{case.pk}/change/").content.decode()

    row = re.search(r'<tr class="assignment-row overdue" data-department="finance">.*?</tr>', page, re.S).group(0)
    assert "state-overdue" in row and "provisional" in row
    assert case.state == CaseState.PUSHED
