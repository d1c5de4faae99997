"""The questionnaire catalogue and the decision rules stay pure: no web, form, ORM or i18n code.

Two checks: a static one (every import statement in the pure modules, read with ``ast``)
and a dynamic one (what loading them actually pulls into ``sys.modules``, in a fresh process).
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCREENING_DIR = PROJECT_ROOT / "app" / "screening"
# In load order: each module's app imports come before it.
PURE_MODULES: tuple[str, ...] = (
    "app.screening.codes",
    "app.screening.catalogue",
    "app.screening.questions_more",
    "app.screening.questions",
    "app.screening.rule_texts",
    "app.screening.answers",
    "app.screening.rules",
)
FORBIDDEN_ROOTS = frozenset(
    {"flask", "wtforms", "flask_wtf", "sqlalchemy", "flask_sqlalchemy", "babel", "flask_babel"}
)


def module_path(name: str) -> Path:
    """The source file of the pure module ``name``."""
    return PROJECT_ROOT.joinpath(*name.split(".")).with_suffix(".py")


def imports_of(source: str) -> list[tuple[str, int]]:
    """Every module ``source`` imports, anywhere (functions included), with its relative level.

    ``from x import y`` yields ``x`` (and ``x.y``, which may itself be a module).
    """
    found: list[tuple[str, int]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((alias.name, 0) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            found.append((base, node.level))
            found.extend((f"{base}.{alias.name}".lstrip("."), node.level) for alias in node.names)
    return found


def test_pure_module_files_exist() -> None:
    for name in PURE_MODULES:
        assert module_path(name).is_file(), name
    assert module_path("app.screening.rules").parent == SCREENING_DIR


def test_import_collector_sees_nested_and_relative_imports() -> None:
    source = textwrap.dedent(
        """
        import os, flask.json as fj
        from . import sibling
        from ..pkg import thing

        def late():
            from wtforms import Form
            import sqlalchemy
        """
    )
    found = imports_of(source)
    assert ("os", 0) in found
    assert ("flask.json", 0) in found
    assert ("wtforms", 0) in found
    assert ("sqlalchemy", 0) in found
    assert ("sibling", 1) in found
    assert ("pkg", 2) in found


@pytest.mark.parametrize("name", PURE_MODULES)
def test_no_framework_imports(name: str) -> None:
    found = imports_of(module_path(name).read_text(encoding="utf-8"))
    assert found, f"{name}: no imports found; is the parser looking at the right file?"
    forbidden = sorted({m for m, _ in found if m.split(".")[0] in FORBIDDEN_ROOTS})
    assert forbidden == []


@pytest.mark.parametrize("name", PURE_MODULES)
def test_no_relative_imports(name: str) -> None:
    found = imports_of(module_path(name).read_text(encoding="utf-8"))
    assert [m for m, level in found if level] == []


@pytest.mark.parametrize("name", PURE_MODULES)
def test_app_imports_stay_within_the_pure_modules(name: str) -> None:
    source = module_path(name).read_text(encoding="utf-8")
    for module, _ in imports_of(source):
        if module.split(".")[0] != "app":
            continue
        # ``from app.screening.catalogue import N_`` also yields "app.screening.catalogue.N_".
        assert module in PURE_MODULES or module.rsplit(".", 1)[0] in PURE_MODULES, (
            f"{name} imports {module}"
        )


# Pure helpers outside the questionnaire: free of frameworks and of the rest of the app too.
PURE_HELPERS = ("app.codes", "app.references", "app.tokens")


@pytest.mark.parametrize("name", PURE_HELPERS)
def test_pure_helpers_import_no_framework_and_nothing_of_the_app(name: str) -> None:
    found = imports_of(module_path(name).read_text(encoding="utf-8"))
    assert found, f"{name}: no imports found; is the parser looking at the right file?"
    roots = {m.split(".")[0] for m, _ in found}
    assert not roots & (FORBIDDEN_ROOTS | {"app", "config"}), name


# Pure rules of the workspace: free of frameworks, importing only the codes.
PURE_WORKSPACE = ("app.worklist", "app.search_terms")
CODES = {"app.codes", "app.screening.codes"}


@pytest.mark.parametrize("name", PURE_WORKSPACE)
def test_the_workspaces_rules_import_no_framework_and_only_the_codes(name: str) -> None:
    found = imports_of(module_path(name).read_text(encoding="utf-8"))
    assert found, f"{name}: no imports found; is the parser looking at the right file?"
    assert not {m.split(".")[0] for m, _ in found} & (FORBIDDEN_ROOTS | {"config"}), name
    from_app = {m for m, _ in found if m.split(".")[0] == "app"}
    assert from_app, f"{name} imports its codes"
    assert all(m in CODES or m.rsplit(".", 1)[0] in CODES for m in from_app), from_app


def test_rules_imports_the_catalogue() -> None:
    # The checks above are vacuous if nothing is found: rules.py is known to import these.
    modules = {m for m, _ in imports_of(module_path("app.screening.rules").read_text("utf-8"))}
    assert {"app.screening.catalogue", "app.screening.questions"} <= modules


# Run in a fresh interpreter, outside the project folder (so that the project's own modules,
# such as ``config``, are not found there by accident), importing the rules the way other
# systems do. Anything framework-related in sys.modules afterwards was pulled in by that import:
# the ``app`` package itself must import nothing until ``create_app`` is asked for.
_PROBE = textwrap.dedent(
    """
    import json, sys
    from app.screening.rules import RULES_VERSION, evaluate
    import app.screening.rule_texts  # the other pure module: the rules' texts

    print(json.dumps({
        "modules": sorted(sys.modules),
        "evaluate": evaluate({}).outcome,
        "version": RULES_VERSION,
    }))
    """
)


def test_importing_the_rules_pulls_in_no_framework(tmp_path: Path) -> None:
    result = subprocess.run(  # noqa: S603 - fixed arguments, our own interpreter
        [sys.executable, "-c", _PROBE],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout)
    modules: list[str] = probe["modules"]
    assert probe["evaluate"] == "not_indicated"
    assert probe["version"]
    assert set(PURE_MODULES) <= set(modules)
    assert sorted(m for m in modules if m.split(".")[0] in FORBIDDEN_ROOTS | {"config"}) == []
    app_modules = {m for m in modules if m.split(".")[0] == "app"}
    assert app_modules == {"app", "app.screening", *PURE_MODULES}


def test_the_package_still_gives_the_factory() -> None:
    import app

    assert app.create_app.__module__ == "app.factory"
    with pytest.raises(AttributeError):
        _ = app.no_such_name
