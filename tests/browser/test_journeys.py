"""The five journeys of issue 14 in Debian's Chromium at 1366×768, in Chinese (zh-CN), on one live
server: the court opens, initiates and pushes a case; finance signs for it and feeds back from its
待办 page; the leader reads the dashboard, drills down, urges and exports; the public searches,
objects, follows up and applies for credit repair; the credit office decides the objection and the
repair.

Every step saves a screenshot under ``test-artifacts/browser/`` (gitignored; CI keeps it as an
artifact), checks that what the journey needs next is visible without scrolling, and reads the
page's text as a Chinese user would: no English word or internal code outside the allow-list.
The database is used to set the scene (an overdue push, two public entries) and to name what to
look for; everything else goes through the pages.
"""
import datetime
import json
import os
import re
from pathlib import Path

import pytest
from django.utils import translation
from openpyxl import load_workbook
from playwright.sync_api import expect, sync_playwright

from credit_platform import demo
from credit_platform.models import Department, Subject
from objections.models import Objection, ObjectionState
from repair.models import RepairApplication, RepairState
from sanctions.models import Assignment, AssignmentState, CaseState, JointCase, Memorandum
from supervision.models import Urge
from tests.browser.test_admin_browser import CHROMIUM, CHROMIUM_ARGS, PASSWORD, TIMEOUT_MS, choose_subject
from tests.dashboard.conftest import on_day
from tests.lists.conftest import ListWorld
from tests.repair.documents import NAMES, PDF

ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", "test-artifacts")) / "browser"
WIDTH, HEIGHT = 1366, 768

COMPANY, COMPANY_NAME = "91620702MAQJWYL7XF", "示范区金川建筑工程有限公司"  # the court's new case
OBJECTOR, OBJECTOR_NAME = "91620702MAUCCP508N", "示范区黑河化工有限责任公司"  # objects to its entry
REPAIRER, REPAIRER_NAME = "91620702MAL23DL45K", "示范区丝路物流有限公司"  # applies for repair
OVERDUE_SUBJECT = "91620702MAP3MR1488"  # a case pushed long ago: finance's push is overdue

# What a Chinese user may read in ASCII: codes and numbers the work names (case numbers LJ-…,
# receipts YY…/XF…/JB…, credit codes, measure codes), dates and figures, the language switch, file types.
# "API" is how Chinese staff name it (API令牌).
# File extensions and sizes of the attached documents (执行结案通知书.pdf, 1 KB) are not words either.
ALLOWED_WORDS = {"English", "Excel", "PDF", "JPG", "PNG", "MB", "KB", "pdf", "jpg", "png", "LJ", "YY", "XF", "JB", "API"}
CODE = re.compile(r"^(?=.*\d)[A-Z0-9]+(?:-[A-Z0-9]+)*$")  # upper case with a digit: LJ-2026-000001, P-FIN-01, a USCC
WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]*")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM) and not os.environ.get("CI"),
        reason=f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium); CI installs it and runs this test",
    ),
]


def foreign_words(text: str, allowed: set[str]) -> list[str]:
    """ASCII words a Chinese user should not meet: not a number, date, code or allowed word."""
    found = []
    for word in (w.strip("-_") for w in WORD.findall(text)):
        if not re.search(r"[A-Za-z]{2}", word) or word in allowed or CODE.match(word):
            continue
        found.append(word)
    return found


def test_the_allow_list_tells_codes_from_words():
    text = "案件 LJ-2026-000001 推送 91620702MAQJWYL7XF 于 2026-11-01；回执 YY3K7Q2M9W4X；措施 P-FIN-01；导出为 Excel"
    assert foreign_words(text, ALLOWED_WORDS) == []
    assert foreign_words("状态 pending sign-for，部门 finance，#51，如 LJ-", ALLOWED_WORDS) == ["pending", "sign-for", "finance"]


class Journey:
    """The browser page with the three checks every step makes."""

    def __init__(self, page, base: str):
        self.page, self.base = page, base
        self.step = 0
        self.foreign: dict[str, list[str]] = {}
        self.allowed = set(ALLOWED_WORDS)

    def go(self, path: str):
        self.page.goto(self.base + path)

    def seen(self, name: str, *, next_step=None):
        """Screenshot, the next step above the fold, and the page's words."""
        self.step += 1
        self.page.evaluate("window.scrollTo(0, 0)")
        self.page.screenshot(path=str(ARTIFACTS / f"{self.step:02d}-{name}.png"))
        if next_step is not None:
            expect(next_step.first).to_be_visible()
            box = next_step.first.bounding_box()
            assert box is not None and box["y"] + min(box["height"], 30) <= HEIGHT, f"{name}: the next step is below the fold ({box})"
        text = self.page.inner_text("body")
        words = foreign_words(text, self.allowed)
        if words:  # each word with the line it stands in, to find it
            lines = {word: next((line.strip() for line in text.splitlines() if word in line), "") for word in set(words)}
            self.foreign[f"{self.step:02d}-{name} {self.page.url}"] = lines

    def log_in(self, username: str):
        self.allowed |= {username, username.upper()}  # the header greets the user by the name they log in with
        self.go("/admin/login/")
        self.page.locator("#id_username").fill(username)
        self.page.locator("#id_password").fill(PASSWORD)
        self.page.locator("input[type=submit]").click()
        expect(self.page.locator("#user-tools")).to_be_visible()

    def log_out(self):
        self.page.locator("#logout-form button").click()
        self.page.context.clear_cookies()

    def message(self):
        return self.page.locator("ul.messagelist li")


def set_the_scene(world: ListWorld):
    """An old push finance has not signed for (overdue now), and two public entries to object to and repair.
    Written in Chinese, as the clerks' own requests would (labels kept in the records are in their language)."""
    with translation.override("zh-hans"):
        _scene(world)


def _scene(world: ListWorld):
    with on_day(datetime.date.today() - datetime.timedelta(days=21)):
        world.pushed_case(subject=world.subject(OVERDUE_SUBJECT))
    world.published(subject=world.subject(OBJECTOR), decision_number="（2026）甘0702执801号")
    decided = datetime.date.today() - datetime.timedelta(days=130)  # general: repair possible after 3 months
    world.published(subject=world.subject(REPAIRER), severity="general", decision_number="（2026）甘0702执802号", decided_on=decided)


def test_the_five_journeys_in_chinese_at_1366x768(live_server, seeded_rule_sets, monkeypatch):
    demo.seed()
    world = ListWorld()
    set_the_scene(world)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
    expect.set_options(timeout=TIMEOUT_MS)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=[*CHROMIUM_ARGS, "--lang=zh-CN"])
        try:
            context = browser.new_context(locale="zh-CN", viewport={"width": WIDTH, "height": HEIGHT}, accept_downloads=True)
            context.set_default_timeout(TIMEOUT_MS)
            page = context.new_page()
            errors = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            journey = Journey(page, live_server.url)
            try:
                case = court_journey(journey)
                finance_journey(journey, case)
                leader_journey(journey)
                objection_receipt, repair_receipt = public_journey(journey)
                credit_office_journey(journey, objection_receipt, repair_receipt)
            except Exception:
                page.screenshot(path=str(ARTIFACTS / "failure.png"), full_page=True)
                raise
            assert not errors, errors
            (ARTIFACTS / "foreign-words.json").write_text(json.dumps(journey.foreign, ensure_ascii=False, indent=1), encoding="utf-8")
            assert not journey.foreign, journey.foreign
        finally:
            browser.close()


def court_journey(j: Journey) -> JointCase:
    page = j.page
    j.log_in("court")
    j.seen("court-start", next_step=page.locator("#workbench"))
    j.go("/admin/sanctions/jointcase/add/")
    choose_subject(page, COMPANY, COMPANY_NAME)
    page.locator("#id_memorandum").select_option(value=str(Memorandum.objects.get(code="judgement-defaulters").pk))
    expect(page.locator("#id_measures input[name=measures]").first).to_be_checked()
    page.locator("#id_basis").fill("（2026）甘0702执123号 失信被执行人")
    page.locator("#id_basis_document").fill("（2026）甘0702执123号")
    page.locator("#id_period_start").fill("2026-11-01")
    page.locator("#id_period_end").fill("2029-10-31")
    j.seen("court-open-case")
    page.locator("input[name=_save]").click()
    expect(page).to_have_url(re.compile(r"/admin/sanctions/jointcase/\d+/change/$"))
    case = JointCase.objects.get(subject__identifier=COMPANY)
    initiate = page.locator('#object-actions [data-action="initiate"]')
    j.seen("court-draft", next_step=initiate)

    initiate.click()
    confirm = page.locator("#action-form input[type=submit]")
    expect(page.locator(".action-confirm")).to_contain_text("个部门")
    j.seen("court-confirm-initiate", next_step=confirm)
    confirm.click()
    push = page.locator('#object-actions [data-action="push"]')
    j.seen("court-initiated", next_step=push)

    push.click()
    expect(j.message()).to_contain_text(case.number)
    rows = page.locator("#case-assignments tr.assignment-row")
    j.seen("court-pushed", next_step=rows)  # the pushes' progress, without scrolling
    case.refresh_from_db()
    assert case.state == CaseState.PUSHED
    j.log_out()
    return case


def finance_journey(j: Journey, case: JointCase):
    page = j.page
    j.log_in("finance")
    sign_for = page.locator('#workbench [data-task="sign_for"] a.workbench-open')
    j.seen("finance-start", next_step=sign_for)  # the first page shows 待签收
    sign_for.click()
    row = page.locator("#result_list").get_by_role("link", name=case.number)
    j.seen("finance-inbox", next_step=row)
    row.first.click()
    expect(page).to_have_url(re.compile(r"/admin/sanctions/assignment/\d+/change/"))
    assignment = Assignment.objects.get(pk=int(re.search(r"/assignment/(\d+)/", page.url).group(1)))
    assert (assignment.case_id, assignment.department.code) == (case.pk, "finance")
    acknowledge = page.locator('#object-actions [data-action="acknowledge"]')
    j.seen("finance-push", next_step=acknowledge)

    acknowledge.click()
    feedback = page.locator('#object-actions [data-action="feedback"]')
    j.seen("finance-signed-for", next_step=feedback)
    feedback.click()
    rows = page.locator("table.feedback-rows tr.feedback-row")
    expect(rows.first).to_be_visible()
    for measure in assignment.measures.all():
        page.locator(f"#id_m{measure.pk}-outcome").select_option("applied")
        page.locator(f"#id_m{measure.pk}-business_reference").fill(f"CZ-{measure.code}")
    j.seen("finance-feedback-form")
    page.locator("#action-form button[type=submit], #action-form input[type=submit]").first.click()
    expect(page.locator("#assignment-feedback tr.feedback-record").first).to_be_visible()
    j.seen("finance-fed-back")
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.FED_BACK
    j.log_out()


def leader_journey(j: Journey):
    page = j.page
    j.log_in("leader")
    j.go("/dashboard/")
    overdue_card = page.locator('a[href*="figure=overdue_now"]')
    j.seen("leader-dashboard", next_step=overdue_card)
    overdue_card.first.click()
    expect(page.locator("#list-total")).to_be_visible()
    tick = page.locator('input[type=checkbox][form="urge-many"]')
    j.seen("leader-drilldown", next_step=page.locator("#urge-many button"))
    finance = Department.objects.get(code="finance")
    expect(page.locator("#list-total")).not_to_contain_text("finance")
    for index in range(tick.count()):
        tick.nth(index).check()
    page.locator("#urge-many-note").fill("请尽快签收")
    page.locator("#urge-many button").click()
    expect(j.message().first).to_contain_text("已督办")
    j.seen("leader-urged")
    assert Urge.objects.filter(note="请尽快签收").exists()

    with page.expect_download() as download:
        page.locator("a.export").click()
    path = ARTIFACTS / "leader-drilldown.xlsx"
    download.value.save_as(path)
    sheet = load_workbook(path).worksheets[0]
    assert sheet["A1"].value and sheet.freeze_panes
    assert finance.code not in [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    j.log_out()


def public_journey(j: Journey) -> tuple[str, str]:
    page = j.page
    j.go("/credit/")
    j.seen("public-search", next_step=page.locator("#q"))
    page.locator("#q").fill(OBJECTOR_NAME)
    page.locator("form[role=search] button").click()
    expect(page.locator("#q")).to_have_value(OBJECTOR_NAME)
    assert OBJECTOR_NAME not in page.url
    objection_link = page.get_by_role("link", name="对此信息提出异议")
    j.seen("public-result", next_step=objection_link)
    objection_link.first.click()
    expect(page.locator("#id_identifier")).to_have_value(OBJECTOR)
    page.locator("#id_grounds").fill("该公司已于2026年10月履行判决，公示信息有误。")
    page.locator("#id_contact").fill("张经理 13900000000")
    j.seen("public-objection-form")
    page.locator("form.filing-form button[type=submit]").click()
    receipt = page.locator(".receipt-number")
    j.seen("public-objection-receipt", next_step=receipt)
    objection_receipt = receipt.inner_text().strip()

    page.get_by_role("link", name="进度查询").click()
    page.locator("#objection-receipt").fill(objection_receipt)
    j.seen("public-progress")
    page.get_by_role("button", name="查询异议进度").click()
    expect(page.locator(".status-table")).to_be_visible()
    j.seen("public-objection-status")

    j.go("/credit/")
    page.locator("#q").fill(REPAIRER)
    page.locator("form[role=search] button").click()
    repair_link = page.get_by_role("link", name="申请信用修复").last
    j.seen("public-repair-result", next_step=repair_link)
    repair_link.click()
    expect(page.locator("#id_identifier")).to_have_value(REPAIRER)
    page.locator("form.filing-form button[type=submit]").click()  # nothing filled in: every problem at once
    summary = page.locator("#error-summary")
    j.seen("public-repair-errors", next_step=summary)
    page.locator("#id_identifier").fill(REPAIRER)
    page.locator("#id_name").fill(REPAIRER_NAME)
    page.locator("#id_decision_number").fill("（2026）甘0702执802号")
    page.locator("#id_evidence").fill("已缴清全部罚款并整改到位。")
    page.locator("#id_commitment_signed").check()
    for kind in ("proof", "commitment"):  # the documents the repair needs (issue 17 item 6)
        page.locator(f"#id_{kind}_files").set_input_files(files=[{"name": NAMES[kind], "mimeType": "application/pdf", "buffer": PDF}])
    page.locator("#id_contact").fill("李会计 13800000000")
    page.locator("form.filing-form button[type=submit]").click()
    receipt = page.locator(".receipt-number")
    j.seen("public-repair-receipt", next_step=receipt)
    return objection_receipt, receipt.inner_text().strip()


def credit_office_journey(j: Journey, objection_receipt: str, repair_receipt: str):
    page = j.page
    j.log_in("credit_office")
    objections = page.locator('#workbench [data-task="objections"] a.workbench-open')
    j.seen("credit-office-start", next_step=objections)
    objection = Objection.objects.get(receipt_number=objection_receipt)
    j.go(f"/admin/objections/objection/{objection.pk}/change/")
    accept = page.locator('#object-actions [data-action="accept"]')
    j.seen("credit-office-objection", next_step=accept)
    accept.click()
    dismiss = page.locator('#object-actions [data-action="dismiss"]')
    j.seen("credit-office-objection-verifying", next_step=dismiss)
    dismiss.click()
    page.locator("#id_reason").fill("经核查，判决尚未履行完毕，公示信息无误。")
    j.seen("credit-office-dismiss-form")
    page.locator("#action-form input[type=submit]").click()
    objection.refresh_from_db()
    assert objection.state == ObjectionState.DISMISSED
    j.seen("credit-office-objection-decided")

    application = RepairApplication.objects.get(receipt_number=repair_receipt)
    j.go(f"/admin/repair/repairapplication/{application.pk}/change/")
    accept = page.locator('#object-actions [data-action="accept"]')
    j.seen("credit-office-repair", next_step=accept)
    accept.click()
    approve = page.locator('#object-actions [data-action="approve"]')
    j.seen("credit-office-repair-reviewing", next_step=approve)
    approve.click()
    expect(page.locator(".action-confirm")).to_contain_text("个部门")
    j.seen("credit-office-confirm-approve", next_step=page.locator("#action-form input[type=submit]"))
    page.locator("#action-form input[type=submit]").click()
    expect(j.message().first).to_be_visible()
    j.seen("credit-office-repair-approved")
    application.refresh_from_db()
    assert application.state == RepairState.APPROVED
    assert Subject.objects.filter(identifier=REPAIRER).exists()
