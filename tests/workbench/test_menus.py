"""The admin's menus by task, 查看站点, the error pages and the 创建人 field, from the outside.

A department user's start page and sidebar list the task groups (案件管理, 本部门收件箱, 名单管理,
异议与修复, 统计分析) and not 系统管理 nor its plumbing, whose pages answer it 403; the credit
office sees 系统管理 with the plumbing; the admin URLs are unchanged.
"""
import re

import pytest

from credit_platform import menus

INDEX = "/admin/"
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}

TASK_GROUPS = ["案件管理", "本部门收件箱", "名单管理", "异议与修复", "统计分析"]
PLUMBING = {
    "/admin/axes/accesslog/": "登录日志",
    "/admin/axes/accessattempt/": "登录尝试",
    "/admin/credit_platform/webhookdelivery/": "回调投递",
    "/admin/credit_platform/apitoken/": "API令牌",
    "/admin/credit_platform/idempotencyrecord/": "幂等记录",
}


@pytest.fixture(autouse=True)
def _chinese(settings):
    settings.LANGUAGE_CODE = "zh-hans"


def groups(page: str) -> list[str]:
    """The captions of the start page's module list (after the 待办 panel, before the sidebar)."""
    content = page.split('id="content-main"', 1)[1]
    return re.findall(r'<caption>\s*(?:<span class="section">|<a [^>]*class="section"[^>]*>)([^<]+)<', content)


def module_links(page: str) -> set[str]:
    return set(re.findall(r'<th scope="row" id="[a-z]+-[a-z_-]+">\s*<a href="([^"]+)"', page))


def test_a_department_user_sees_the_task_groups_not_the_system_plumbing(world, client):
    client.force_login(world.user("finance"))
    response = client.get(INDEX, **ZH)
    assert response.status_code == 200
    page = response.content.decode()

    assert groups(page)[:len(TASK_GROUPS)] == TASK_GROUPS
    assert "系统管理" not in page
    links = module_links(page)
    # the admin URLs are the models' own, unchanged
    assert {"/admin/sanctions/jointcase/", "/admin/sanctions/assignment/", "/admin/lists/listentry/",
            "/admin/objections/objection/", "/admin/repair/repairapplication/", "/dashboard/"} <= links
    assert not {url for url in links if url in PLUMBING}
    for label in PLUMBING.values():
        assert label not in page
    # the inbox is the department's pushes and its notifications
    inbox = page.split("本部门收件箱", 1)[1].split("</table>", 1)[0]
    assert "/admin/sanctions/assignment/" in inbox and "/admin/credit_platform/notification/" in inbox


def test_the_sidebar_lists_the_same_groups(world, client):
    client.force_login(world.user("finance"))
    page = client.get("/admin/sanctions/assignment/", **ZH).content.decode()
    sidebar = page.split('id="nav-sidebar"', 1)[1].split("</nav>", 1)[0]
    for label in TASK_GROUPS:
        assert label in sidebar
    assert "系统管理" not in sidebar


def test_a_department_user_gets_403_on_the_plumbing(world, client):
    client.force_login(world.user("finance"))
    for url in PLUMBING:
        response = client.get(url, **ZH)
        assert response.status_code == 403, url
        assert "您无权打开此页面" in response.content.decode()


def test_the_credit_office_sees_system_administration_with_the_plumbing(world, client):
    client.force_login(world.user("credit_office"))
    page = client.get(INDEX, **ZH).content.decode()
    assert groups(page) == [*TASK_GROUPS, "系统管理"]
    system = page.split("系统管理", 1)[1].split("</table>", 1)[0]
    for url, label in PLUMBING.items():
        assert url in system and label in system, url
        assert client.get(url, **ZH).status_code == 200, url


def test_the_menus_are_in_english_for_an_english_user(world, client):
    client.force_login(world.user("credit_office"))
    page = client.get(INDEX, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert groups(page) == ["Case management", "Department inbox", "List management", "Objections and repair",
                            "Statistics and analysis", "System administration"]


def test_an_app_index_page_keeps_its_models(world, client):
    client.force_login(world.user("court"))
    response = client.get("/admin/sanctions/", **ZH)
    assert response.status_code == 200
    assert "/admin/sanctions/jointcase/" in response.content.decode()


def test_view_site_goes_to_the_public_site(world, client):
    client.force_login(world.user("finance"))
    page = client.get(INDEX, **ZH).content.decode()
    assert re.search(r'<a href="/credit/">查看站点</a>', page)
    assert client.get("/credit/").status_code == 200


def test_the_404_page_is_styled_and_in_chinese(world, client):
    client.force_login(world.user("finance"))
    response = client.get("/admin/no-such-page/", **ZH)
    assert response.status_code == 404
    page = response.content.decode()
    assert "页面不存在" in page and "errors.css" in page and 'href="/admin/"' in page
    public = client.get("/credit/no-such-page/", **ZH)
    assert public.status_code == 404 and "页面不存在" in public.content.decode() and "返回信用网首页" in public.content.decode()
    # the API keeps its JSON
    api = client.get("/api/v1/no-such-endpoint/", **ZH)
    assert api.status_code == 404 and api["Content-Type"].startswith("application/json")


def test_the_case_page_shows_its_creator_as_text_not_a_link_to_the_user_admin(world, client):
    case = world.pushed_case()
    client.force_login(world.user("court"))
    page = client.get(f"/admin/sanctions/jointcase/{case.pk}/change/", **ZH).content.decode()
    creator = page.split("field-created_by_name", 1)[1].split("</div>\n", 3)
    creator = "".join(creator[:3])
    assert case.created_by.username in creator or str(case.created_by) in creator
    assert "/admin/credit_platform/user/" not in page


def test_the_leadership_office_reads_the_audit_trail_under_statistics_without_system_administration(world, client):
    client.force_login(world.user("leadership_office"))
    page = client.get(INDEX, **ZH).content.decode()
    assert groups(page) == TASK_GROUPS
    statistics = page.split("统计分析", 1)[1].split("</table>", 1)[0]
    assert "/dashboard/" in statistics and "/admin/credit_platform/auditevent/" in statistics
    assert client.get("/admin/credit_platform/webhookdelivery/", **ZH).status_code == 403


def test_the_menu_registry_refuses_unknown_groups_and_malformed_models():
    with pytest.raises(ValueError):
        menus.register_menu("reports", "sanctions.JointCase")
    with pytest.raises(ValueError):
        menus.register_menu("cases", "JointCase")
    with pytest.raises(ValueError):
        menus.register_menu_link("reports", "x", "dashboard:overview")
    assert menus.group_of("sanctions.JointCase")[0] == "cases"
    assert menus.group_of("someapp.Unplaced")[0] == menus.SYSTEM
