"""The shape of the code: imports at module level only, modules of a readable size.

The one-way layers themselves are checked by ``lint-imports`` (``.importlinter``), run by ``make test``;
these tests close the two ways round it: an ``import`` hidden in a function body (which the linter
sees, but which a reader takes for a dodge) and a module grown past what one can read.
"""
import ast
import configparser
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def _linter_config():
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter", encoding="utf-8")
    return config


def _root_packages():
    return _linter_config()["importlinter"]["root_packages"].split()


def _layered_packages():
    layers = _linter_config()["importlinter:contract:layers"]["layers"].split("\n")
    return {name.strip() for layer in layers for name in layer.split("|") if name.strip()}


APPS = _root_packages()
MAX_LINES = 550  # "no module over ~500 lines"; generated migrations excepted
# AppConfig.ready() is where Django wants an app to import what registers itself.
ALLOWED_FUNCTIONS = {"ready"}


def _modules():
    for app in APPS:
        base = ROOT / app
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*.py")):
            if "migrations" in path.parts:
                continue
            yield path


def _function_body_imports(path: Path, root: Path = ROOT) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []

    def visit(node, function=None):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                visit(child, child.name)
            elif isinstance(child, (ast.Import, ast.ImportFrom)) and function and function not in ALLOWED_FUNCTIONS:
                found.append(f"{path.relative_to(root)}:{child.lineno} in {function}()")
            else:
                visit(child, function)

    visit(tree)
    return found


def test_every_project_app_is_placed_on_a_layer():
    """An app missing from the layers list escapes the linter: anything may import it."""
    local_apps = {
        app.split(".")[0] for app in settings.INSTALLED_APPS if (ROOT / app.split(".")[0]).is_dir()
    }
    assert local_apps <= set(APPS), sorted(local_apps - set(APPS))
    assert set(APPS) == _layered_packages(), sorted(set(APPS) ^ _layered_packages())


def test_the_scan_sees_the_apps():
    paths = list(_modules())
    assert len(paths) > 50
    assert any(p.name == "services.py" or p.parent.name == "services" for p in paths)


def test_the_scan_finds_an_import_in_a_function_but_not_in_ready(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text(
        "import os\n\n"
        "def f():\n    from sys import path\n    return path\n\n"
        "class C:\n    def ready(self):\n        import json\n"
        "    def g(self):\n        if True:\n            import re\n"
    )
    assert _function_body_imports(probe, root=tmp_path) == ["probe.py:4 in f()", "probe.py:12 in g()"]


def test_no_import_hidden_in_a_function_body():
    offenders = [hit for path in _modules() for hit in _function_body_imports(path)]
    assert offenders == [], "imports inside function bodies (move the code instead):\n" + "\n".join(offenders)


@pytest.mark.parametrize("app", APPS)
def test_no_module_over_the_size_limit(app):
    too_long = []
    for path in _modules():
        if path.relative_to(ROOT).parts[0] != app:
            continue
        lines = path.read_text(encoding="utf-8").count("\n")
        if lines > MAX_LINES:
            too_long.append(f"{path.relative_to(ROOT)}: {lines} lines")
    assert too_long == []
