"""Staff choose their own passwords: a self-service change, required first when an admin chose it.

Until someone changes it, an admin who created an account knows its password; after a reset of
the second factor, they could then sign in as that person. So an admin-made account must choose
its own password before anything else, and everyone can change theirs at any time.
"""

from __future__ import annotations

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from app.extensions import db
from app.models import AuditEvent, StaffSession, StaffUser
from tests.conftest import STAFF_PASSWORD, Clock, enter_password, sign_in
from tests.forms import csrf_token

NEW_PASSWORD = "lantern-orchard-velvet-93"


def change(client: FlaskClient, current: str, new: str, confirm: str | None = None):
    return client.post(
        "/auth/password",
        data={
            "current": current,
            "password": new,
            "confirm": new if confirm is None else confirm,
            "csrf_token": csrf_token(client.get("/auth/password")),
        },
    )


def stored(app: Flask, user: StaffUser) -> StaffUser:
    with app.app_context():
        return db.session.get(StaffUser, user.id)


def actions(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def admin_made(app: Flask, admin_client: FlaskClient, email: str = "new@clinic.example") -> int:
    """An account created through the admin pages, with the admin's chosen password."""
    response = admin_client.post(
        "/admin/accounts/new",
        data={
            "name": "Noor New",
            "email": email,
            "role": "front_desk",
            "password": STAFF_PASSWORD,
            "confirm": STAFF_PASSWORD,
            "csrf_token": csrf_token(admin_client.get("/admin/accounts/new")),
        },
    )
    assert response.status_code == 302, response.text[:300]
    with app.app_context():
        return db.session.scalar(select(StaffUser.id).where(StaffUser.email == email))


def first_sign_in(app: Flask, client: FlaskClient, staff_id: int, clock: Clock) -> str:
    """Password, then enrolment of a second factor; returns where the browser goes next."""
    user = stored(app, StaffUser(id=staff_id))
    assert enter_password(client, user).headers["Location"] == "/auth/enrol"
    page = client.get("/auth/enrol").text
    secret = page.split('class="secret">', 1)[1].split("<", 1)[0]
    codes_page = client.post(
        "/auth/enrol",
        data={
            "code": pyotp.TOTP(secret).at(clock()),
            "csrf_token": csrf_token(client.get("/auth/enrol")),
        },
    ).text
    return codes_page.split('class="button" href="', 1)[1].split('"', 1)[0]


@pytest.fixture
def admin_client(app: Flask, admin: StaffUser) -> FlaskClient:
    client = app.test_client()
    sign_in(client, app, admin)
    return client


def test_an_account_an_admin_made_chooses_its_own_password_first(
    app: Flask, admin_client: FlaskClient, clock: Clock
) -> None:
    staff_id = admin_made(app, admin_client)
    assert stored(app, StaffUser(id=staff_id)).must_change_password
    client = app.test_client()
    assert first_sign_in(app, client, staff_id, clock) == "/auth/password"
    # Nothing else opens until then.
    for url in ("/staff/", "/staff/export"):
        assert client.get(url).headers["Location"] == "/auth/password"
    page = client.get("/auth/password").text
    assert "chosen by the person who created your account" in page

    assert change(client, STAFF_PASSWORD, NEW_PASSWORD).headers["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200
    assert not stored(app, StaffUser(id=staff_id)).must_change_password
    assert "auth.password_changed" in actions(app)

    # The admin who chose the first password can no longer use it, even after a reset of the
    # second factor (which would otherwise let them enrol their own).
    with app.app_context():
        db.session.execute(
            update(StaffUser).where(StaffUser.id == staff_id).values(totp_secret_plain=None)
        )
        db.session.commit()
    other = app.test_client()
    refused = enter_password(other, stored(app, StaffUser(id=staff_id)))
    assert refused.status_code == 200
    assert "The email address or password is not right" in refused.text


def test_the_new_password_cannot_be_the_one_chosen_for_them(
    app: Flask, admin_client: FlaskClient, clock: Clock
) -> None:
    staff_id = admin_made(app, admin_client)
    client = app.test_client()
    first_sign_in(app, client, staff_id, clock)
    answer = change(client, STAFF_PASSWORD, STAFF_PASSWORD)
    assert answer.status_code == 200
    assert "Choose a password different from the current one." in answer.text
    assert stored(app, StaffUser(id=staff_id)).must_change_password
    assert client.get("/staff/").headers["Location"] == "/auth/password"


def test_anyone_signed_in_can_change_theirs(app: Flask, client: FlaskClient, clinician) -> None:
    sign_in(client, app, clinician)
    assert 'href="/auth/password"' in client.get("/staff/").text
    assert change(client, STAFF_PASSWORD, NEW_PASSWORD).headers["Location"] == "/staff/"
    assert "Your password is changed." in client.get("/staff/").text
    again = app.test_client()
    assert enter_password(again, clinician, STAFF_PASSWORD).status_code == 200  # refused
    assert enter_password(again, clinician, NEW_PASSWORD).headers["Location"] == "/auth/verify"


@pytest.mark.parametrize(
    ("current", "new", "confirm", "message"),
    [
        ("not the password", NEW_PASSWORD, None, "That is not your current password"),
        (STAFF_PASSWORD, "short", None, "Use at least 12 characters."),
        (STAFF_PASSWORD, "password1234", None, "too easy to guess"),
        (STAFF_PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "The two passwords are not the same."),
        ("", NEW_PASSWORD, None, "Enter your current password."),
    ],
)
def test_a_change_that_is_not_right_changes_nothing(
    app: Flask, client: FlaskClient, front_desk, current, new, confirm, message
) -> None:
    sign_in(client, app, front_desk)
    before = stored(app, front_desk).password_hash
    answer = change(client, current, new, confirm)
    assert answer.status_code == 200
    assert message in answer.text
    assert "<title>Error:" in answer.text
    assert stored(app, front_desk).password_hash == before


def test_wrong_current_passwords_count_towards_the_lockout(
    app: Flask, client: FlaskClient, front_desk
) -> None:
    sign_in(client, app, front_desk)
    for _ in range(app.config["LOGIN_FREE_ATTEMPTS"] + 1):
        change(client, "not the password", NEW_PASSWORD)
    assert stored(app, front_desk).locked_until is not None
    assert (
        actions(app).count("auth.password_change_failed") == app.config["LOGIN_FREE_ATTEMPTS"] + 1
    )
    # Locked: even the right one waits.
    answer = change(client, STAFF_PASSWORD, NEW_PASSWORD)
    assert "too many attempts" in answer.text
    with app.app_context():
        query = select(AuditEvent.detail).where(AuditEvent.action == "auth.password_change_failed")
        reasons = [detail["reason"] for detail in db.session.scalars(query.order_by(AuditEvent.id))]
    free = app.config["LOGIN_FREE_ATTEMPTS"]
    assert reasons == ["bad_password"] * free + ["locked", "locked"]  # locked at the free-th
    assert stored(app, front_desk).must_change_password is False


def test_changing_it_ends_every_other_session_but_keeps_this_one(app: Flask, front_desk) -> None:
    here, elsewhere = app.test_client(), app.test_client()
    sign_in(here, app, front_desk)
    sign_in(elsewhere, app, front_desk)
    with app.app_context():
        signed_in_at = db.session.scalars(
            select(StaffSession.created_at).where(StaffSession.stage == "full")
        ).first()
    change(here, STAFF_PASSWORD, NEW_PASSWORD)
    assert here.get("/staff/").status_code == 200
    assert elsewhere.get("/staff/").status_code == 302
    with app.app_context():
        live = db.session.scalars(
            select(StaffSession).where(StaffSession.revoked_at.is_(None))
        ).all()
    assert len(live) == 1
    assert live[0].created_at == signed_in_at  # no new lifetime without signing in


def test_signed_out_visitors_are_sent_to_sign_in(app: Flask, client: FlaskClient) -> None:
    assert client.get("/auth/password").headers["Location"] == "/auth/login"


def test_accounts_made_from_the_command_line_are_not_asked(app: Flask) -> None:
    """The operator at the console types the password for their own first admin account."""
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "staff",
            "create",
            "--email",
            "first@clinic.example",
            "--role",
            "admin",
            "--password-stdin",
        ],
        input=f"{STAFF_PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalars(select(StaffUser)).one()
    assert user.must_change_password is False


def test_the_page_is_in_french_too(app: Flask, client: FlaskClient, front_desk) -> None:
    sign_in(client, app, front_desk)
    page = client.get("/auth/password?lang=fr").text
    assert "Changez votre mot de passe" in page
    assert "Mot de passe actuel" in page
    answer = change(client, "not the password", NEW_PASSWORD)
    assert "Ce n’est pas votre mot de passe actuel" in answer.text
