"""axe finds no WCAG 2.x A/AA violation on any patient page, in English and in French."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from app.screening.questions import STEPS
from tests.browser.conftest import axe_violations
from tests.browser.flows import answers_for, complete, fill_step

LANGS = ["en", "fr"]


def check(page: Page, name: str, found: dict[str, list]) -> None:
    violations = axe_violations(page)
    if violations:
        found[name] = violations


@pytest.mark.parametrize("lang", LANGS)
def test_start_steps_errors_and_check_page(page: Page, lang: str) -> None:
    found: dict[str, list] = {}
    page.goto(f"/?lang={lang}")
    assert page.locator("html").get_attribute("lang") == ("fr-CA" if lang == "fr" else "en")
    check(page, "start", found)
    answers = answers_for("suggest_consult")
    for step in STEPS:
        page.goto(f"/screening/{step.id}")
        check(page, f"{step.id} empty", found)
        page.click("main form button[type=submit]")
        assert page.locator(".error-summary").count() == 1
        check(page, f"{step.id} with errors", found)
        fill_step(page, step.id, answers)
    assert page.url.endswith("/screening/check")
    check(page, "check your answers", found)
    page.goto("/no-such-page")
    check(page, "404 page", found)
    assert found == {}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    "outcome",
    [
        "suggest_consult",
        "clinician_review",
        "not_suitable",
        "not_indicated",
        "emergency",
        "see_doctor",
    ],
)
def test_result_pages(page: Page, lang: str, outcome: str) -> None:
    complete(page, outcome, lang)
    main = page.locator("main")
    assert main.get_attribute("data-outcome") == outcome
    assert main.get_attribute("data-reference")
    assert axe_violations(page) == []
