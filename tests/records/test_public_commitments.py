"""信用承诺公示: public commitments on the credit website and ``GET /api/v1/public/commitments/?q=``;
a repair commitment (not public by kind) never; persons masked, promised text of a person never."""
import re

from django.core.cache import cache
from rest_framework.test import APIClient

from records import services

PUBLIC = "/api/v1/public/commitments/"
PAGE = "/credit/commitments/"


def commit(world, *, subject=None, kind="notice_commitment", matter="食品经营许可（告知承诺制）"):
    return services.commitment_create(actor=world.user("market"), subject=subject or world.food_company, kind=kind, matter=matter,
                                      promised="六个月内补齐场所平面图和设备布局图", business_reference="SP2026-0815")


def test_public_commitments_are_listed_masked_and_repair_ones_never(world):
    cache.clear()
    public = commit(world)
    commit(world, kind="repair", matter="信用修复承诺书")
    person = world.subject("620702197804128519")  # 王建国, an adult
    commit(world, subject=person, kind="voluntary", matter="诚信经营承诺")

    rows = APIClient().get(PUBLIC, {"q": world.food_company.identifier}).json()["results"]

    assert [row["matter"] for row in rows] == [public.matter]
    row = rows[0]
    assert (row["name"], row["kind"], row["state"], row["department"]) == (
        world.food_company.name, "notice_commitment", "in_force", world.department("market").name)
    assert row["promised"] == "六个月内补齐场所平面图和设备布局图" and "SP2026-0815" not in str(row)
    persons = APIClient().get(PUBLIC, {"q": person.identifier}).json()["results"]
    assert [(r["name"], r["matter"], r["promised"]) for r in persons] == [("王**", "诚信经营承诺", "")]
    assert "128519" not in persons[0]["identifier"][:14] and persons[0]["identifier"] != person.identifier
    assert APIClient().get(PUBLIC, {"q": "x"}).status_code == 400


def test_the_public_page_shows_a_breached_commitment_with_its_state(world):
    cache.clear()
    commitment = commit(world)
    services.commitment_breach(commitment=commitment, actor=world.user("market"), reason="未按期补齐材料")

    page = APIClient().post(PAGE, {"q": "绿洲食品"})

    text = page.content.decode()
    assert page.status_code == 200
    assert "食品经营许可（告知承诺制）" in text and "未履行（违诺）" in text
    assert "未按期补齐材料" not in text  # the reason is the department's record, not the public's
    assert re.search(r"共找到 <strong>1</strong> 条信用承诺", text)
    assert APIClient().get(PAGE).status_code == 200
