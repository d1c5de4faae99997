"""Errors on staff pages come in the staff layout, with a way back to the staff member's own
start page, never the patient's start page."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.conftest import make_app
from tests.forms import csrf_token
from tests.test_texts import staff_browser


@pytest.mark.parametrize(
    ("role", "missing", "home"),
    [
        ("front_desk", "/staff/submissions/IMS-2222-2222", "/staff/"),
        ("clinician", "/staff/no-such-view", "/staff/"),
        ("admin", "/admin/accounts/999999", "/admin/accounts"),
    ],
)
def test_a_missing_staff_page_leads_back_to_the_staff_members_start_page(
    app: Flask, role: str, missing: str, home: str
) -> None:
    client = staff_browser(app, role, "en")
    response = client.get(missing)
    assert response.status_code == 404
    page = response.text
    assert 'class="staff-nav"' in page, "the staff layout, with its navigation"
    assert f'<a class="button" href="{home}">Go to your start page</a>' in page
    assert "Results are only kept" not in page
    assert 'href="/"' not in page.split("<main", 1)[1], "no link to the patient start page"


def test_a_refused_page_says_so_in_the_staff_layout_in_french(app: Flask) -> None:
    client = staff_browser(app, "front_desk", "fr")
    response = client.get("/admin/accounts")
    assert response.status_code == 403
    assert 'class="staff-nav"' in response.text
    assert "Vous ne pouvez pas ouvrir cette page" in response.text
    assert 'href="/staff/"' in response.text


def test_a_wrong_method_and_too_many_attempts_on_staff_pages(tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = make_app(tmp_path, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="1 per minute")
    client = app.test_client()
    wrong = client.put("/staff/")
    assert wrong.status_code == 405
    assert "Go to your start page" in wrong.text
    assert 'href="/auth/login"' in wrong.text, "nobody signed in: the sign-in page"
    for _ in range(2):
        token = csrf_token(client.get("/auth/login"))
        data = {"email": "a@b.example", "password": "x" * 12, "csrf_token": token}
        limited = client.post("/auth/login", data=data)
    assert limited.status_code == 429
    assert "Go to your start page" in limited.text
    assert limited.headers["Retry-After"]


def test_patient_pages_keep_the_patient_error_page(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/no-such-page").text
    assert 'class="staff-nav"' not in page
    assert "Go to the home page" in page
