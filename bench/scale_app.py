"""The app under the scale benchmark: a migrated database, a signed-in clinician, timed requests,
cursors at any depth of the queue, and the plans of the queries a request ran.

Requests go through the Flask test client in this process, so a request's time is the app's
whole work (guard, session row, query, audit record and commit, template) without a network.
"""

from __future__ import annotations

import re
import secrets
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyotp
from flask import Flask, session
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import Engine, event, select

from app import create_app
from app.auth import sessions as staff_sessions
from app.auth.passwords import hash_password
from app.codes import Role, Stage
from app.extensions import db
from app.keyset import encode_cursor
from app.models import StaffUser, Submission
from app.staff.queries import QUEUE_ORDER, QueueFilter
from config import TestConfig

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
CLINICIAN_EMAIL = "bench.clinician@clinic.example"
_CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def make_app(database_url: str) -> Flask:
    """The app on ``database_url``: test settings (no rate limits), everything else real."""
    config = type("BenchConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": database_url})
    return create_app(config)


def migrate(app: Flask) -> None:
    """Build the schema with the Alembic revisions, as ``flask db upgrade`` does."""
    with app.app_context():
        upgrade(directory=str(MIGRATIONS))


def signed_in_client(app: Flask) -> FlaskClient:
    """A test client holding a full session of a clinician, started by the app's own sign-in
    code (``app.auth.sessions.start``), so every request goes through the real guard."""
    with app.test_request_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.email == CLINICIAN_EMAIL))
        if user is None:
            user = StaffUser(
                email=CLINICIAN_EMAIL,
                name="Bench Clinician",
                role=Role.CLINICIAN,
                password_hash=hash_password(secrets.token_urlsafe(16)),
                totp_secret=pyotp.random_base32(),
            )
            db.session.add(user)
            db.session.flush()
        staff_sessions.start(user, stage=Stage.FULL)
        token = session[staff_sessions.SESSION_KEY]
        db.session.commit()
    client = app.test_client()
    with client.session_transaction() as browser:
        browser[staff_sessions.SESSION_KEY] = token
    return client


@dataclass(frozen=True, slots=True)
class Timing:
    """Repeated timings of one request, in milliseconds."""

    median: float
    worst: float
    runs: int


def time_request(client: FlaskClient, method: str, url: str, runs: int, **kwargs: Any) -> Timing:
    """Time ``runs`` requests after one warm-up (fewer when a request takes over a second)."""
    expected = 302 if method == "POST" else 200

    def once() -> float:
        started = time.perf_counter()
        response = client.open(url, method=method, **kwargs)
        body = response.get_data()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != expected:
            raise RuntimeError(f"{method} {url}: {response.status_code} {body[:300]!r}")
        return elapsed

    warm = once()
    if warm > 1000:
        runs = min(runs, 3)
    times = [once() for _ in range(runs)]
    return Timing(statistics.median(times), max(times), runs)


def csrf_token(client: FlaskClient) -> str:
    """The CSRF token of the queue page's forms."""
    match = _CSRF.search(client.get("/staff/").text)
    if match is None:
        raise RuntimeError("no CSRF token on the queue page")
    return match.group(1)


def matching(app: Flask, filters: QueueFilter) -> int:
    """How many submissions ``filters`` lets through."""
    from sqlalchemy import func

    with app.app_context():
        query = filters.apply(select(func.count()).select_from(Submission))
        return db.session.scalar(query) or 0


def cursor_at(app: Flask, filters: QueueFilter, position: int) -> str | None:
    """The cursor of the row at ``position`` (from 0) in the filtered queue's order, as the
    "Next page" link of the page ending at that row carries it."""
    with app.app_context():
        query = filters.apply(select(*QUEUE_ORDER))
        order = [column.desc() for column in QUEUE_ORDER]
        row = db.session.execute(query.order_by(*order).offset(position).limit(1)).first()
        db.session.rollback()
        return encode_cursor(tuple(row)) if row else None


def reference_at(app: Flask, position: int) -> str:
    """The reference of the ``position``-th submission by id."""
    with app.app_context():
        query = select(Submission.reference).order_by(Submission.id).offset(position).limit(1)
        return db.session.scalar(query) or ""


@contextmanager
def captured_queries(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """The queue queries (SELECTs from ``submission`` with an ORDER BY) run meanwhile, with
    their parameters, as the driver received them."""
    seen: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        text = statement.lower()
        if text.lstrip().startswith("select") and "from submission" in text and "order by" in text:
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", capture)


def explain(app: Flask, statement: str, parameters: Any) -> str:
    """The plan of one captured statement: EXPLAIN QUERY PLAN on SQLite, EXPLAIN (ANALYZE,
    BUFFERS) on PostgreSQL."""
    with app.app_context(), db.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            depth: dict[int, int] = {}
            lines = []
            for row in rows:
                node, parent, detail = int(row[0]), int(row[1]), str(row[3])
                depth[node] = depth.get(parent, -1) + 1
                lines.append(f"{'  ' * depth[node]}{detail}")
        else:
            rows = connection.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", parameters)
            lines = [str(row[0]) for row in rows]
        connection.rollback()
    return "\n".join(lines)
