"""The submission page as a workspace in a real browser, en and fr, at a phone's width and a
desktop's: the actions beside the summary on a wide screen and right after it on a phone, no
WCAG 2.x A/AA violation, before and after a clinician's decision."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page

from tests.browser.conftest import axe_violations, new_context, staff_sign_in
from tests.builders import ANSWERS, make_submission

WIDTHS = [390, 1280]
LANGS = ["en", "fr"]
# Set to a folder to keep a full-page screenshot of each page the test opens.
SHOTS = os.environ.get("IMS_SCREENSHOTS")


def _box(page: Page, selector: str) -> dict[str, float]:
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    return box


def _shoot(page: Page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}-screen.png"))  # what shows first


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_the_workspace_layout_and_its_clearance(
    browser: Browser, base_url: str, live_app: Flask, lang: str, width: int
) -> None:
    made = make_submission(
        live_app,
        outcome="clinician_review",
        reasons=["PR_DIABETES", "IND_TENNIS_ELBOW", "IND_PERSISTENT_PAIN"],
        answers={**ANSWERS, "diabetes": "yes"},
        comments="Worse in the morning.",
        minutes_ago=90,
    )
    context = new_context(browser, base_url=base_url, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"/auth/login?lang={lang}")
    staff_sign_in(page, live_app, "clinician")
    page.goto(f"/staff/submissions/{made.reference}")
    summary, actions, details = (
        _box(page, "#summary"),
        _box(page, ".actions"),
        _box(page, ".details"),
    )
    if width >= 1280:  # beside the summary, from its top
        assert actions["x"] >= summary["x"] + summary["width"]
        assert abs(actions["y"] - summary["y"]) < 2
    else:  # right after it, before the answers
        assert summary["y"] + summary["height"] <= actions["y"] < details["y"]
    assert page.locator(".answer-row.flagged").count() == 3  # diabetes, diagnosis, duration
    found = {"waiting": axe_violations(page)}
    _shoot(page, f"submission-{lang}-{width}")

    page.check("#decision-0")
    page.fill("#reason", "Well controlled; fine to book.")
    with page.expect_navigation():
        page.click("#clearance button[type=submit]")
    assert page.url.endswith("#clearance")
    assert page.locator("#clearance [role=status]").is_visible()
    assert page.locator("#clearance details").count() == 1
    assert not page.locator("#reason").is_visible()  # the new decision's form stays closed
    found["decided"] = axe_violations(page)
    _shoot(page, f"submission-decided-{lang}-{width}")
    page.click("#clearance summary")
    assert page.locator("#reason").is_visible()
    found["new decision"] = axe_violations(page)
    context.close()
    assert found == {name: [] for name in found}
