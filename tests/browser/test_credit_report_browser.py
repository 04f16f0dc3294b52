"""A credit report in a real browser (Debian's Chromium driven by Playwright, zh-CN): an organisation
asks for its own report on the public credit website, downloads the PDF (read back here), and anyone
verifies it on the public verify page — genuine with its code, not with a wrong one. Then a tax
clerk issues a person's report at the counter (admin) and finds it in the list."""
import io
import os

import pytest
from playwright.sync_api import expect, sync_playwright
from pypdf import PdfReader

from checks.report_models import CreditReport
from credit_platform import demo
from tests.browser.test_admin_browser import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, log_in

USCC, NAME = "91620702MA55TH2835", "示范区祁连商贸有限公司"
REPRESENTATIVE = "620702198509234268"  # 李秀英, its legal representative

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM) and not os.environ.get("CI"),
        reason=f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium); CI installs it and runs this test",
    ),
]


def test_a_report_is_obtained_downloaded_and_verified_on_the_public_site(live_server, seeded_rule_sets, monkeypatch):
    demo.seed()  # transactional tests flush the database: load the demo district again
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
    expect.set_options(timeout=TIMEOUT_MS)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768}, accept_downloads=True)
            context.set_default_timeout(TIMEOUT_MS)
            page = context.new_page()

            # The organisation asks for its own report from the site's navigation.
            page.goto(f"{live_server.url}/credit/")
            page.locator(".site-nav").get_by_role("link", name="申请信用报告").click()
            page.get_by_label("统一社会信用代码").fill(USCC)
            page.get_by_label("单位名称").fill(NAME)
            page.get_by_label("法定代表人（负责人）身份证号码").fill(REPRESENTATIVE)
            page.get_by_label("报告用途").fill("参加示范区道路改造工程招标")
            page.get_by_role("button", name="申请出具信用报告").click()
            expect(page.get_by_role("heading", name="信用报告已出具")).to_be_visible()
            number = page.locator("#report-number").inner_text().strip()
            code = page.locator("#verification-code").inner_text().strip()
            assert CreditReport.objects.get(number=number).verification_code == code

            with page.expect_download() as download:
                page.get_by_role("link", name="下载信用报告（PDF）").click()
            reader = PdfReader(io.BytesIO(open(download.value.path(), "rb").read()))
            text = "".join("".join(p.extract_text().split()) for p in reader.pages)
            assert NAME in text and number in text and code in text and "参加示范区道路改造工程招标" in text

            # Whoever receives it verifies it on the public site: genuine with its code ...
            page.locator(".site-nav").get_by_role("link", name="信用报告验证").click()
            page.get_by_label("报告编号").fill(number)
            page.get_by_label("验证码").fill(code)
            page.get_by_role("button", name="验证").click()
            expect(page.locator("#verification-result")).to_contain_text("真实有效")
            expect(page.locator("#verification-result")).to_contain_text(NAME)

            # ... and not with a wrong one.
            page.get_by_label("报告编号").fill(number)
            page.get_by_label("验证码").fill("ABCDEFGHJK")
            page.get_by_role("button", name="验证").click()
            expect(page.locator("#verification-result")).to_contain_text("未通过验证")
            expect(page.locator("#verification-result")).not_to_contain_text(NAME)

            # At the counter: a tax clerk issues a person's report with the person's consent.
            admin = browser.new_context(locale="en-US", viewport={"width": 1400, "height": 1000})
            admin.set_default_timeout(TIMEOUT_MS)
            clerk = admin.new_page()
            log_in(clerk, live_server.url, "tax")
            clerk.goto(f"{live_server.url}/admin/checks/creditreport/add/")
            clerk.get_by_label("Unified social credit code or citizen ID").fill(REPRESENTATIVE)
            clerk.get_by_label("Report purpose").fill("申请人才补贴")
            clerk.get_by_label("Consent reference").fill("授权书 2026-031")
            clerk.get_by_role("button", name="Save", exact=True).click()
            issued = CreditReport.objects.get(channel="counter")
            expect(clerk.locator(".messagelist")).to_contain_text(issued.verification_code)
            clerk.goto(f"{live_server.url}/admin/checks/creditreport/")
            expect(clerk.locator("#result_list")).to_contain_text(issued.number)
            admin.close()
        finally:
            browser.close()
