"""Shared fixtures: an app on a fresh database per test, its client and CLI runner.

The schema is built once per run, not once per app: ``create_all`` costs about 22 ms, which
over the run's 470 apps was some 10 s of ``make test``. On SQLite (the default) it goes into a
template file that each test then gets its own copy of (about a millisecond), so every test
still has a database of its own, which its threads and several connections can share. On
PostgreSQL (``TEST_DATABASE=postgresql``) the run creates one database, builds the schema in it,
and empties every table after each test.

``make test`` runs the suite in several processes (pytest-xdist): each one is a run of its own
here, with its own template file or PostgreSQL database.
"""

from __future__ import annotations

import gc
import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import CodeType
from typing import Any

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from jinja2.bccache import Bucket, BytecodeCache
from sqlalchemy import create_engine, text
from werkzeug.test import TestResponse

from app import create_app
from app.auth.passwords import hash_password
from app.extensions import db
from app.models import StaffUser
from config import TestConfig
from tests.engines import ON_POSTGRES, postgres_database
from tests.forms import csrf_token

RAM_DISK = Path("/dev/shm")  # noqa: S108  (pytest makes its own private folder there)


def pytest_configure(config: pytest.Config) -> None:
    """Settings for the whole run that make it faster without changing what it checks."""
    keep_temporary_files_in_memory()
    collect_garbage_less_often()


def keep_temporary_files_in_memory() -> None:
    """Keep the run's temporary folders, and so each test's SQLite file, on the RAM disk when
    the machine has one (and ``TMPDIR`` names no other place).

    The app has SQLite sync every commit to the disk (``synchronous=FULL``): under a
    millisecond a commit on this machine's disk, but 2,500 commits and their connections cost
    the suite about 2.5 s. No test can observe a power cut, so the tests check the same things
    in memory.
    """
    if "TMPDIR" not in os.environ and RAM_DISK.is_dir() and os.access(RAM_DISK, os.W_OK):
        tempfile.tempdir = str(RAM_DISK)


def collect_garbage_less_often() -> None:
    """Run Python's cyclic garbage collector less often than its defaults (700, 10, 10).

    Its full collections scan every object the run holds (SQLAlchemy, Jinja, Hypothesis and
    the app, some 400,000), about 0.25 s each, and the tests allocate so fast that with the
    defaults they came thirty times a run: 10 s in all, against under 4 s with these. Garbage
    is still collected, only in larger batches.
    """
    gc.set_threshold(10_000, 20, 20)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Everything imported by now (the app, its libraries, every test module) lives for the
    whole run: leave it out of the garbage collector's scans."""
    gc.freeze()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On the PostgreSQL run, leave out the checks of SQLite itself (they ran on SQLite)."""
    if not ON_POSTGRES:
        return
    kept = [item for item in items if "sqlite_only" not in item.keywords]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept


class CompiledTemplates(BytecodeCache):
    """Each template's compiled code, kept for the whole run and shared by every app.

    Each app has its own Jinja environment, which would parse and compile every template it
    renders again: about a sixth of the suite's time. Every app here comes from ``create_app``,
    which sets Jinja up the same way, so a template compiles to the same code in each. A template
    whose source changes (its checksum) is compiled afresh.
    """

    def __init__(self) -> None:
        self.code: dict[str, tuple[str, CodeType | None]] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        checksum, code = self.code.get(bucket.key, ("", None))
        if checksum == bucket.checksum:
            bucket.code = code

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.code[bucket.key] = (bucket.checksum, bucket.code)


COMPILED_TEMPLATES = CompiledTemplates()

_postgres_url: str | None = None
_sqlite_schema: Path | None = None  # an empty database with every table, copied for each test
_apps: list[Flask] = []  # made during the current test; their connections are closed after it


@pytest.fixture(scope="session", autouse=True)
def _database_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Build the schema once for the whole run: into a template SQLite file, or into one fresh
    PostgreSQL database."""
    global _postgres_url, _sqlite_schema
    if ON_POSTGRES:
        with postgres_database() as url:
            _postgres_url = url.render_as_string(hide_password=False)
            create_schema(_postgres_url)
            yield
            _postgres_url = None
        return
    schema = tmp_path_factory.mktemp("schema") / "schema.sqlite3"
    create_schema(f"sqlite:///{schema}")
    _sqlite_schema = schema
    yield
    _sqlite_schema = None


def create_schema(uri: str) -> None:
    """Create every table of the models in the database at ``uri``, then close its connections
    (on SQLite, closing the last one folds the WAL file back in, so the file alone is whole)."""
    app = create_app(config_for(uri))
    with app.app_context():
        db.create_all()
        db.engine.dispose()


def config_for(uri: str, **settings: Any) -> type[TestConfig]:
    """TestConfig on the database at ``uri``, with ``settings`` over it."""
    return type("Config", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": uri, **settings})


def make_app(tmp_path: Path, **settings: Any) -> Flask:
    """An app on a fresh database (a SQLite file under ``tmp_path``, or the run's PostgreSQL
    database), with ``settings`` over TestConfig.

    A second app on the same ``tmp_path`` shares the first one's SQLite file, as two workers
    would. The schema comes from the models; migrations are tested in tests/test_migrations.py.
    """
    if ON_POSTGRES:
        assert _postgres_url
        uri = _postgres_url
    else:
        assert _sqlite_schema
        database = tmp_path / "test.sqlite3"
        if not database.exists():
            shutil.copyfile(_sqlite_schema, database)
        uri = f"sqlite:///{database}"
    app = create_app(config_for(uri, **settings))
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    _apps.append(app)
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


def enter_password(
    client: FlaskClient, user: StaffUser, password: str = STAFF_PASSWORD
) -> TestResponse:
    """The first sign-in stage only: e-mail and password."""
    return client.post(
        "/auth/login",
        data={
            "email": user.email,
            "password": password,
            "csrf_token": csrf_token(client.get("/auth/login")),
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
        data={"code": totp_code(app, user), "csrf_token": csrf_token(client.get("/auth/verify"))},
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
