"""Helpers of the notification tests: staff with a choice, a patient's submission sent through
the real pages, the sender's rounds."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import OutboxMessage, StaffUser, Submission
from app.notify import sender
from tests.conftest import make_staff
from tests.journey import BASE_ANSWERS, answer_all, send


def staff(app: Flask, role: str, email: str, **choice: Any) -> StaffUser:
    user = make_staff(app, role, email=email)
    with app.app_context():
        stored = db.session.get(StaffUser, user.id)
        assert stored
        for name, value in choice.items():
            setattr(stored, name, value)
        db.session.commit()
        db.session.refresh(stored)
        db.session.expunge(stored)
        return stored


def submit(app: Flask, lang: str = "en", **overrides: Any) -> Submission:
    """A patient's answers sent through the pages; the stored submission."""
    client = app.test_client()
    client.get(f"/?lang={lang}")
    answer_all(client, overrides)
    assert send(client).status_code == 302
    with app.app_context():
        found = db.session.scalars(select(Submission).order_by(Submission.id.desc())).first()
        assert found
        db.session.expunge(found)
        return found


def rows(app: Flask) -> list[OutboxMessage]:
    with app.app_context():
        found = list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        db.session.expunge_all()
        return found


def round_at(app: Flask, now: datetime | None = None) -> sender.Round:
    with app.app_context():
        return sender.send_once(now)


SECRET_ANSWERS = {**BASE_ANSWERS}
