"""The statistics page in a real browser, at a phone's width and a desk's, in English and
French: no WCAG 2.x A/AA violation, every chart drawn, no script and no request elsewhere,
printed without its form, links and navigation."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page

from tests.browser.conftest import axe_violations, staff_sign_in
from tests.statistics.data import add_plausible_counts

SHOTS = os.environ.get("IMS_SCREENSHOTS")


@pytest.fixture(scope="module")
def counted(live_app: Flask) -> None:
    add_plausible_counts(live_app)


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("width", [390, 1280])
def test_the_statistics_page(
    page: Page, live_app: Flask, counted: None, lang: str, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    staff_sign_in(page, live_app, "front_desk")
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"/staff/statistics?period=quarter&lang={lang}")
    # Each figure is a chart, or says why it has none (every count small, as the safety
    # stops' weeks in these counts; other tests of the run may add to them).
    assert page.locator("section.figure").count() == 7
    for section in page.locator("section.figure").all():
        drawn = section.locator("svg.chart").count()
        said = section.locator("p.muted").count()
        assert drawn + said == 1, section.get_attribute("id")
    assert page.locator("#received svg.chart").count() == 1
    fewer = "fewer than 5" if lang == "en" else "moins de 5"
    assert page.locator("#stops table td", has_text=fewer).count() > 0
    assert page.locator("svg.chart rect").count() > 50
    assert page.locator("script").count() == 0
    assert all(url.startswith(page.url.split("/staff")[0]) for url in requests), requests
    assert axe_violations(page) == []
    width_of_page = page.evaluate("() => document.documentElement.scrollWidth")
    assert width_of_page <= width  # nothing runs off the screen (tables scroll in their box)
    page.emulate_media(media="print")  # printed: the figures, without the form and links
    assert not page.locator("form.period").is_visible()
    assert not page.locator(".staff-nav").is_visible()
    assert not page.locator("section.figure p.no-print a").first.is_visible()
    assert page.locator("#received svg.chart").is_visible()
    page.emulate_media(media="screen")
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/statistics-{lang}-{width}.png", full_page=True)
