"""Ready-made patient sessions for wrk: a draft in the database, a signed cookie, a CSRF token.

A step POST or a final submission needs what a browser has after walking the questionnaire: a
session cookie holding a draft token, a draft stored under that token's hash, and the CSRF
token of a form it was shown. Walking the questionnaire over HTTP for each of thousands of
sessions would take longer than the measurement, so they are made here, in-process, by the
app itself built with the server's environment (the same ``SECRET_KEY``, the same database).

The answers are those one real questionnaire stores: a test client walks it once, and every
session gets a copy of the draft it left.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Flask, session
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import generate_csrf
from sqlalchemy import func, insert, select

from app import create_app
from app.database import utcnow
from app.extensions import db
from app.models import Draft, Submission
from app.screening.questions import STEP_IDS
from app.screening.service import DRAFT_KEY
from app.tokens import token_hash
from bench.server import fresh_database, migrate, production_environment
from tests.journey import BASE_ANSWERS, answer_all, step_data

_INSERT_BATCH = 1000


@contextmanager
def app_for(environment: Mapping[str, str]) -> Iterator[Flask]:
    """The app as a gunicorn worker with ``environment`` builds it; its engine is closed after."""
    saved = dict(os.environ)
    os.environ.update(environment)
    try:
        app = create_app()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@contextmanager
def production_app(database: str, **settings: str) -> Iterator[tuple[Flask, dict[str, str]]]:
    """A new database of kind ``database``, migrated, and the app a gunicorn worker builds on it
    with production settings and ``settings``; with that environment, for servers to share it."""
    with fresh_database(database) as url:
        environment = production_environment(url, **settings)
        migrate(environment)
        with app_for(environment) as app:
            yield app, environment


@dataclass(frozen=True)
class Plan:
    """What one wrk run sends: requests taken in turn, each with the next ready session."""

    requests: Sequence[tuple[str, str, str]]  # method, path, url-encoded fields (no token)
    sessions: Sequence[tuple[str, str]]  # cookie header value, CSRF token

    def write(self, path: Path) -> Path:
        """The plan file that bench/wrk/sessions.lua reads."""
        lines = [f"request\t{method}\t{url}\t{body}" for method, url, body in self.requests]
        lines += [f"session\t{cookie}\t{token}" for cookie, token in self.sessions]
        path.write_text("\n".join(lines) + "\n")
        return path


def step_pages() -> list[tuple[str, str, str]]:
    """GET every questionnaire step in turn."""
    return [("GET", f"/screening/{step_id}", "") for step_id in STEP_IDS]


def step_forms() -> list[tuple[str, str, str]]:
    """POST every step's complete, valid answers in turn."""
    return [
        ("POST", f"/screening/{step_id}", urlencode(step_data(step_id, BASE_ANSWERS), doseq=True))
        for step_id in STEP_IDS
    ]


def final_submission() -> list[tuple[str, str, str]]:
    """POST the check page's form: store the draft as a submission."""
    return [("POST", "/screening/submit", "")]


def _stored_draft(app: Flask) -> dict[str, Any]:
    """The columns a complete draft has once a patient has answered every step."""
    client = app.test_client()
    answer_all(client)
    with app.app_context():
        draft = db.session.scalars(select(Draft).order_by(Draft.id.desc())).first()
        if draft is None:
            raise RuntimeError("walking the questionnaire left no draft")
        columns = {
            "answers": draft.answers,
            "consented_at": draft.consented_at,
            "consent_locale": draft.consent_locale,
        }
        db.session.delete(draft)
        db.session.commit()
    return columns


def make_sessions(app: Flask, count: int) -> list[tuple[str, str]]:
    """``count`` sessions, each with its own complete draft in the database.

    Each cookie holds a new draft token (the database holds its sha256, as
    app.screening.service stores it) and the raw CSRF token that Flask-WTF keeps in the
    session; the signed token beside it is what the form would carry.
    """
    template = _stored_draft(app)
    interface = app.session_interface
    if not isinstance(interface, SecureCookieSessionInterface):
        raise RuntimeError("the app keeps its sessions elsewhere than in a signed cookie")
    serializer = interface.get_signing_serializer(app)
    if serializer is None:
        raise RuntimeError("the app has no secret key")
    cookie_name = app.config["SESSION_COOKIE_NAME"]
    sessions: list[tuple[str, str]] = []
    rows: list[dict[str, Any]] = []
    now = utcnow()
    expires_at = now + app.config["DRAFT_TTL"]
    for _ in range(count):
        draft_token = secrets.token_urlsafe(32)
        with app.test_request_context():
            session[DRAFT_KEY] = draft_token
            csrf_token = generate_csrf()
            cookie = serializer.dumps(dict(session))
        sessions.append((f"{cookie_name}={cookie}", csrf_token))
        rows.append(
            {
                **template,
                "token_hash": token_hash(draft_token),
                "created_at": now,
                "updated_at": now,
                "expires_at": expires_at,
            }
        )
    with app.app_context():
        for start in range(0, len(rows), _INSERT_BATCH):
            db.session.execute(insert(Draft), rows[start : start + _INSERT_BATCH])
        db.session.commit()
    return sessions


def submission_count(app: Flask) -> int:
    """Rows in the submission table."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Submission)) or 0
