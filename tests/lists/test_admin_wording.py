"""The admin in Chinese as the project words it: the filters, the selection counter and empty
choices (overriding the stock catalogue's 以 状态, 无可选的, 选中了 0 个), and list entries named with
their own severity."""
import json

from django.utils import translation

from lists.models import ListEntry


def test_the_admin_list_reads_as_plain_chinese(world, client):
    world.published(severity="general")
    client.force_login(world.user("court"))

    page = client.get("/admin/lists/listentry/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "按名单" in page and "按状态" in page
    assert " 以 " not in page
    assert "选中了" not in page and "个中 0 个被选" not in page
    assert "已选 0 项" in page


def test_the_script_counter_reads_as_plain_chinese(client, world):
    client.force_login(world.user("court"))

    catalog = client.get("/admin/jsi18n/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert json.dumps("已选 %(sel)s 项，共 %(cnt)s 项")[1:-1] in catalog  # the catalogue is JSON, ASCII-escaped


def test_an_entry_is_named_with_its_own_severity(world):
    general = world.published(severity="general")
    severe = world.published(severity="severe", decision_number="（2026）甘0702执999号")

    with translation.override("zh-hans"):
        assert str(ListEntry.objects.get(pk=general.pk)).startswith("黑名单（一般失信） · ")
        assert str(ListEntry.objects.get(pk=severe.pk)).startswith("黑名单（严重失信） · ")
    with translation.override("en"):
        assert str(ListEntry.objects.get(pk=general.pk)).startswith("black list (general dishonesty) · ")
