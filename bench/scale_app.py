"""The app under the scale benchmark: a migrated database, a signed-in clinician, timed requests,
and the plans of the queries a request ran (the views' pages and cursors: ``bench.scale_views``).

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
from app.models import StaffUser, Submission
from bench.seed import CLINICIAN_EMAIL
from config import TestConfig

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
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
    """A test client holding a full session of the bench's clinician (``bench.seed``'s first
    staff member, created here if the seeding has not yet), started by the app's own sign-in
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


def clinician_id(app: Flask) -> int:
    """The staff id of the signed-in clinician (the "me" of the views' assignee filter)."""
    with app.app_context():
        return db.session.scalars(
            select(StaffUser.id).where(StaffUser.email == CLINICIAN_EMAIL)
        ).one()


def time_request(
    client: FlaskClient,
    method: str,
    url: str,
    runs: int,
    *,
    expected: int | None = None,
    **kwargs: Any,
) -> Timing:
    """Time ``runs`` requests after one warm-up (fewer when a request takes over a second);
    each must answer ``expected`` (default: 302 to a POST, else 200)."""
    expected = expected or (302 if method == "POST" else 200)

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


def reference_at(app: Flask, position: int) -> str:
    """The reference of the ``position``-th submission by id."""
    with app.app_context():
        query = select(Submission.reference).order_by(Submission.id).offset(position).limit(1)
        return db.session.scalar(query) or ""


@contextmanager
def captured_queries(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """The queries of the queue and of search (SELECTs from ``submission`` or ``search_term``:
    a page, the counts on the tabs, the matches) run meanwhile, with their parameters, as the
    driver received them."""
    seen: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        text = statement.lower()
        if text.lstrip().startswith("select") and (
            "from submission" in text or "from search_term" in text
        ):
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
