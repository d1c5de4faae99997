"""The print view for the patient's chart in a real browser: Chromium prints the heaviest
record on at most two Letter pages, en and fr; on screen, no WCAG 2.x A/AA violation at a
phone's width and a desktop's."""

from __future__ import annotations

import io
import os
import unicodedata
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser
from pypdf import PdfReader

from tests.browser.conftest import axe_violations, new_context, staff_sign_in
from tests.staff.test_chart import heaviest

SHOTS = os.environ.get("IMS_SCREENSHOTS")  # a folder: keep a screenshot of each page


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_print_view_prints_on_two_letter_pages_at_most(
    browser: Browser, base_url: str, live_app: Flask, lang: str
) -> None:
    made = heaviest(live_app)
    # The Content-Security-Policy enforced, as in every clinic's browser: the print view's
    # styles must come from a file it allows.
    context = new_context(browser, base_url=base_url, bypass_csp=False)
    page = context.new_page()
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text))
    page.goto(f"/auth/login?lang={lang}")
    staff_sign_in(page, live_app, "front_desk")
    page.goto(f"/staff/submissions/{made.reference}/print")
    assert not [text for text in refused if "Content Security Policy" in text]
    page.emulate_media(media="print")
    printed = PdfReader(io.BytesIO(page.pdf(format="Letter", prefer_css_page_size=True)))
    # NFKC: the PDF's text keeps the font's ligatures ("ﬁ").
    text = unicodedata.normalize("NFKC", " ".join(p.extract_text() for p in printed.pages))
    context.close()
    assert len(printed.pages) <= 2
    assert made.reference in text
    assert ("Confidential:" if lang == "en" else "Confidentiel") in text
    assert "Back to the submission" not in text
    assert "Retour à la demande" not in text


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_print_view_on_screen(
    browser: Browser, base_url: str, live_app: Flask, lang: str, width: int
) -> None:
    made = heaviest(live_app)
    context = new_context(browser, base_url=base_url, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"/auth/login?lang={lang}")
    staff_sign_in(page, live_app, "front_desk")
    page.goto(f"/staff/submissions/{made.reference}/print")
    found = axe_violations(page)
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"print-{lang}-{width}.png"), full_page=True)
    context.close()
    assert found == []
