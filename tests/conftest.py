"""Shared fixtures: an app on a fresh SQLite database per test, its client and CLI runner."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from werkzeug.test import TestResponse

from app import create_app
from app.auth.passwords import hash_password
from app.extensions import db
from app.models import StaffUser
from config import TestConfig


def make_app(tmp_path: Path, **settings: Any) -> Flask:
    """An app on its own SQLite file under ``tmp_path``, with ``settings`` over TestConfig.

    The schema comes from the models; migrations are tested in tests/test_migrations.py.
    """
    config = type(
        "Config",
        (TestConfig,),
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.sqlite3'}", **settings},
    )
    app = create_app(config)
    with app.app_context():
        db.create_all()
    return app


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """The app on a fresh database."""
    app = make_app(tmp_path)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


STAFF_PASSWORD = "plum-kettle-harbour-42"


class Clock:
    """A controllable UTC clock for session expiry and TOTP (no sleeping in tests)."""

    def __init__(self) -> None:
        self.moment = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Replace the clock that staff sign-in and sessions read."""
    clock = Clock()
    monkeypatch.setattr("app.database.utcnow", clock)
    return clock


def make_staff(
    app: Flask,
    role: str = "front_desk",
    *,
    email: str | None = None,
    name: str = "Sam Staff",
    password: str = STAFF_PASSWORD,
    enrolled: bool = True,
) -> StaffUser:
    """A staff account (with a TOTP secret unless ``enrolled`` is False)."""
    with app.app_context():
        user = StaffUser(
            email=email or f"{role}@clinic.example",
            name=name,
            role=role,
            password_hash=hash_password(password),
            totp_secret=pyotp.random_base32() if enrolled else None,
        )
        db.session.add(user)
        db.session.commit()
        db.session.refresh(user)
        db.session.expunge(user)
        return user


def totp_code(app: Flask, user: StaffUser, at: datetime | None = None) -> str:
    """A TOTP code the account has not used yet."""
    with app.app_context():
        fresh = db.session.get(StaffUser, user.id)
        assert fresh is not None
        assert fresh.totp_secret
        totp = pyotp.TOTP(fresh.totp_secret)
        step = totp.timecode(at or app_now())
        if fresh.totp_last_step is not None:
            step = max(step, fresh.totp_last_step + 1)
        return totp.generate_otp(step)


def app_now() -> datetime:
    from app import database

    return database.utcnow()


def form_token(client: FlaskClient, url: str) -> str:
    """The CSRF token of the form on ``url``."""
    page = client.get(url)
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page.text)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def sign_in(
    client: FlaskClient, app: Flask, user: StaffUser, password: str = STAFF_PASSWORD
) -> TestResponse:
    """Sign ``user`` in through the real pages (password, then a TOTP code)."""
    response = client.post(
        "/auth/login",
        data={
            "email": user.email,
            "password": password,
            "csrf_token": form_token(client, "/auth/login"),
        },
    )
    assert response.status_code == 302, response.text[:500]
    assert response.headers["Location"] == "/auth/verify"
    return client.post(
        "/auth/verify",
        data={"code": totp_code(app, user), "csrf_token": form_token(client, "/auth/verify")},
    )


@pytest.fixture
def front_desk(app: Flask) -> StaffUser:
    return make_staff(app, "front_desk")


@pytest.fixture
def clinician(app: Flask) -> StaffUser:
    return make_staff(app, "clinician", name="Dr Casey Clinician")


@pytest.fixture
def admin(app: Flask) -> StaffUser:
    return make_staff(app, "admin", name="Ada Admin")
