"""The case journey in a real browser (Debian's Chromium driven by Playwright): the court logs in
through the admin's login form, opens a joint case with the creation page's script and select2,
initiates and pushes it; the finance bureau signs for its push and feeds back every measure.

tests/sanctions/test_admin_journey.py walks the same journey with Django's test client; this one
proves the pages work as a clerk sees them (static files, JavaScript, forms, buttons).
"""
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from credit_platform import demo
from sanctions.models import Assignment, AssignmentState, CaseState, JointCase, Memorandum

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 15_000
SCREENSHOT = Path("/tmp/browser_journey.png")
FAILURE_SCREENSHOT = Path("/tmp/browser_journey_failure.png")

PASSWORD = "demo-pass-2026"
COMPANY = "91620702MAQJWYL7XF"
COMPANY_NAME = "示范区金川建筑工程有限公司"
MEMORANDUM = "judgement-defaulters"
BASIS = "（2026）甘0702执123号 失信被执行人"
BASIS_DOCUMENT = "（2026）甘0702执123号"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM) and not os.environ.get("CI"),
        reason=f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium); CI installs it and runs this test",
    ),
]


def log_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#user-tools strong")).to_have_text(username)


def log_out(page) -> None:
    page.locator("#logout-form").get_by_role("button", name="Log out").click()
    expect(page.get_by_text("Thanks for spending some quality time with the web site today.")).to_be_visible()


def choose_subject(page, identifier: str, name: str) -> None:
    """Type into the subject's select2 autocomplete and pick the matching result."""
    page.locator(".field-subject .select2-selection").click()
    search = page.locator(".select2-container--open .select2-search__field")
    search.fill(identifier)
    page.locator(".select2-results__option", has_text=name).click()
    expect(page.locator("#select2-id_subject-container")).to_contain_text(name)


def test_the_case_journey_in_a_browser(live_server, seeded_rule_sets, monkeypatch):
    demo.seed()  # transactional tests flush the database: load the demo district again
    memorandum = Memorandum.objects.get(code=MEMORANDUM)

    # The sync API runs an event loop in this thread; the ORM calls in between are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
    expect.set_options(timeout=TIMEOUT_MS)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(locale="en-US", viewport={"width": 1400, "height": 1000})
            context.set_default_timeout(TIMEOUT_MS)
            page = context.new_page()
            # A stylesheet or script the live server fails to serve, or a script error, fails the test.
            failed_requests, script_errors = [], []

            def on_response(response):
                if response.status >= 400 and not response.url.endswith("/favicon.ico"):
                    failed_requests.append(f"{response.status} {response.url}")

            page.on("response", on_response)
            page.on("pageerror", lambda exc: script_errors.append(str(exc)))
            try:
                journey(page, live_server.url, memorandum)
            except Exception:
                page.screenshot(path=str(FAILURE_SCREENSHOT), full_page=True)
                raise
            page.screenshot(path=str(SCREENSHOT), full_page=True)
            assert not script_errors, script_errors
            assert not failed_requests, failed_requests
        finally:
            browser.close()


def journey(page, base: str, memorandum: Memorandum) -> None:
    """What the two clerks do and see; the database is read only to name what to look for."""
    # --- the court opens, initiates and pushes a case ----------------------------------------------
    log_in(page, base, "court")
    # The admin's own stylesheet and the platform's are served by the live server.
    assert page.evaluate("getComputedStyle(document.getElementById('header')).display") == "flex"

    page.goto(f"{base}/admin/sanctions/jointcase/add/")
    expect(page.get_by_role("heading", name="Open a joint case")).to_be_visible()
    choose_subject(page, COMPANY, COMPANY_NAME)
    page.locator("#id_memorandum").select_option(value=str(memorandum.pk))

    # The page's script offers the memorandum's measures that fit the company, all ticked.
    offered = page.locator("#id_measures input[type=checkbox][name=measures]")
    expect(offered.first).to_be_visible()
    expect(page.locator("#id_offered_for")).to_have_value(re.compile(rf"^\d+:{memorandum.pk}$"))
    count = offered.count()
    assert count == 10
    for index in range(count):
        expect(offered.nth(index)).to_be_checked()
    expect(page.locator("#id_kind")).to_have_value("punishment")
    expect(page.locator("#id_measures")).to_contain_text("P-FIN-01")

    page.locator("#id_basis").fill(BASIS)
    page.locator("#id_basis_document").fill(BASIS_DOCUMENT)
    page.locator("#id_period_start").fill("2026-11-01")
    page.locator("#id_period_end").fill("2029-10-31")
    page.get_by_role("button", name="Save", exact=True).click()

    # One save is enough with the script: the draft is open.
    success = page.locator("ul.messagelist li.success")
    expect(success).to_contain_text(re.compile(r"Draft case \S+ opened"))
    expect(page).to_have_url(re.compile(r"/admin/sanctions/jointcase/\d+/change/$"))
    case = JointCase.objects.get()
    assert case.measures.count() == 10
    expect(page.locator(".field-subject .readonly")).to_contain_text(COMPANY_NAME)
    expect(page.locator(".field-basis .readonly")).to_have_text(BASIS)
    expect(page.locator(".field-state .readonly")).to_have_text("draft")
    actions = page.locator("#object-actions")
    expect(actions.get_by_role("link", name="Initiate")).to_be_visible()
    expect(actions.get_by_role("button", name="Push")).to_have_count(0)

    actions.get_by_role("link", name="Initiate").click()
    expect(page.locator(".action-confirm")).to_contain_text("departments")
    page.locator("#action-form").get_by_role("button", name="Initiate").click()
    expect(success).to_contain_text(f"Case {case.number} initiated")
    expect(page.locator(".field-state .readonly")).to_have_text("initiated")

    actions.get_by_role("button", name="Push").click()
    expect(success).to_contain_text(f"Case {case.number} pushed to the executing departments")
    expect(page.locator(".field-state .readonly")).to_have_text("pushed")
    rows = page.locator("#case-assignments tr.assignment-row")
    expect(rows.first).to_be_visible()
    case.refresh_from_db()
    assert case.state == CaseState.PUSHED
    assert rows.count() == case.assignments.count() > 1
    finance_row = page.locator('#case-assignments tr.assignment-row[data-department="finance"]')
    expect(finance_row).to_contain_text("pending sign-for")

    log_out(page)

    # --- the finance bureau signs for its push and feeds back every measure ------------------------
    log_in(page, base, "finance")
    page.goto(f"{base}/admin/sanctions/assignment/")
    expect(page.get_by_role("heading", name="Our inbox")).to_be_visible()
    assignment = Assignment.objects.get(case=case, department__code="finance")
    page.locator("#result_list").get_by_role("link", name=case.number).click()
    expect(page).to_have_url(re.compile(rf"/admin/sanctions/assignment/{assignment.pk}/change/$"))
    expect(page.locator(".field-state .readonly")).to_have_text("pending sign-for")

    actions.get_by_role("button", name="Sign for").click()
    expect(success).to_contain_text(f"Signed for {assignment}")
    expect(page.locator(".field-state .readonly")).to_have_text("signed for")

    actions.get_by_role("link", name="Feed back").click()
    expect(page).to_have_url(re.compile(rf"/admin/sanctions/assignment/{assignment.pk}/do/feedback/$"))
    feedback_rows = page.locator("table.feedback-rows tr.feedback-row")
    expect(feedback_rows.first).to_be_visible()
    measures = list(assignment.measures.order_by("code"))
    assert measures and feedback_rows.count() == len(measures)
    for measure in measures:
        row = page.locator(f'tr.feedback-row[data-measure="{measure.code}"]')
        row.locator(f"#id_m{measure.pk}-outcome").select_option("applied")
        # The date comes pre-filled with the server's today (a date input's value is ISO).
        expect(row.locator(f"#id_m{measure.pk}-occurred_on")).to_have_value(re.compile(r"^\d{4}-\d{2}-\d{2}$"))
        row.locator(f"#id_m{measure.pk}-business_reference").fill(f"CZ-{measure.code}")
    page.locator("#action-form").get_by_role("button", name="Feed back").click()

    expect(success).to_contain_text(f"Feedback on {assignment} recorded")
    expect(page).to_have_url(re.compile(rf"/admin/sanctions/assignment/{assignment.pk}/change/$"))
    expect(page.locator(".field-state .readonly")).to_have_text("fed back")
    records = page.locator("#assignment-feedback tr.feedback-record")
    expect(records).to_have_count(len(measures))
    for measure in measures:
        expect(page.locator("#assignment-feedback")).to_contain_text(f"CZ-{measure.code}")
    expect(records.first).to_contain_text("applied")
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.FED_BACK
