"""Helpers of the notification tests: staff with a choice, a patient's submission sent through
the real pages, the sender's rounds."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import OutboxMessage, StaffUser, Submission
from app.notify import sender
from app.screening.codes import Outcome
from tests.conftest import make_staff
from tests.journey import answer_all, send


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


def forbidden_words(submission: Submission) -> set[str]:
    """What a message must never hold: every answer code given, the outcome, the reasons, the
    patient's name, phone and e-mail. ``yes`` and ``no`` are left out, as is the pain score:
    as words they say nothing ("no" is part of ordinary sentences, a number of a date)."""
    codes: set[str] = set()
    for value in submission.answers.values():
        codes.update(value if isinstance(value, list) else [str(value)])
    codes = {code for code in codes - {"yes", "no"} if not code.isdigit()}
    outcomes = {outcome.value for outcome in Outcome}
    return (
        codes
        | outcomes
        | set(submission.reasons)
        | {
            str(submission.full_name),
            str(submission.phone),
            str(submission.email),
            "Tremblay",
        }
    )


def assert_says_nothing_of_health(text: str, submission: Submission) -> None:
    found = {
        w
        for w in forbidden_words(submission)
        if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)
    }
    assert found == set()
