"""Shared fixtures: an app on a fresh database per test, its client and CLI runner.

On SQLite (the default) each test gets its own database file. On PostgreSQL
(``TEST_DATABASE=postgresql``) the run creates one database, builds the schema once, and
empties every table after each test.
"""

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
from sqlalchemy import create_engine, text
from werkzeug.test import TestResponse

from app import create_app
from app.auth.passwords import hash_password
from app.extensions import db
from app.models import StaffUser
from config import TestConfig
from tests.engines import ON_POSTGRES, postgres_database


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On the PostgreSQL run, leave out the checks of SQLite itself (they ran on SQLite)."""
    if not ON_POSTGRES:
        return
    kept = [item for item in items if "sqlite_only" not in item.keywords]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept


_postgres_url: str | None = None
_apps: list[Flask] = []  # made during the current test; their connections are closed after it


@pytest.fixture(scope="session", autouse=True)
def _database_engine() -> Iterator[None]:
    """On PostgreSQL: one fresh database for the whole run, with the schema built once."""
    global _postgres_url
    if not ON_POSTGRES:
        yield
        return
    with postgres_database() as url:
        _postgres_url = url.render_as_string(hide_password=False)
        app = make_app(Path("/nonexistent"))
        with app.app_context():
            db.create_all()
            db.engine.dispose()
        yield
        _postgres_url = None


def make_app(tmp_path: Path, **settings: Any) -> Flask:
    """An app on a fresh database (a SQLite file under ``tmp_path``, or the run's PostgreSQL
    database), with ``settings`` over TestConfig.

    The schema comes from the models; migrations are tested in tests/test_migrations.py.
    """
    uri = _postgres_url if ON_POSTGRES else f"sqlite:///{tmp_path / 'test.sqlite3'}"
    config = type("Config", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": uri, **settings})
    app = create_app(config)
    _apps.append(app)
    if not ON_POSTGRES:
        with app.app_context():
            db.create_all()
    return app


@pytest.fixture(autouse=True)
def _empty_postgres_tables() -> Iterator[None]:
    """Close every connection a test's apps opened; on PostgreSQL (one database shared by the
    run) also empty every table."""
    yield
    while _apps:
        with _apps.pop().app_context():
            db.session.remove()
            db.engine.dispose()
    if ON_POSTGRES and _postgres_url:
        engine = create_engine(_postgres_url)
        tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        with engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        engine.dispose()


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    """The app on a fresh database."""
    return make_app(tmp_path)


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


def hidden_fields(client: FlaskClient, url: str, action: str) -> dict[str, str]:
    """The hidden fields (CSRF token, one-time key...) of the form on ``url`` that posts to
    ``action``."""
    page = client.get(url).text
    form = re.search(rf'<form [^>]*action="{re.escape(action)}".*?</form>', page, re.DOTALL)
    assert form, f"no form for {action} on {url}"
    inputs = re.findall(r'<input [^>]*name="([^"]+)" type="hidden" value="([^"]*)"', form[0])
    return dict(inputs)


def enter_password(
    client: FlaskClient, user: StaffUser, password: str = STAFF_PASSWORD
) -> TestResponse:
    """The first sign-in stage only: e-mail and password."""
    return client.post(
        "/auth/login",
        data={
            "email": user.email,
            "password": password,
            "csrf_token": form_token(client, "/auth/login"),
        },
    )


def sign_in(
    client: FlaskClient, app: Flask, user: StaffUser, password: str = STAFF_PASSWORD
) -> TestResponse:
    """Sign ``user`` in through the real pages (password, then a TOTP code)."""
    response = enter_password(client, user, password)
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
