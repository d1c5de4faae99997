"""The audit log filtered by a submission's reference and its access report in a real browser,
en and fr, at a phone's width and a desktop's: no WCAG 2.x A/AA violation; the report's rows
readable on a phone (one block a record)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser

from tests.browser.conftest import axe_violations, new_context, staff_sign_in
from tests.builders import make_submission

WIDTHS = [390, 1280]
LANGS = ["en", "fr"]
SHOTS = os.environ.get("IMS_SCREENSHOTS")  # a folder: keep a screenshot of each page


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_the_log_by_reference_and_the_access_report(
    browser: Browser, base_url: str, live_app: Flask, lang: str, width: int
) -> None:
    made = make_submission(live_app)
    context = new_context(browser, base_url=base_url, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"/auth/login?lang={lang}")
    staff_sign_in(page, live_app, "front_desk")
    page.goto(f"/staff/submissions/{made.reference}")  # a view to report
    page.goto(f"/auth/login?lang={lang}")
    staff_sign_in(page, live_app, "admin")
    page.goto("/admin/audit")
    page.fill("#reference", made.reference.lower())
    with page.expect_navigation():
        page.click(".filters button[type=submit]")
    assert page.locator("tbody tr").count() == 1
    found = {"log": axe_violations(page)}
    with page.expect_navigation():
        page.click(f"tbody a:has-text('{made.reference}')")
    assert page.locator("tbody tr").count() == 1
    if width < 600:  # each record a block, its labels shown
        assert page.locator("tbody .cell-label").first.is_visible()
    found["report"] = axe_violations(page)
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"access-{lang}-{width}.png"), full_page=True)
    context.close()
    assert found == {name: [] for name in found}
