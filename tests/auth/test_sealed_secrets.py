"""Staff members' TOTP secrets sealed at rest (app.sealing): sealed under the first key, opened
by any, sealed again on rotation by ``flask totp seal``, and production refusing to start
without the keys once a secret is sealed."""

from __future__ import annotations

from pathlib import Path

import pyotp
import pytest
from cryptography.fernet import Fernet
from flask import Flask
from sqlalchemy import select, text

from app.auth.service import replace_recovery_codes
from app.extensions import db
from app.models import AuditEvent, StaffSession, StaffUser
from app.sealing import SealingError
from tests.conftest import enter_password, make_app, make_staff, sign_in, totp_code
from tests.forms import csrf_token

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def stored_row(app: Flask, staff_id: int) -> tuple[str | None, str | None]:
    """The two columns as the database holds them: (in the clear, sealed)."""
    with app.app_context():
        row = db.session.execute(
            text("SELECT totp_secret, totp_secret_sealed FROM staff_user WHERE id = :id"),
            {"id": staff_id},
        ).one()
        return row[0], row[1]


def test_a_secret_is_sealed_at_rest_and_signs_in(tmp_path: Path) -> None:
    app = make_app(tmp_path, TOTP_ENCRYPTION_KEYS=(NEW,))
    user = make_staff(app)
    plain, sealed = stored_row(app, user.id)
    assert plain is None
    assert sealed is not None
    with app.app_context():
        secret = db.session.get(StaffUser, user.id).totp_secret
    assert secret is not None
    assert secret not in sealed
    assert Fernet(NEW).decrypt(sealed.encode()).decode() == secret
    client = app.test_client()
    assert sign_in(client, app, user).headers["Location"] == "/staff/"


def test_rotation_seals_again_under_the_new_key_and_seals_the_clear(tmp_path: Path) -> None:
    before = make_app(tmp_path)  # no keys yet: in the clear
    legacy = make_staff(before, email="legacy@clinic.example")
    assert stored_row(before, legacy.id)[0] is not None
    old_app = make_app(tmp_path, TOTP_ENCRYPTION_KEYS=(OLD,))
    sealed_early = make_staff(old_app, email="early@clinic.example")
    with old_app.app_context():
        secrets = {u.id: u.totp_secret for u in db.session.scalars(select(StaffUser))}

    rotating = make_app(tmp_path, TOTP_ENCRYPTION_KEYS=(NEW, OLD))
    result = rotating.test_cli_runner().invoke(args=["totp", "seal"])
    assert result.exit_code == 0, result.output
    assert "Sealed 1 secret(s) in the clear; sealed 1 again" in result.output

    after = make_app(tmp_path, TOTP_ENCRYPTION_KEYS=(NEW,))  # the old key dropped
    with after.app_context():
        assert {u.id: u.totp_secret for u in db.session.scalars(select(StaffUser))} == secrets
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "staff.secrets_sealed")
        ).one()
    assert event.detail == {"sealed": 1, "sealed_again": 1}
    for user in (legacy, sealed_early):
        plain, sealed = stored_row(after, user.id)
        assert plain is None
        assert Fernet(NEW).decrypt(sealed.encode()).decode() == secrets[user.id]


def test_seal_without_keys_says_what_to_set(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["totp", "seal"])
    assert result.exit_code != 0
    assert "Set TOTP_ENCRYPTION_KEYS first" in result.output


def test_keys_that_open_no_stored_secret_stop_the_app(tmp_path: Path) -> None:
    make_staff(make_app(tmp_path, TOTP_ENCRYPTION_KEYS=(OLD,)))
    with pytest.raises(RuntimeError, match="no key opens the stored TOTP secrets"):
        make_app(tmp_path, TOTP_ENCRYPTION_KEYS=(NEW,))  # the old key dropped too early
    make_app(tmp_path, TOTP_ENCRYPTION_KEYS=(NEW, OLD))  # with it back, the app starts


def test_a_secret_no_key_opens_leaves_recovery_codes_and_the_admin_pages(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app(tmp_path, TOTP_ENCRYPTION_KEYS=(OLD,))
    user, admin = make_staff(app), make_staff(app, "admin", email="ada@clinic.example")
    with app.app_context():
        codes = replace_recovery_codes(db.session.get(StaffUser, user.id))
        db.session.commit()
        code = totp_code(app, user)
    admin_client = app.test_client()
    sign_in(admin_client, app, admin)
    app.config["TOTP_ENCRYPTION_KEYS"] = (NEW,)  # as if the key were changed under it
    with app.app_context():
        fresh = db.session.get(StaffUser, user.id)
        assert fresh.enrolled
        with pytest.raises(SealingError, match="No key of TOTP_ENCRYPTION_KEYS opens"):
            _ = fresh.totp_secret
    client = app.test_client()
    enter_password(client, user)
    refused = client.post(
        "/auth/verify", data={"code": code, "csrf_token": csrf_token(client.get("/auth/verify"))}
    )
    assert refused.status_code == 200  # the code cannot be checked: not a 500
    assert "no configured key opens a stored TOTP secret" in caplog.text
    let_in = client.post(
        "/auth/verify",
        data={"code": codes[0], "csrf_token": csrf_token(client.get("/auth/verify"))},
    )
    assert let_in.headers["Location"] == "/staff/"
    page = admin_client.get(f"/admin/accounts/{user.id}")
    assert page.status_code == 200  # the admin can still reach "reset the second factor"
    assert "Set up" in page.text


def test_a_key_that_is_not_a_fernet_key_stops_the_app(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="TOTP_ENCRYPTION_KEYS: each key must be a Fernet key"):
        make_app(tmp_path, TOTP_ENCRYPTION_KEYS=("not-a-key",))


def test_production_refuses_to_start_without_keys_once_a_secret_is_sealed(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    sealed_app = make_app(tmp_path, TOTP_ENCRYPTION_KEYS=(NEW,))
    make_app(tmp_path, APP_ENV="production")  # nothing sealed yet: starts, and says so
    assert "TOTP secrets are stored in the clear" in caplog.text
    make_staff(sealed_app)
    with pytest.raises(RuntimeError, match="TOTP_ENCRYPTION_KEYS must be set"):
        make_app(tmp_path, APP_ENV="production")
    make_app(tmp_path, APP_ENV="production", TOTP_ENCRYPTION_KEYS=(NEW,))  # with them, it does
    make_app(tmp_path, TOTP_ENCRYPTION_KEYS=())  # development and tests: no refusal


def test_no_ended_session_keeps_the_secret_it_was_enrolling(tmp_path: Path) -> None:
    app = make_app(tmp_path, TOTP_ENCRYPTION_KEYS=(NEW,))
    newcomer = make_staff(app, enrolled=False)
    client = app.test_client()
    assert enter_password(client, newcomer).headers["Location"] == "/auth/enrol"
    page = client.get("/auth/enrol")
    shown = page.text.split('class="secret">', 1)[1].split("<", 1)[0]
    with app.app_context():
        assert db.session.scalars(select(StaffSession.pending_secret)).all() == [shown]
    response = client.post(
        "/auth/enrol", data={"code": pyotp.TOTP(shown).now(), "csrf_token": csrf_token(page)}
    )
    assert response.status_code == 200  # the recovery codes
    with app.app_context():
        assert set(db.session.scalars(select(StaffSession.pending_secret))) == {None}
        assert db.session.get(StaffUser, newcomer.id).totp_secret == shown
    assert stored_row(app, newcomer.id)[0] is None  # sealed only
