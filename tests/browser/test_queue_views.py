"""The queue's views and the patient search in a real browser: reached and used with the
keyboard alone, and no WCAG 2.x A/AA violation, in English and in French."""

from __future__ import annotations

import secrets
import string
from datetime import timedelta

import pytest
from flask import Flask
from playwright.sync_api import Page

from app.database import utcnow
from tests.browser.conftest import axe_violations, staff_sign_in
from tests.browser.flows import focused, tab_to
from tests.builders import make_submission

LANGS = ["en", "fr"]
STOP = {"is_safety_stop": True, "full_name": None, "email": None, "phone": None}


@pytest.fixture
def queue_data(live_app: Flask) -> dict[str, str]:
    """One submission of each kind the views show, with a surname no other test uses (the
    browser run shares one database)."""
    now = utcnow()
    surname = "".join(secrets.choice(string.ascii_lowercase) for _ in range(10)).title()
    made = {
        "review": make_submission(live_app, outcome="clinician_review", full_name=f"Ada {surname}"),
        "follow_up": make_submission(
            live_app,
            full_name=f"Bea {surname}",
            status="contacted",
            attempts=1,
            follow_up_due=now - timedelta(hours=1),
        ),
        "stop": make_submission(live_app, outcome="emergency", **STOP),
    }
    return {"surname": surname, **{name: s.reference for name, s in made.items()}}


def row_references(page: Page) -> list[str]:
    return page.locator("table.queue tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.reference)"
    )


@pytest.mark.parametrize("lang", LANGS)
def test_every_view_and_search_results_have_no_violations(
    page: Page, live_app: Flask, queue_data: dict[str, str], lang: str
) -> None:
    found = {}
    page.goto(f"/auth/login?lang={lang}")
    staff_sign_in(page, live_app, "front_desk")
    for path in ("/staff/", "/staff/follow-ups", "/staff/safety-stops", "/staff/all"):
        page.goto(path)
        found[path] = axe_violations(page)
    assert queue_data["follow_up"] in row_references(page)
    page.goto("/staff/?assignee=me")
    found["to do, mine (empty)"] = axe_violations(page)
    page.fill("#query", queue_data["surname"].lower())
    page.click("form.find button[type=submit]")
    assert set(row_references(page)) >= {queue_data["review"], queue_data["follow_up"]}
    found["search results"] = axe_violations(page)
    page.fill("#query", "")
    page.click("form.find button[type=submit]")
    found["search with an error"] = axe_violations(page)
    page.goto(f"/staff/submissions/{queue_data['follow_up']}")
    page.click("#attempt button[type=submit]")
    found["attempt with errors"] = axe_violations(page)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/staff/")
        found[f"to do at {width} px"] = axe_violations(page)
    assert {name: v for name, v in found.items() if v} == {}


@pytest.mark.parametrize("lang", LANGS)
def test_views_search_and_an_attempt_with_the_keyboard_alone(
    page: Page, live_app: Flask, queue_data: dict[str, str], lang: str
) -> None:
    page.goto(f"/auth/login?lang={lang}")
    staff_sign_in(page, live_app, "front_desk")
    page.goto("/staff/")
    # The views: Tab to the Follow-ups tab and follow it with Enter.
    tab_to(
        page,
        lambda f: (
            f["tag"] == "a"
            and "/staff/follow-ups"
            in page.evaluate("() => document.activeElement.getAttribute('href')")
        ),
    )
    page.keyboard.press("Enter")
    page.wait_for_url("**/staff/follow-ups")
    assert queue_data["follow_up"] in row_references(page)
    assert page.locator('.views [aria-current="page"]').get_attribute("href") == "/staff/follow-ups"
    # Search: type into the box and send it with Enter.
    tab_to(page, lambda f: f["id"] == "query")
    page.keyboard.type(f"Bea {queue_data['surname'][:5]}")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert row_references(page) == [queue_data["follow_up"]]
    # Open it, and record an attempt with Tab, arrows and Space.
    tab_to(
        page,
        lambda f: (
            f["tag"] == "a"
            and page.evaluate("() => document.activeElement.textContent.trim()")
            == queue_data["follow_up"]
        ),
    )
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/staff/submissions/{queue_data['follow_up']}")
    tab_to(page, lambda f: f["id"] == "channel-0")
    page.keyboard.press("Space")
    tab_to(page, lambda f: f["name"] == "result")
    page.keyboard.press("ArrowDown")  # from "Reached them" to "No answer"
    state = tab_to(
        page,
        lambda f: (
            f["type"] == "submit"
            and page.evaluate("() => document.activeElement.closest('#attempt') !== null")
        ),
    )
    assert state["outline"] != "none" or state["shadow"] != "none", "focus is visible"
    page.keyboard.press("Enter")
    page.wait_for_url("**#attempt")
    assert page.locator("#attempt-title").is_visible()
    history = page.locator("ol.history").inner_text()
    assert ("No answer" if lang == "en" else "Pas de réponse") in history
    assert focused(page)["tag"]  # the page is usable after the redirect
