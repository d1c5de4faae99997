"""The accounts list and creating an account, with each way the form can be refused."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.auth.passwords import verify_password
from app.extensions import db
from app.models import StaffUser
from tests.admin import ADMIN_ADDRESS, events, post_form, stored
from tests.conftest import make_staff, sign_in

NEW_PASSWORD = "copper-lantern-meadow-7"
GOOD = {
    "name": "  Robin Reception  ",
    "email": " Robin.Reception@Clinic.Example ",
    "role": "front_desk",
    "password": NEW_PASSWORD,
    "confirm": NEW_PASSWORD,
}


def staff_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(StaffUser.id)))


def test_accounts_lists_every_member(app: Flask, client: FlaskClient, admin) -> None:
    make_staff(app, "clinician", name="Dr Casey Clinician", enrolled=False)
    gone = make_staff(app, "front_desk", name="Former Desk", email="former@clinic.example")
    with app.app_context():
        db.session.get(StaffUser, gone.id).is_active = False
        db.session.commit()
    sign_in(client, app, admin)
    page = client.get("/admin/accounts")
    assert page.status_code == 200
    html = page.text
    for text in ("Dr Casey Clinician", "clinician@clinic.example", "Clinician", "Not set up yet"):
        assert text in html
    assert "Former Desk" in html
    assert "Disabled" in html
    assert '<th scope="col">Second factor</th>' in html
    assert f'href="/admin/accounts/{gone.id}"' in html
    assert html.index("Dr Casey Clinician") < html.index("Former Desk")  # active ones first


def test_create_an_account(app: Flask, client: FlaskClient, admin) -> None:
    client.environ_base["REMOTE_ADDR"] = ADMIN_ADDRESS
    sign_in(client, app, admin)
    assert 'name="confirm"' in client.get("/admin/accounts/new").text
    response = post_form(client, "/admin/accounts/new", GOOD)
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(
            select(StaffUser).where(StaffUser.email == "robin.reception@clinic.example")
        )
        assert user is not None
        assert user.name == "Robin Reception"
        assert user.role == "front_desk"
        assert user.is_active
        assert user.totp_secret is None  # set up at the first sign-in
        assert verify_password(user.password_hash, NEW_PASSWORD)
        assert NEW_PASSWORD not in user.password_hash
        new_id = user.id
    assert response.headers["Location"] == f"/admin/accounts/{new_id}"
    page = client.get(response.headers["Location"])
    assert "Account created." in page.text
    assert "Robin Reception" in page.text
    [event] = events(app, "staff.create")
    assert event.staff_id == admin.id
    assert event.remote_addr == ADMIN_ADDRESS
    assert event.detail == {"staff_id": new_id, "role": "front_desk"}


def test_the_new_account_sets_up_its_second_factor_at_first_sign_in(
    app: Flask, client: FlaskClient, admin
) -> None:
    sign_in(client, app, admin)
    post_form(client, "/admin/accounts/new", GOOD)
    newcomer = app.test_client()
    response = post_form(
        newcomer,
        "/auth/login",
        {"email": "robin.reception@clinic.example", "password": NEW_PASSWORD},
    )
    assert response.headers["Location"] == "/auth/enrol"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"email": "CLINICIAN@clinic.example"},
            "An account with this email address already exists",
        ),
        ({"password": "short-pw", "confirm": "short-pw"}, "Use at least 12 characters"),
        ({"password": "password1234", "confirm": "password1234"}, "too easy to guess"),
        ({"password": "robin.reception-2026", "confirm": "robin.reception-2026"}, "too easy"),
        ({"confirm": "copper-lantern-meadow-8"}, "The two passwords are not the same"),
        ({"name": "   "}, "Enter the person"),
        ({"name": "Bo\x00b"}, "Remove any special characters"),
        ({"name": "Bo\x1bb"}, "Remove any special characters"),
        ({"email": "bo\x00b@clinic.example"}, "Remove any special characters"),
        ({"email": "not-an-address"}, "Enter an email address like name@example.org"),
        ({"role": "superuser"}, "Choose a role"),
        ({"password": "x" * 300, "confirm": "x" * 300}, "Use at most 256 characters"),
    ],
)
def test_create_refuses_bad_input(
    app: Flask, client: FlaskClient, admin, changes: dict[str, str], message: str
) -> None:
    make_staff(app, "clinician")
    sign_in(client, app, admin)
    before = staff_count(app)
    response = post_form(client, "/admin/accounts/new", {**GOOD, **changes})
    assert response.status_code == 422
    assert "There is a problem" in response.text
    assert message in response.text
    assert NEW_PASSWORD not in response.text  # passwords are never sent back
    assert staff_count(app) == before
    assert events(app, "staff.create") == []


def test_existing_account_is_left_alone_by_a_duplicate(
    app: Flask, client: FlaskClient, admin
) -> None:
    existing = make_staff(app, "clinician")
    sign_in(client, app, admin)
    post_form(client, "/admin/accounts/new", {**GOOD, "email": existing.email, "role": "admin"})
    assert stored(app, existing.id).role == "clinician"
