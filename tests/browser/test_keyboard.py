"""A patient completes the questionnaire with the keyboard alone, always seeing the focus."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from app.screening.questions import STEPS, STEPS_BY_ID
from tests.browser.flows import answers_for, focused, keyboard_step


def focus_is_visible(state: dict) -> bool:
    return state["outline"] not in ("none", "") or state["shadow"] not in ("none", "")


def test_whole_questionnaire_by_keyboard(page: Page) -> None:
    answers = answers_for("clinician_review")
    page.goto("/")
    page.keyboard.press("Tab")
    assert focused(page)["className"] == "skip-link"
    assert focus_is_visible(focused(page))

    page.goto("/screening/safety")
    # Sending an empty step puts the focus on the error summary. The browser applies
    # `autofocus` at its next rendering step, which may come just after the load event.
    page.locator("main form button[type=submit]").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".error-summary")).to_be_focused()
    assert focus_is_visible(focused(page))

    seen = []
    for step in STEPS:
        page.goto(f"/screening/{step.id}")
        seen += keyboard_step(page, step.id, answers)
    assert page.url.endswith("/screening/check")
    hidden = [state for state in seen if not focus_is_visible(state)]
    assert hidden == [], "focus must always be visible"

    page.locator("main form button[type=submit]").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/screening/result")
    assert page.locator("main").get_attribute("data-outcome") == "clinician_review"


def test_error_summary_links_lead_to_the_field(page: Page) -> None:
    """Without JavaScript a link cannot focus an input, but it brings it into view and moves
    the keyboard's starting point there."""
    page.set_viewport_size({"width": 400, "height": 500})
    page.goto("/screening/safety")
    for question in STEPS_BY_ID["safety"].questions[:-1]:  # the last one left unanswered
        page.check(f"#{question.id}-no")
    page.click("main form button[type=submit]")
    links = page.locator(".error-summary a")
    links.last.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == "#rf_night_pain-yes"
    assert page.locator("#rf_night_pain-yes").is_visible()
    in_view = page.evaluate(
        """() => { const r = document.getElementById('rf_night_pain-yes').getBoundingClientRect();
                   return r.top >= 0 && r.bottom <= innerHeight; }"""
    )
    assert in_view
    page.keyboard.press("Tab")  # the next stop after the last question: the Continue button
    assert focused(page)["tag"] == "button"
