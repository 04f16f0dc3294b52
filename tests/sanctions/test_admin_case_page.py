"""The case page as a clerk reads it: the pushes' progress above the form, 发起 asking for
confirmation and saying what follows, the history button going to the audit history on the page."""
from sanctions.models import CaseState


def case_url(case, action=""):
    return f"/admin/sanctions/jointcase/{case.pk}/" + (f"do/{action}/" if action else "change/")


def test_the_pushes_progress_comes_before_the_case_form(world, client):
    case = world.pushed_case()
    client.force_login(world.user("court"))

    page = client.get(case_url(case)).content.decode()

    assert page.index('id="case-assignments"') < page.index('id="jointcase_form"')
    assert page.index('id="object-actions"') < page.index('id="case-assignments"')


def test_initiate_asks_for_confirmation_and_says_who_the_push_reaches(world, client):
    case = world.defaulter_case()
    client.force_login(world.user("court"))

    # the button opens a confirmation page instead of initiating at once
    page = client.get(case_url(case)).content.decode()
    assert f'href="{case_url(case, "initiate")}" data-action="initiate"' in page
    confirm = client.get(case_url(case, "initiate"))
    case.refresh_from_db()
    assert case.state == CaseState.DRAFT

    text = confirm.content.decode()
    departments = sorted({m.department.name for m in case.measures.select_related("department")})
    assert f"sends it to {len(departments)} departments" in text
    assert all(name in text for name in departments)
    assert 'id="action-form"' in text and "Cancel" in text

    # confirming initiates
    client.post(case_url(case, "initiate"))
    case.refresh_from_db()
    assert case.state == CaseState.INITIATED


def test_history_goes_to_the_audit_history_on_the_page(world, client):
    case = world.pushed_case()
    client.force_login(world.user("court"))

    page = client.get(case_url(case)).content.decode()

    assert 'href="#audit-history" class="historylink"' in page
    assert 'id="audit-history"' in page
    assert f"/admin/sanctions/jointcase/{case.pk}/history/" not in page


def test_the_case_list_cuts_long_names_and_keeps_them_in_a_tooltip(world, client):
    case = world.pushed_case()
    client.force_login(world.user("court"))

    page = client.get("/admin/sanctions/jointcase/").content.decode()

    assert f'<span class="truncate" title="{case.subject}">{case.subject.name}</span>' in page
    assert f'<span class="truncate" title="{case.memorandum}">' in page
