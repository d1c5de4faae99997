"""Codes are defined once (``app.codes``, ``app.screening.codes``) and compared by name.

A status, role, outcome or step typed again as a string in a comparison would keep working
until the code changes, then silently stop matching. These tests find such comparisons in the
app's Python (with ``ast``) and in its templates, and check the catalogue's steps against
``StepId``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from app.codes import Actor, ClearanceDecision, Role, Stage, Status
from app.screening.codes import Group, Outcome, StepId
from app.screening.questions import STEP_IDS, STEPS

ROOT = Path(__file__).resolve().parent.parent
CODES = frozenset(
    code.value
    for enum in (Actor, ClearanceDecision, Group, Outcome, Role, Stage, Status, StepId)
    for code in enum
)
CODE_MODULES = {ROOT / "app" / "codes.py", ROOT / "app" / "screening" / "codes.py"}


def bare_codes_compared(source: str) -> list[tuple[int, str]]:
    """``(line, code)`` for each code written as a string literal in a comparison
    (``x == "new"``, ``x in ("admin", ...)``)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Compare):
            continue
        for side in (node.left, *node.comparators):
            items = side.elts if isinstance(side, ast.Tuple | ast.List | ast.Set) else [side]
            found += [
                (node.lineno, item.value)
                for item in items
                if isinstance(item, ast.Constant) and item.value in CODES
            ]
    return found


def test_the_finder_sees_equality_and_membership() -> None:
    source = 'a == "clinician_review"\nb in ("front_desk", x)\nc == Outcome.EMERGENCY\n'
    assert bare_codes_compared(source) == [(1, "clinician_review"), (2, "front_desk")]


@pytest.mark.parametrize(
    "path",
    [p for p in sorted((ROOT / "app").rglob("*.py")) if p not in CODE_MODULES],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_python_compares_codes_by_name(path: Path) -> None:
    assert bare_codes_compared(path.read_text(encoding="utf-8")) == []


# A quoted code beside ==, !=, "in (" or a dict key in a template.
TEMPLATE_CODE = re.compile(
    r"""(?:[=!]=\s*|\bin\s*\([^)]*|[{,]\s*)["'](?P<code>[a-z_]+)["']"""
    r"""|["'](?P<key>[a-z_]+)["']\s*:"""
)


def template_codes(text: str) -> set[str]:
    """The codes a template compares with or uses as dictionary keys, written as strings."""
    return {
        code
        for match in TEMPLATE_CODE.finditer(text)
        if (code := match["code"] or match["key"]) in CODES
    }


def test_the_template_finder_sees_comparisons_and_keys() -> None:
    text = '{% if s.status == "new" %}{% set x = {"emergency": 1} %}{{ url_for("staff.queue") }}'
    assert template_codes(text) == {"new", "emergency"}


@pytest.mark.parametrize(
    "path",
    sorted((ROOT / "templates").rglob("*.html")),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_templates_compare_codes_by_name(path: Path) -> None:
    assert template_codes(path.read_text(encoding="utf-8")) == set()


def test_the_catalogue_has_one_step_per_step_id_in_order() -> None:
    assert tuple(StepId) == STEP_IDS
    assert all(isinstance(step.id, StepId) for step in STEPS)
