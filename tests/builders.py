"""Plain builders for test data (``make_submission(app, **overrides)``)."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select

from app.codes import Role
from app.database import utcnow
from app.dates import response_due_at
from app.extensions import db
from app.models import StaffUser, Submission, add_search_terms, search_terms
from app.references import new_reference
from app.settings.fields import FIELDS, FIELDS_BY_NAME
from app.settings.service import save
from app.settings.store import changed, current
from app.statistics import counting

ANSWERS: dict[str, Any] = {
    "rf_saddle_numbness": "no",
    "pain_areas": ["elbow_forearm"],
    "pain_duration": "over_12_months",
    "pain_intensity": 6,
    "diagnoses": ["tennis_elbow"],
    "nerve_symptoms": ["none"],
}


def make_submission(
    app: Flask, *, minutes_ago: float = 0, cleared: bool = False, **overrides: Any
) -> Submission:
    """Store a submission (by default a recent ``suggest_consult``), with its search terms and
    its place in the work list (``cleared``: as if a clinician had decided; ``work=`` to set
    it by hand), and return it detached."""
    values: dict[str, Any] = {
        "reference": new_reference(),
        "created_at": utcnow() - timedelta(minutes=minutes_ago),
        "locale": "en",
        "questionnaire_version": "2026.1",
        "rules_version": "2026.1",
        "outcome": "suggest_consult",
        "reasons": ["IND_TENNIS_ELBOW", "IND_PERSISTENT_PAIN"],
        "answers": dict(ANSWERS),
        "full_name": "Jordan Patient",
        "email": "jordan@example.org",
        "phone": "613-555-0142",
        "contact_preference": "phone",
        "consent_version": "2026.1",
        "consent_locale": "en",
        "consented_at": utcnow() - timedelta(minutes=minutes_ago),
        "status": "new",
        "is_safety_stop": False,
        "idempotency_key": secrets.token_hex(32),
    }
    values.update(overrides)
    with app.app_context():
        submission = Submission(**values)
        if "work" not in overrides:  # its place in the work list, as the app would set it
            submission.place_in_work_list(
                cleared=cleared, response_due=response_due_at(submission.created_at)
            )
        db.session.add(submission)
        db.session.flush()
        add_search_terms(db.session, submission.id, search_terms(submission))
        counting.add(counting.received(submission))  # the statistics' counts, as the app
        db.session.commit()
        db.session.refresh(submission)
        db.session.expunge(submission)
        return submission


def set_settings(app: Flask, **typed: Any) -> list[str]:
    """Change clinic settings as an admin would on the settings page: each value as typed
    (``phone="613-555-0100"``, ``retention_days=30``; ``""`` clears one). Returns the names
    changed."""
    with app.app_context():
        admin = db.session.scalar(select(StaffUser).where(StaffUser.role == Role.ADMIN))
        if admin is None:
            admin = StaffUser(
                email="settings.admin@clinic.example",
                name="Settings Admin",
                role=Role.ADMIN,
                password_hash="-",  # never signs in
            )
            db.session.add(admin)
            db.session.flush()
        before = current()
        values = {f.name: getattr(before, f.name) for f in FIELDS}
        values.update({name: FIELDS_BY_NAME[name].parse(str(text)) for name, text in typed.items()})
        names = save(before, values, admin)
        db.session.commit()
        changed()
        return names
