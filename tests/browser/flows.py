"""Filling the questionnaire in a real browser, by clicks or by keyboard alone."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from playwright.sync_api import Page

from app.screening.catalogue import Kind
from app.screening.questions import STEPS, STEPS_BY_ID
from tests.journey import BASE_ANSWERS

OUTCOME_ANSWERS: dict[str, dict[str, Any]] = {
    "suggest_consult": {},
    "clinician_review": {"blood_thinners": "yes", "diabetes": "yes", "needle_attitude": "nervous"},
    "not_suitable": {"needle_attitude": "prefer_no_needles"},
    "not_indicated": {
        "diagnoses": ["none"],
        "pain_duration": "under_6_weeks",
        "manual_therapy": "helped",
    },
    "emergency": {"rf_bladder_bowel": "yes"},
    "see_doctor": {"rf_fever_unwell": "yes"},
}


def answers_for(outcome: str) -> dict[str, Any]:
    """Complete answers that lead to ``outcome``."""
    return {**BASE_ANSWERS, **OUTCOME_ANSWERS[outcome]}


def fill_step(page: Page, step_id: str, answers: Mapping[str, Any]) -> None:
    """Answer one step with the mouse and send it."""
    for question in STEPS_BY_ID[step_id].questions:
        value = answers.get(question.id)
        if value in (None, "", []):
            continue
        if question.kind is Kind.MULTI:
            for code in value:
                page.check(f"#{question.id}-{code}")
        elif question.kind is Kind.CONSENT:
            page.check(f"#{question.id}")
        elif question.choices:
            page.check(f"#{question.id}-{value}")
        else:
            page.fill(f"#{question.id}", str(value))
    page.click("main form button[type=submit]")


def complete(page: Page, outcome: str, lang: str = "en") -> None:
    """Answer every step needed for ``outcome`` and land on its result page."""
    answers = answers_for(outcome)
    page.goto(f"/screening/safety?lang={lang}")
    for step in STEPS:
        fill_step(page, step.id, answers)
        if page.url.endswith("/screening/result"):
            return
    page.click("main form button[type=submit]")  # "Send my answers" on the check page
    page.wait_for_url("**/screening/result")


def focused(page: Page) -> dict[str, Any]:
    """What has the keyboard focus."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            return {tag: el.tagName.toLowerCase(), id: el.id, name: el.name || '',
                    type: el.type || '', className: el.className || '',
                    outline: style.outlineStyle, shadow: style.boxShadow};
        }"""
    )


def tab_to(page: Page, predicate: Any, limit: int = 60) -> dict[str, Any]:
    """Press Tab until the focused element satisfies ``predicate``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if predicate(now):
            return now
    raise AssertionError("never reached the element with the keyboard")


def keyboard_step(page: Page, step_id: str, answers: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Answer one step with Tab, arrows, Space and typing only; send it with Enter.

    Returns the focus states met on the way, to check that focus is always visible.
    """
    seen = []
    for question in STEPS_BY_ID[step_id].questions:
        value = answers.get(question.id)
        if value in (None, "", []):
            continue
        if question.kind is Kind.MULTI:
            for code in value:
                seen.append(tab_to(page, lambda f, i=f"{question.id}-{code}": f["id"] == i))
                page.keyboard.press("Space")
        elif question.kind is Kind.CONSENT:
            seen.append(tab_to(page, lambda f, i=question.id: f["id"] == i))
            page.keyboard.press("Space")
        elif question.choices:
            seen.append(tab_to(page, lambda f, n=question.id: f["name"] == n))
            codes = [c.code for c in question.choices]
            current = focused(page)["id"].removeprefix(f"{question.id}-")
            page.keyboard.press("Space")  # select the radio that has the focus
            for _ in range((codes.index(value) - codes.index(current)) % len(codes)):
                page.keyboard.press("ArrowDown")
        else:
            seen.append(tab_to(page, lambda f, i=question.id: f["id"] == i))
            page.keyboard.type(str(value))
    seen.append(tab_to(page, lambda f: f["tag"] == "button"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    return seen
