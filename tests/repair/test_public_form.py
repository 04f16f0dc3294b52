"""The public repair form as an applicant meets it: every problem listed at once at the top, what a
court judgement defaulter must do, and the filing forms' limit per address."""
import re

from django.core.cache import cache

from credit_platform import public_filing

from tests.repair.conftest import world  # noqa: F401 - the demo district

FORM = "/credit/repairs/"


def test_every_problem_is_listed_at_once_with_a_link_to_its_field(world, client):  # noqa: F811
    cache.clear()
    response = client.post(FORM, {"identifier": "123", "name": "", "decision_number": "", "evidence": "", "contact": ""})

    body = response.content.decode()
    assert response.status_code == 400
    summary = body.split('id="error-summary"')[1].split("</div>")[0]
    linked = set(re.findall(r'href="#field-([a-z_]+)"', summary))
    assert {"identifier", "name", "decision_number", "evidence", "contact", "commitment_signed"} <= linked
    assert body.index('id="error-summary"') < body.index('<form method="post"')


def test_the_form_says_what_a_judgement_defaulter_must_do(world, client):  # noqa: F811
    body = client.get(FORM).content.decode()

    assert 'id="judgement-defaulters"' in body
    assert "向作出决定的人民法院申请删除失信被执行人信息" in body


def test_public_filing_forms_are_rate_limited_per_address(world, client, settings, monkeypatch):  # noqa: F811
    cache.clear()
    settings.CREDIT_PUBLIC_FILINGS_PER_MINUTE = 2
    monkeypatch.setattr(public_filing.time, "time", lambda: 1_800_000_000.0)  # all in one minute's window
    statuses = [client.post(url, {"identifier": "123"}).status_code for url in (FORM, FORM, FORM, "/credit/objections/")]

    assert statuses == [400, 400, 429, 429]
    assert "提交过于频繁" in client.post(FORM, {}).content.decode()
