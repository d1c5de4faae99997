"""The notifications page, the outgoing-email page and the contact step's receipt box in a real
browser, at a phone's width and a desktop's, in English and French: no WCAG 2.x A/AA violation,
with and without an error summary; the choice saved with the keyboard alone."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page

from tests.browser.conftest import axe_violations, new_context, staff_sign_in
from tests.journey import BASE_ANSWERS, step_data

WIDTHS = [390, 1280]
LANGS = ["en", "fr"]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_the_notifications_page_reads_well_and_saves_from_the_keyboard(
    browser: Browser, base_url: str, live_app: Flask, lang: str, width: int
) -> None:
    context = new_context(browser, base_url=base_url, viewport={"width": width, "height": 844})
    page = context.new_page()
    page.goto(f"/auth/login?lang={lang}")
    staff_sign_in(page, live_app, "front_desk")
    page.goto("/staff/notifications")
    found = {"page": axe_violations(page)}
    page.fill("#digest_time", "99:99")
    page.check("#mode-2")  # daily
    with page.expect_navigation():
        page.click("form.narrow button[type=submit]")
    assert page.locator(".error-summary").is_visible()
    found["refused"] = axe_violations(page)
    page.fill("#digest_time", "07:30")
    page.focus("#mode-1")  # hourly, chosen with the keyboard
    page.keyboard.press("Space")
    with page.expect_navigation():
        page.locator("form.narrow button[type=submit]").press("Enter")
    assert page.locator("main .notice[role=status]").is_visible()
    assert page.locator("#mode-1").is_checked()
    assert page.input_value("#digest_time") == "07:30"
    # Nothing in the page runs sideways on a phone.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    context.close()
    assert found == {"page": [], "refused": []}


@pytest.mark.parametrize("lang", LANGS)
def test_the_outgoing_email_page_has_no_violations(page: Page, live_app: Flask, lang: str) -> None:
    page.goto(f"/auth/login?lang={lang}")
    staff_sign_in(page, live_app, "admin")
    page.goto("/admin/outbox")
    assert page.locator("h1").is_visible()
    assert axe_violations(page) == []


@pytest.mark.parametrize("lang", LANGS)
def test_the_receipt_box_sits_under_the_email_address(page: Page, lang: str) -> None:
    page.goto(f"/?lang={lang}")
    for step in ("safety", "pain", "history", "health"):
        page.goto(f"/screening/{step}")
        for name, value in step_data(step, BASE_ANSWERS).items():
            for one in value if isinstance(value, list) else [value]:
                page.check(f"#{name}-{one}")
        with page.expect_navigation():
            page.click("main form button[type=submit]")
    assert page.url.endswith("/screening/contact")
    order = page.evaluate(
        "() => [...document.querySelectorAll('main input')].map(i => i.id).filter(Boolean)"
    )
    assert order.index("receipt") == order.index("email") + 1
    page.check("#receipt")
    page.fill("#full_name", "Alex Tremblay")
    page.check("#contact_preference-phone")
    page.fill("#phone", "613-555-0199")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    summary = page.locator(".error-summary a[href='#receipt']")
    assert summary.is_visible()
    assert axe_violations(page) == []
