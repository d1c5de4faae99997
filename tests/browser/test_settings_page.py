"""The clinic settings page and the purge preview in a real browser: no WCAG 2.x A/AA violation,
in English and in French, with and without an error summary; a change of the clinic's name, and
a retention period set and a purge run, with the keyboard alone."""

from __future__ import annotations

import re
import secrets
import string
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import Submission
from tests.browser.conftest import axe_violations, staff_sign_in
from tests.browser.flows import focused, tab_to
from tests.builders import make_submission

LANGS = ["en", "fr"]
SETTINGS = "/admin/settings"
RETENTION = "/admin/settings/retention"
RETENTION_DAYS = 3650
FLASH = "main .notice[role=status]"
SAVE_BUTTON = "form.settings button[type=submit]"
PURGE_BUTTON = "form.narrow button[type=submit]"


def focus_href(page: Page) -> str:
    """The href of the focused element, as written in the page (empty when it has none)."""
    return page.evaluate("() => document.activeElement.getAttribute('href') || ''")


def focus_within(page: Page, selector: str) -> bool:
    """Whether the focused element is inside an element that matches ``selector``."""
    return page.evaluate("(s) => document.activeElement.closest(s) !== null", selector)


def focus_is_visible(state: dict[str, Any]) -> bool:
    return state["outline"] not in ("none", "") or state["shadow"] not in ("none", "")


def unique_name() -> str:
    """A clinic name no other test uses (the browser run shares one database)."""
    suffix = "".join(secrets.choice(string.ascii_lowercase) for _ in range(8))
    return f"Clinic {suffix.title()}"


def path_of(page: Page) -> str:
    """The page's path, without the fragment a redirect keeps from the page before."""
    return urlsplit(page.url).path


def press_enter_and_load(page: Page) -> int | None:
    """Press Enter on what has the focus; the status of the page it loads."""
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    response = navigation.value
    return response.status if response else None


@pytest.mark.parametrize("lang", LANGS)
def test_settings_and_retention_pages_have_no_violations(
    page: Page, live_app: Flask, lang: str
) -> None:
    found = {}
    page.goto(f"/auth/login?lang={lang}")
    staff_sign_in(page, live_app, "admin")
    for path in (SETTINGS, RETENTION):
        page.goto(path)
        assert page.evaluate("() => document.documentElement.lang").startswith(lang)
        found[path] = axe_violations(page)
    # Refused values: the page comes back with its error summary, which has the focus.
    page.goto(SETTINGS)
    page.fill("#phone", "abc")
    page.fill("#booking_url", "http://x.example")
    with page.expect_navigation():
        page.click(SAVE_BUTTON)
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()  # autofocus, applied once the page has rendered
    targets = summary.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert targets == ["#phone", "#booking_url"]
    found["settings with errors"] = axe_violations(page)
    # Each of its links moves the focus to its field, whose error message describes it.
    for target in ("phone", "booking_url"):
        summary.locator(f'a[href="#{target}"]').focus()
        page.keyboard.press("Enter")
        expect(page.locator(f"#{target}")).to_be_focused()
        assert focus_is_visible(focused(page))
        described = page.locator(f"#{target}").get_attribute("aria-describedby") or ""
        assert f"{target}-error" in described.split()
        assert page.locator(f"#{target}-error").is_visible()
    # Nothing refused was stored: the phone in force is still the one patients see.
    page.goto(SETTINGS)
    assert page.locator("#phone").input_value() != "abc"
    assert {name: v for name, v in found.items() if v} == {}


def test_clinic_name_changed_with_the_keyboard_alone(page: Page, live_app: Flask) -> None:
    name = unique_name()
    page.goto("/auth/login?lang=en")
    staff_sign_in(page, live_app, "admin")
    page.goto(SETTINGS)
    state = tab_to(page, lambda f: f["id"] == "name")
    assert focus_is_visible(state)
    page.keyboard.press("Control+A")  # replace the name in force
    page.keyboard.type(name)
    state = tab_to(page, lambda f: f["type"] == "submit" and focus_within(page, "form.settings"))
    assert focus_is_visible(state)
    press_enter_and_load(page)
    assert path_of(page) == SETTINGS
    expect(page.locator(FLASH)).to_have_text(
        "1 setting saved: Clinic name. Patients and staff see it now."
    )
    # In force from the next request on: the header, the title, the history, patients' pages.
    expect(page.locator(".site-name")).to_have_text(name)
    assert page.title().endswith(f"– {name}")
    assert page.locator("#name").input_value() == name
    expect(page.locator("table.changes tbody tr").first).to_contain_text(name)
    page.goto("/")
    expect(page.locator(".site-name")).to_have_text(name)


def test_retention_period_and_purge_with_the_keyboard_alone(page: Page, live_app: Flask) -> None:
    # A submission received before the period: the purge has something to delete whatever
    # the other tests left (expired drafts may be there too, or not).
    old = make_submission(live_app, minutes_ago=(RETENTION_DAYS + 30) * 24 * 60)
    page.goto("/auth/login?lang=en")
    staff_sign_in(page, live_app, "admin")
    # No period (a test run before this one may have set it: clear it, with the mouse).
    page.goto(SETTINGS)
    if page.locator("#retention_days").input_value():
        page.fill("#retention_days", "")
        with page.expect_navigation():
            page.click(SAVE_BUTTON)
    page.goto(RETENTION)
    expect(page.locator("table.counts")).to_have_count(0)
    expect(page.locator("main form")).to_have_count(0)
    # The page offers a link to set the period; it leads to the field, with the focus on it.
    tab_to(page, lambda f: f["tag"] == "a" and focus_href(page).endswith("#retention_days"))
    press_enter_and_load(page)
    assert page.url.endswith(f"{SETTINGS}#retention_days")
    expect(page.locator("#retention_days")).to_be_focused()
    page.keyboard.type(str(RETENTION_DAYS))
    state = tab_to(page, lambda f: f["type"] == "submit" and focus_within(page, "form.settings"))
    assert focus_is_visible(state)
    press_enter_and_load(page)
    expect(page.locator(FLASH)).to_have_text(
        "1 setting saved: Retention period, in days. Patients and staff see it now."
    )
    assert page.locator("#retention_days").input_value() == str(RETENTION_DAYS)
    # On to the preview, by its link.
    tab_to(page, lambda f: f["tag"] == "a" and focus_href(page) == RETENTION)
    assert press_enter_and_load(page) == 200, "the preview with a retention period set"
    assert path_of(page) == RETENTION
    counts = page.locator("table.counts tbody tr")
    expect(counts.first.locator("th")).to_have_text("Submissions")
    expect(counts.first.locator("td")).to_have_text("1")
    assert page.locator("main form.narrow").is_visible()
    assert axe_violations(page) == []
    # Sent without the confirmation: refused, the error summary leads to the checkbox.
    tab_to(page, lambda f: f["type"] == "submit" and focus_within(page, "form.narrow"))
    assert press_enter_and_load(page) == 422
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.locator("a")).to_have_text(["Tick the box to confirm the purge."])
    assert axe_violations(page) == []
    assert page.locator("#confirm").is_checked() is False
    tab_to(page, lambda f: f["tag"] == "a" and focus_href(page) == "#confirm")
    page.keyboard.press("Enter")
    expect(page.locator("#confirm")).to_be_focused()
    # Ticked with Space and sent with Enter: the purge runs.
    page.keyboard.press("Space")
    assert page.locator("#confirm").is_checked()
    state = tab_to(page, lambda f: f["type"] == "submit" and focus_within(page, "form.narrow"))
    assert focus_is_visible(state)
    press_enter_and_load(page)
    assert path_of(page) == RETENTION
    flash = page.locator(FLASH).inner_text()
    assert re.fullmatch(
        r"Purge done: 1 submission deleted, and \d+ expired unfinished questionnaires\.", flash
    ), flash
    # Nothing left to delete: the page says so and offers no button.
    expect(page.locator("main")).to_contain_text(
        "Nothing is older than the retention period: there is nothing to purge."
    )
    expect(page.locator(PURGE_BUTTON)).to_have_count(0)
    expect(page.locator("main")).to_contain_text(re.compile(r": 1 submissions? deleted\."))
    with live_app.app_context():
        assert db.session.get(Submission, old.id) is None
