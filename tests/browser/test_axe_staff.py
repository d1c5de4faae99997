"""axe finds no WCAG 2.x A/AA violation on the staff pages, in English and in French."""

from __future__ import annotations

import pyotp
import pytest
from flask import Flask
from playwright.sync_api import Page

from tests.browser.conftest import STAFF_PASSWORD, axe_violations, make_staff_user, staff_sign_in
from tests.browser.flows import complete

LANGS = ["en", "fr"]


@pytest.mark.parametrize("lang", LANGS)
def test_sign_in_and_enrolment(page: Page, live_app: Flask, lang: str) -> None:
    found = {}
    email, _ = make_staff_user(live_app, "front_desk", enrolled=False)
    page.goto(f"/auth/login?lang={lang}")
    found["sign-in"] = axe_violations(page)
    page.click("main button[type=submit]")
    found["sign-in with errors"] = axe_violations(page)
    page.fill("#email", email)
    page.fill("#password", STAFF_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/auth/enrol")
    found["enrolment"] = axe_violations(page)
    secret = page.locator("code.secret").inner_text()
    page.fill("#code", pyotp.TOTP(secret).now())
    page.click("main button[type=submit]")
    found["recovery codes"] = axe_violations(page)
    assert {name: v for name, v in found.items() if v} == {}


@pytest.mark.parametrize("lang", LANGS)
def test_queue_and_submission_page(
    page: Page, browser, base_url: str, live_app: Flask, lang: str
) -> None:
    patient = browser.new_context(base_url=base_url, bypass_csp=True).new_page()
    complete(patient, "clinician_review", lang)
    reference = patient.locator("main").get_attribute("data-reference")
    patient.context.close()

    found = {}
    page.goto(f"/auth/login?lang={lang}")
    staff_sign_in(page, live_app, "clinician")
    found["queue"] = axe_violations(page)
    page.goto("/staff/all?outcome=clinician_review&status=new")
    found["queue filtered"] = axe_violations(page)
    page.goto(f"/staff/submissions/{reference}")
    found["submission"] = axe_violations(page)
    page.click("#note-title ~ form button[type=submit]")  # an empty note: errors
    found["submission with errors"] = axe_violations(page)
    assert {name: v for name, v in found.items() if v} == {}


@pytest.mark.parametrize("lang", LANGS)
def test_admin_pages(page: Page, live_app: Flask, lang: str) -> None:
    found = {}
    page.goto(f"/auth/login?lang={lang}")
    staff_sign_in(page, live_app, "admin")
    found["accounts"] = axe_violations(page)
    page.goto("/admin/accounts/new")
    found["new account"] = axe_violations(page)
    page.click("main form button[type=submit]")
    found["new account with errors"] = axe_violations(page)
    page.goto("/admin/accounts/1")
    found["account"] = axe_violations(page)
    page.goto("/admin/audit")
    found["audit log"] = axe_violations(page)
    page.goto("/auth/password")
    found["password"] = axe_violations(page)
    page.click("main form button[type=submit]")
    found["password with errors"] = axe_violations(page)
    assert {name: v for name, v in found.items() if v} == {}
