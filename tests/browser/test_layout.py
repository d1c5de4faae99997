"""Small screens, 200% zoom, printing, and the questionnaire without JavaScript."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page

from tests.browser.conftest import new_context, staff_sign_in
from tests.browser.flows import complete, fill_step

PATIENT_PAGES = ["/", "/screening/safety", "/screening/pain", "/no-such-page"]


def scrolls_sideways(page: Page) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )


@pytest.mark.parametrize(
    ("width", "label"),
    [(320, "320 px wide"), (640, "200% zoom of a 1280 px window")],
)
def test_no_horizontal_scrolling(
    browser: Browser, base_url: str, live_app: Flask, width: int, label: str
) -> None:
    context = new_context(browser, base_url=base_url, viewport={"width": width, "height": 800})
    page = context.new_page()
    wide = []
    for url in PATIENT_PAGES:
        page.goto(url)
        if scrolls_sideways(page):
            wide.append(url)
    page.goto("/screening/safety")
    page.click("main form button[type=submit]")  # with errors
    if scrolls_sideways(page):
        wide.append("safety with errors")
    complete(page, "clinician_review", "fr")
    if scrolls_sideways(page):
        wide.append("result (fr)")
    staff_sign_in(page, live_app, "front_desk")
    if scrolls_sideways(page):
        wide.append("queue")
    context.close()
    assert wide == [], label


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("outcome", ["suggest_consult", "clinician_review", "emergency"])
def test_result_prints_on_one_page(page: Page, outcome: str, lang: str) -> None:
    complete(page, outcome, lang)
    page.emulate_media(media="print")
    pdf = page.pdf(format="Letter")
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    assert pages == 1


def test_questionnaire_works_without_javascript(browser: Browser, base_url: str) -> None:
    context = new_context(browser, base_url=base_url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/screening/safety")
    page.click("main form button[type=submit]")
    assert page.locator(".error-summary").count() == 1
    complete(page, "suggest_consult")
    assert page.locator("main").get_attribute("data-outcome") == "suggest_consult"
    assert page.locator("main").get_attribute("data-reference")
    context.close()


def test_patient_pages_make_no_third_party_request(browser: Browser, base_url: str) -> None:
    context = new_context(browser, base_url=base_url)
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/")
    page.goto("/screening/safety")
    fill_step(page, "safety", {"rf_saddle_numbness": "no"})
    context.close()
    assert requested
    assert all(url.startswith(base_url) for url in requested), requested
