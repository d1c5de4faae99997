"""An admin resets a forgotten password: typed or generated and shown once, the account signed
out everywhere and made to choose its own at the next sign-in, audited without the password."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from app.auth.passwords import TEMPORARY_ALPHABET, verify_password
from app.models import StaffUser
from tests.admin import events, post_form, stored
from tests.conftest import make_staff, sign_in

GENERATED = re.compile(
    rf"<code>([{TEMPORARY_ALPHABET}]{{4}}(?:-[{TEMPORARY_ALPHABET}]{{4}}){{3}})</code>"
)


def test_a_generated_password_is_shown_once_and_must_be_replaced(
    app: Flask, client: FlaskClient, admin: StaffUser
) -> None:
    forgetful = make_staff(app, "front_desk", email="forgetful@clinic.example")
    elsewhere = app.test_client()
    sign_in(elsewhere, app, forgetful)
    assert elsewhere.get("/staff/").status_code == 200
    sign_in(client, app, admin)

    response = post_form(client, f"/admin/accounts/{forgetful.id}/reset-password")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    found = GENERATED.search(response.text)
    assert found, response.text[:2000]
    temporary = found[1]
    after = stored(app, forgetful.id)
    with app.app_context():
        assert verify_password(after.password_hash, temporary)
    assert after.must_change_password
    assert elsewhere.get("/staff/").status_code == 302, "signed out everywhere"
    again = client.get(f"/admin/accounts/{forgetful.id}")
    assert temporary not in again.text, "shown once"
    [event] = events(app, "staff.reset_password")
    assert event.detail == {"staff_id": forgetful.id, "generated": True}
    assert temporary not in str(event.detail)

    # The owner signs in with it; the first page after the second factor is the password change.
    owner = app.test_client()
    sign_in(owner, app, after, password=temporary)
    assert owner.get("/staff/").headers["Location"] == "/auth/password"


def test_a_typed_password_follows_the_rules_and_is_not_shown_again(
    app: Flask, client: FlaskClient, admin: StaffUser
) -> None:
    user = make_staff(app, "clinician", email="typed@clinic.example")
    sign_in(client, app, admin)
    weak = post_form(
        client,
        f"/admin/accounts/{user.id}/reset-password",
        {"password": "password1234", "confirm": "password1234"},
    )
    assert weak.status_code == 422
    assert "error-summary" in weak.text
    assert not stored(app, user.id).must_change_password
    chosen = "quiet-ladder-copper-71"
    done = post_form(
        client, f"/admin/accounts/{user.id}/reset-password", {"password": chosen, "confirm": chosen}
    )
    assert done.status_code == 200
    assert chosen not in done.text
    with app.app_context():
        assert verify_password(stored(app, user.id).password_hash, chosen)
    [event] = events(app, "staff.reset_password")
    assert event.detail == {"staff_id": user.id, "generated": False}


def test_an_admin_cannot_reset_their_own_password_here(
    app: Flask, client: FlaskClient, admin: StaffUser
) -> None:
    sign_in(client, app, admin)
    response = post_form(client, f"/admin/accounts/{admin.id}/reset-password")
    assert response.status_code == 302
    assert not stored(app, admin.id).must_change_password
    assert events(app, "staff.reset_password") == []
