"""Sign-in attempts on one account that arrive together take turns.

Each test holds a transaction doing what a first attempt does, uncommitted, and sends a second
attempt meanwhile: it must wait, then see what the first stored. Without that, parallel guesses
would each be counted from the same old count (more tries before the lockout), and one code
would sign in twice; and two tabs enrolling at once would show two different secrets.
"""

from __future__ import annotations

import pyotp
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection, select, update

from app.auth import service, totp
from app.auth.passwords import hash_password, verify_password
from app.extensions import db
from app.models import RecoveryCode, StaffSession, StaffUser
from tests.conftest import STAFF_PASSWORD, Clock, enter_password, make_staff, sign_in, totp_code
from tests.forms import csrf_token
from tests.held import while_held


def lock_account(first: Connection, user: StaffUser) -> None:
    """What every attempt does first: take the account's row."""
    first.execute(select(StaffUser.id).where(StaffUser.id == user.id).with_for_update())


def at_code_stage(app: Flask, user: StaffUser) -> tuple[FlaskClient, str]:
    client = app.test_client()
    enter_password(client, user)
    return client, csrf_token(client.get("/auth/verify"))


def at_enrolment(app: Flask, clock: Clock) -> tuple[StaffUser, FlaskClient, dict[str, str]]:
    """A new account signed in up to enrolment, and the form that would complete it."""
    user = make_staff(app, enrolled=False)
    client = app.test_client()
    enter_password(client, user)
    token = csrf_token(client.get("/auth/enrol"))
    with app.app_context():
        pending = db.session.scalars(select(StaffSession.pending_secret)).one()
    return user, client, {"code": pyotp.TOTP(pending).at(clock()), "csrf_token": token}


def stored(app: Flask, user: StaffUser) -> StaffUser:
    with app.app_context():
        return db.session.get(StaffUser, user.id)


def test_a_failure_while_another_is_counted_is_counted_too(app: Flask) -> None:
    user = make_staff(app)
    client = app.test_client()
    token = csrf_token(client.get("/auth/login"))
    attempt = {"email": user.email, "password": "not the password", "csrf_token": token}
    with while_held(app, lambda: client.post("/auth/login", data=attempt)) as held:
        lock_account(held.first, user)
        held.first.execute(
            update(StaffUser)
            .where(StaffUser.id == user.id)
            .values(failed_logins=StaffUser.failed_logins + 1)
        )
    assert stored(app, user).failed_logins == 2


def test_a_code_used_while_it_signs_in_elsewhere_is_refused(app: Flask, clock: Clock) -> None:
    user = make_staff(app)
    client, token = at_code_stage(app, user)
    code = totp_code(app, user, clock())
    step = totp.matching_step(stored(app, user).totp_secret, code, clock(), None)
    data = {"code": code, "csrf_token": token}
    with while_held(app, lambda: client.post("/auth/verify", data=data)) as held:
        lock_account(held.first, user)
        held.first.execute(
            update(StaffUser).where(StaffUser.id == user.id).values(totp_last_step=step)
        )
    assert "That code is not right" in held.answers[0].text


def test_a_recovery_code_used_while_it_signs_in_elsewhere_is_refused(app: Flask) -> None:
    user = make_staff(app)
    with app.app_context():
        codes = service.replace_recovery_codes(db.session.get(StaffUser, user.id))
        db.session.commit()
    client, token = at_code_stage(app, user)
    data = {"code": codes[0], "csrf_token": token}
    with while_held(app, lambda: client.post("/auth/verify", data=data)) as held:
        lock_account(held.first, user)
        held.first.execute(
            update(RecoveryCode)
            .where(RecoveryCode.code_hash == totp.hash_recovery_code(codes[0]))
            .values(used_at=service.now())
        )
    assert "That code is not right" in held.answers[0].text


def test_two_tabs_opening_the_enrolment_page_show_the_same_secret(app: Flask) -> None:
    user = make_staff(app, enrolled=False)
    client = app.test_client()
    enter_password(client, user)
    secret = totp.new_secret()
    with while_held(app, lambda: client.get("/auth/enrol")) as held:
        # The other tab, first: it takes the session row and stores its secret.
        held.first.execute(
            update(StaffSession)
            .where(StaffSession.staff_id == user.id, StaffSession.revoked_at.is_(None))
            .values(pending_secret=secret)
        )
    assert secret in held.answers[0].text
    with app.app_context():
        rows = db.session.scalars(select(StaffSession.pending_secret)).all()
    assert rows == [secret]


def test_an_enrolment_sent_while_another_completes_is_refused(app: Flask, clock: Clock) -> None:
    user, client, data = at_enrolment(app, clock)
    theirs = totp.new_secret()
    with while_held(app, lambda: client.post("/auth/enrol", data=data)) as held:
        # Another browser's enrolment, first: it takes the account and stores its secret.
        lock_account(held.first, user)
        held.first.execute(
            update(StaffUser).where(StaffUser.id == user.id).values(totp_secret_plain=theirs)
        )
    assert held.answers[0].headers["Location"] == "/auth/login"
    assert stored(app, user).totp_secret == theirs


def sign_out_everywhere(first: Connection, user: StaffUser, new_hash: str | None = None) -> None:
    """What ending every session of the account stores (an admin's "sign out everywhere", or a
    password change in another browser when ``new_hash`` is given), under the account's lock."""
    lock_account(first, user)
    if new_hash:
        first.execute(
            update(StaffUser).where(StaffUser.id == user.id).values(password_hash=new_hash)
        )
    first.execute(
        update(StaffSession)
        .where(StaffSession.staff_id == user.id, StaffSession.revoked_at.is_(None))
        .values(revoked_at=service.now())
    )


def live_sessions(app: Flask, user: StaffUser) -> int:
    with app.app_context():
        query = select(StaffSession.id).where(
            StaffSession.staff_id == user.id, StaffSession.revoked_at.is_(None)
        )
        return len(db.session.scalars(query).all())


def test_a_password_change_sent_while_signed_out_everywhere_is_refused(app: Flask) -> None:
    user = make_staff(app)
    client = app.test_client()
    sign_in(client, app, user)
    new = "lantern-orchard-velvet-93"
    data = {"current": STAFF_PASSWORD, "password": new, "confirm": new}
    data["csrf_token"] = csrf_token(client.get("/auth/password"))
    with while_held(app, lambda: client.post("/auth/password", data=data)) as held:
        sign_out_everywhere(held.first, user)
    assert held.answers[0].headers["Location"] == "/auth/login"
    assert live_sessions(app, user) == 0
    with app.app_context():
        assert not verify_password(stored(app, user).password_hash, new)  # nothing changed


def test_a_code_sent_while_the_password_changes_elsewhere_does_not_sign_in(app: Flask) -> None:
    user = make_staff(app)
    client, token = at_code_stage(app, user)  # with the old password, just before the change
    data = {"code": totp_code(app, user), "csrf_token": token}
    with app.app_context():
        new_hash = hash_password("lantern-orchard-velvet-93")
    with while_held(app, lambda: client.post("/auth/verify", data=data)) as held:
        sign_out_everywhere(held.first, user, new_hash)
    assert held.answers[0].headers["Location"] == "/auth/login"
    assert live_sessions(app, user) == 0


def test_an_enrolment_sent_while_signed_out_everywhere_does_not_sign_in(
    app: Flask, clock: Clock
) -> None:
    user, client, data = at_enrolment(app, clock)
    with while_held(app, lambda: client.post("/auth/enrol", data=data)) as held:
        sign_out_everywhere(held.first, user)
    assert held.answers[0].headers["Location"] == "/auth/login"
    assert live_sessions(app, user) == 0
    assert stored(app, user).totp_secret is None
