"""A patient's step sent while another copy of it (a double click) is still being stored.

Each test holds a transaction doing what the first copy does, uncommitted, and sends the
second meanwhile (``tests.held``): the second must wait, then carry on from what the first
stored, and the patient sees the next step rather than an error page.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, insert, select, update

from app.database import utcnow
from app.extensions import db
from app.models import Draft
from app.screening.service import DRAFT_KEY
from app.tokens import token_hash
from tests.forms import csrf_token
from tests.held import while_held
from tests.journey import BASE_ANSWERS, answer_all, step_data


def _draft_token(client: FlaskClient) -> str:
    with client.session_transaction() as browser:
        return browser[DRAFT_KEY]


def _drafts(app: Flask) -> list[dict]:
    with app.app_context():
        return [dict(d.answers) for d in db.session.scalars(select(Draft))]


def test_the_first_step_sent_twice_at_once_starts_one_draft(
    app: Flask, client: FlaskClient
) -> None:
    page = client.get("/screening/safety")
    form = {**step_data("safety", BASE_ANSWERS), "csrf_token": csrf_token(page)}
    safety = {key: value for key, value in form.items() if key != "csrf_token"}
    now = utcnow()
    with while_held(app, lambda: client.post("/screening/safety", data=form)) as held:
        # The first copy is starting the draft: inserted, not yet committed.
        held.first.execute(
            insert(Draft).values(
                token_hash=token_hash(_draft_token(client)),
                answers=safety,
                created_at=now,
                expires_at=now + timedelta(hours=1),
            )
        )
    assert held.answers[0].status_code == 302
    assert held.answers[0].headers["Location"] == "/screening/pain"
    assert _drafts(app) == [safety]


def test_a_step_sent_while_another_tab_saves_one_keeps_both(
    app: Flask, client: FlaskClient
) -> None:
    answer_all(client)  # every step saved: any step may be sent again now
    page = client.get("/screening/pain")
    changed = {**step_data("pain", BASE_ANSWERS), "pain_intensity": "8"}
    form = {**changed, "csrf_token": csrf_token(page)}
    key = token_hash(_draft_token(client))
    with app.app_context():
        stored = db.session.scalar(select(Draft.answers).where(Draft.token_hash == key))
    with while_held(app, lambda: client.post("/screening/pain", data=form)) as held:
        # Another tab is saving a changed history step: written, not yet committed. Every
        # write of a draft raises its version (app.screening.drafts).
        held.first.execute(
            update(Draft)
            .where(Draft.token_hash == key)
            .values(answers={**stored, "manual_therapy": "helped"}, version=Draft.version + 1)
        )
    assert held.answers[0].status_code == 302
    [answers] = _drafts(app)
    assert (answers["manual_therapy"], answers["pain_intensity"]) == ("helped", 8)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Draft)) == 1
