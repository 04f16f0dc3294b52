"""The core names no app: role permissions, demo loaders and notification kinds are filled by each
app in its AppConfig.ready()."""
import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from credit_platform import demo, roles

APPS = ("sanctions", "lists", "objections", "repair")


def _imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
    return names


@pytest.mark.parametrize("module", ["roles.py", "demo.py", "notifications.py", "models/notifications.py", "selectors.py", "apps.py"])
def test_the_registries_name_no_app(module):
    path = Path(settings.BASE_DIR) / "credit_platform" / module
    text = path.read_text(encoding="utf-8")

    assert not _imported_modules(path) & set(APPS)
    assert not [app for app in APPS if f"{app}." in text]


def test_apps_add_their_role_permissions():
    wanted = roles.permissions_for_roles(["initiating"])

    assert {"credit_platform.add_subject", "sanctions.add_jointcase", "lists.add_listentry", "objections.change_objection",
            "repair.add_repairapplication"} <= wanted
    assert "sanctions.add_jointcase" not in roles.permissions_for_roles(["executing"])


def test_an_unknown_role_or_a_malformed_permission_is_refused():
    with pytest.raises(ValueError, match="Unknown roles"):
        roles.register_role_permissions(initiatnig={"sanctions.add_jointcase"})
    with pytest.raises(ValueError, match="app_label.codename"):
        roles.register_role_permissions(executing={"add_jointcase"})


def test_demo_loaders_run_in_their_order(monkeypatch):
    monkeypatch.setattr(demo, "_demo_loaders", dict(demo._demo_loaders))
    calls = []
    demo.register_demo_loader("later", lambda catalog, departments: calls.append("later") or {}, order=90)
    demo.register_demo_loader("earlier", lambda catalog, departments: calls.append("earlier") or {}, order=5)

    for loader in demo.demo_loaders():
        if loader.__module__ == __name__:
            loader({}, {})

    assert calls == ["earlier", "later"]
    assert demo.demo_loaders()[0].__module__ == __name__  # order 5 comes before sanctions' 10
    assert demo.demo_loaders()[1].__module__ == "sanctions.demo"


def test_system_checks_pass():
    call_command("check", fail_level="ERROR")
