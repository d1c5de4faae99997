"""Server-side staff sessions: sign-out, disable, sign-out everywhere, idle and absolute expiry."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.auth import sessions
from app.extensions import db
from app.models import StaffSession, StaffUser
from tests.admin import post_form
from tests.conftest import Clock, enter_password, make_staff, sign_in
from tests.forms import csrf_token


def cookie_of(client: FlaskClient) -> str:
    cookie = client.get_cookie("ims_session")
    assert cookie is not None
    return cookie.value


def copy_of(app: Flask, client: FlaskClient) -> FlaskClient:
    """Another browser holding a copy of ``client``'s cookie."""
    thief = app.test_client()
    thief.set_cookie("ims_session", cookie_of(client))
    return thief


def is_signed_in(client: FlaskClient) -> bool:
    response = client.get("/staff/")
    if response.status_code == 302:
        assert response.headers["Location"] == "/auth/login"
        return False
    assert response.status_code == 200
    return True


def test_copied_cookie_stops_working_after_sign_out(app: Flask, client: FlaskClient) -> None:
    user = make_staff(app)
    sign_in(client, app, user)
    thief = copy_of(app, client)
    assert is_signed_in(thief)
    response = client.post("/auth/logout", data={"csrf_token": csrf_token(client.get("/staff/"))})
    assert response.headers["Location"] == "/auth/login"
    assert "You have signed out." in client.get("/auth/login").text
    assert not is_signed_in(client)
    assert not is_signed_in(thief)
    with app.app_context():
        from app.models import AuditEvent

        logout = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "auth.logout")
        ).one()
    assert logout.staff_id == user.id


def test_sign_out_is_a_post(app: Flask, client: FlaskClient) -> None:
    user = make_staff(app)
    sign_in(client, app, user)
    assert client.get("/auth/logout").status_code == 405
    assert is_signed_in(client)


def test_disabled_account_loses_its_sessions_at_once(app: Flask, client: FlaskClient) -> None:
    user = make_staff(app)
    sign_in(client, app, user)
    with app.app_context():
        db.session.get(StaffUser, user.id).is_active = False
        db.session.commit()
    assert not is_signed_in(client)


def test_sign_out_everywhere_ends_every_session(app: Flask, clock: Clock) -> None:
    user = make_staff(app)
    phone, desk = app.test_client(), app.test_client()
    sign_in(phone, app, user)
    clock.advance(seconds=30)
    sign_in(desk, app, user)
    with app.app_context():
        sessions.end_all(user.id)
        db.session.commit()
    assert not is_signed_in(phone)
    assert not is_signed_in(desk)


def test_idle_timeout(app: Flask, client: FlaskClient, clock: Clock) -> None:
    user = make_staff(app)
    sign_in(client, app, user)
    clock.advance(minutes=29)
    assert is_signed_in(client), "activity keeps the session alive"
    clock.advance(minutes=29)
    assert is_signed_in(client)
    clock.advance(minutes=31)
    assert not is_signed_in(client)


def test_absolute_lifetime(app: Flask, client: FlaskClient, clock: Clock) -> None:
    user = make_staff(app)
    sign_in(client, app, user)
    for _ in range(35):  # busy all day: a request every 20 minutes, 11 h 40 min in all
        clock.advance(minutes=20)
        assert is_signed_in(client)
    clock.advance(minutes=21)
    assert not is_signed_in(client), "no session outlives 12 hours"


def test_new_session_id_at_each_sign_in_stage(app: Flask, client: FlaskClient) -> None:
    user = make_staff(app)
    with client.session_transaction() as before:
        before["draft"] = "a patient questionnaire on a shared computer"
    enter_password(client, user)
    with client.session_transaction() as middle:
        password_stage = middle["staff"]
        assert "draft" not in middle
    sign_in_response = sign_in(client, app, user)
    assert sign_in_response.headers["Location"] == "/staff/"
    with client.session_transaction() as after:
        assert after["staff"] != password_stage
    with app.app_context():
        rows = list(db.session.scalars(select(StaffSession).order_by(StaffSession.id)))
    assert all(row.revoked_at is not None for row in rows[:-1])
    assert rows[-1].stage == "full"
    assert rows[-1].revoked_at is None
    assert "plum" not in cookie_of(client)


def test_password_stage_alone_gives_no_access(app: Flask, client: FlaskClient) -> None:
    user = make_staff(app)
    enter_password(client, user)
    assert not is_signed_in(client)


def test_next_goes_back_to_a_local_page_only(app: Flask, clock: Clock) -> None:
    user = make_staff(app)
    client = app.test_client()
    assert client.get("/staff/?status=new").headers["Location"] == "/auth/login"
    assert sign_in(client, app, user).headers["Location"] == "/staff/?status=new"

    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        clock.advance(seconds=30)  # a fresh TOTP step for each sign-in
        other = app.test_client()
        other.get(f"/auth/login?next={target}")
        assert sign_in(other, app, user).headers["Location"] == "/staff/", target


def test_language_choice_survives_sign_in(app: Flask, client: FlaskClient) -> None:
    user = make_staff(app)
    client.get("/auth/login?lang=fr")
    sign_in(client, app, user)
    assert '<html lang="fr-CA">' in client.get("/staff/").text


def test_own_sign_out_everywhere_keeps_the_sign_in_time(app: Flask, clock: Clock) -> None:
    """Re-issuing an admin's own session ("sign out everywhere else") is no sign-in: the new
    session id keeps the original sign-in time, so it cannot be used to stay signed in for ever.
    A real sign-in still starts a fresh lifetime."""
    admin = make_staff(app, "admin", name="Ada Admin")
    client = app.test_client()
    sign_in(client, app, admin)

    def admin_signed_in() -> bool:
        response = client.get("/admin/accounts")
        assert response.status_code in (200, 302)
        return response.status_code == 200

    def newest_row() -> StaffSession:
        with app.app_context():
            return db.session.scalars(select(StaffSession).order_by(StaffSession.id.desc())).first()

    signed_in_at, first_token = newest_row().created_at, newest_row().token_hash
    for _ in range(33):  # 11 hours of work
        clock.advance(minutes=20)
        assert admin_signed_in()
    response = post_form(client, f"/admin/accounts/{admin.id}/sign-out-everywhere")
    assert response.headers["Location"] == f"/admin/accounts/{admin.id}"
    renewed = newest_row()
    assert renewed.token_hash != first_token  # a new session id
    assert renewed.revoked_at is None
    assert renewed.created_at == signed_in_at
    for _ in range(2):
        clock.advance(minutes=20)
        assert admin_signed_in()
    clock.advance(minutes=21)
    assert not admin_signed_in(), "12 hours after the sign-in, not after the re-issue"

    clock.advance(seconds=30)  # a fresh TOTP step
    sign_in(client, app, admin)
    assert newest_row().created_at == clock()
    clock.advance(minutes=20)
    assert admin_signed_in()
