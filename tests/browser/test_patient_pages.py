"""The patient pages as a person in pain meets them on a phone and a desktop: the Start button
on the first screen, the emergency page's call link first, touch targets of 44 px, the pain
scale read as one scale, a Change link on every answer, and no WCAG A/AA violation (en, fr)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import axe_violations, new_context
from tests.browser.flows import answers_for, complete, fill_step

LANGS = ["en", "fr"]
TARGET = 44  # px, WCAG 2.5.5


def box(page: Page, selector: str) -> dict[str, Any]:
    found = page.locator(selector).first.bounding_box()
    assert found is not None, selector
    return found


@pytest.mark.parametrize("lang", LANGS)
def test_the_start_button_is_on_a_phones_first_screen(
    browser: Browser, base_url: str, lang: str
) -> None:
    context = new_context(browser, base_url=base_url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"/?lang={lang}")
    start = box(page, "main a.button")
    emergency = box(page, ".emergency-line")
    assert start["y"] + start["height"] <= 844
    assert emergency["y"] < start["y"]  # the emergency line first, near the top
    assert axe_violations(page) == []
    context.close()


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("outcome", "dialled"), [("emergency", "911"), ("see_doctor", "811")])
def test_a_safety_stop_leads_with_its_call_link(
    browser: Browser, base_url: str, lang: str, outcome: str, dialled: str
) -> None:
    context = new_context(browser, base_url=base_url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    complete(page, outcome, lang)
    call = page.locator(f'a.call-button[href="tel:{dialled}"]')
    assert call.count() == 1
    found = call.bounding_box()
    assert found is not None
    assert found["height"] >= TARGET
    assert found["y"] + found["height"] <= 844  # on the first screen, before any reason
    reference = box(page, ".reference")
    assert reference["y"] > found["y"]  # the reference below the instruction
    if outcome == "emergency":
        assert page.locator("text=If things get worse").count() == 0
    assert axe_violations(page) == []
    context.close()


@pytest.mark.parametrize("width", [320, 390, 1280])
def test_choices_are_44_px_targets_and_the_scale_reads_as_one(
    browser: Browser, base_url: str, width: int
) -> None:
    context = new_context(browser, base_url=base_url, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto("/screening/safety")
    fill_step(page, "safety", answers_for("suggest_consult"))
    page.wait_for_url("**/screening/pain")
    for selector in ("#pain_areas-head", "#pain_duration-under_6_weeks", "#pain_intensity-0"):
        target = box(page, selector)
        assert target["width"] >= TARGET, selector
        assert target["height"] >= TARGET, selector
    points = [box(page, f"#pain_intensity-{n}") for n in range(11)]
    xs, ys = [p["x"] for p in points], [p["y"] for p in points]
    if width >= 640:  # one row, 0 to 10 from left to right
        assert len(set(ys)) == 1
        assert xs == sorted(xs)
    else:  # one column, 0 to 10 from top to bottom, each under the last
        assert len(set(xs)) == 1
        assert ys == sorted(ys)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_every_answer_has_its_change_link(page: Page, lang: str) -> None:
    answers = answers_for("suggest_consult")
    page.goto(f"/screening/safety?lang={lang}")
    for step_id in ("safety", "pain", "history", "health", "contact"):
        fill_step(page, step_id, answers)
    page.wait_for_url("**/screening/check")
    links = page.locator(".answers dd a")
    assert links.count() == page.locator(".answers dt").count()
    assert axe_violations(page) == []
    links.nth(3).click()  # the fourth safety question
    page.wait_for_url("**/screening/safety#*")
    assert page.url.endswith("#" + page.locator("main fieldset").nth(3).get_attribute("id"))
