"""The admin's password reset and the staff error pages in a real browser, en and fr, at a
phone's width and a desktop's: no WCAG 2.x A/AA violation; the generated password readable."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Browser
from sqlalchemy import select

from app.extensions import db
from app.models import StaffUser
from tests.browser.conftest import axe_violations, make_staff_user, new_context, staff_sign_in

WIDTHS = [390, 1280]
LANGS = ["en", "fr"]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_a_password_reset_and_a_staff_error_page(
    browser: Browser, base_url: str, live_app: Flask, lang: str, width: int
) -> None:
    context = new_context(browser, base_url=base_url, viewport={"width": width, "height": 844})
    page = context.new_page()
    target, _ = make_staff_user(live_app, "front_desk")
    page.goto(f"/auth/login?lang={lang}")
    staff_sign_in(page, live_app, "admin")
    with live_app.app_context():
        staff_id = db.session.scalars(select(StaffUser.id).where(StaffUser.email == target)).one()
    page.goto(f"/admin/accounts/{staff_id}")
    found = {"account": axe_violations(page)}
    page.fill("#password", "password1234")
    page.fill("#confirm", "password1234")
    with page.expect_navigation():
        page.click("#password-title ~ form button[type=submit]")
    assert page.locator(".error-summary").is_visible()
    found["refused"] = axe_violations(page)
    page.fill("#password", "")
    page.fill("#confirm", "")
    with page.expect_navigation():
        page.click("#password-title ~ form button[type=submit]")
    shown = page.locator(".temporary-password code")
    assert shown.is_visible()
    assert len(shown.inner_text()) == 19
    found["reset"] = axe_violations(page)
    response = page.goto("/admin/accounts/999999")
    assert response is not None
    assert response.status == 404
    assert page.locator(".staff-nav").is_visible()
    found["404"] = axe_violations(page)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    context.close()
    assert found == {"account": [], "refused": [], "reset": [], "404": []}
