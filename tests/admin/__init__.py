"""Tests of the administration area, with the helpers they share."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from app.extensions import db
from app.models import AuditEvent, StaffUser
from tests.forms import csrf_token

ADMIN_ADDRESS = "203.0.113.7"


def post_form(client: FlaskClient, url: str, data: dict[str, str] | None = None) -> TestResponse:
    """POST ``data`` to ``url`` with this browser's CSRF token (any form of the session)."""
    token = csrf_token(client.get("/auth/login"))
    return client.post(url, data={**(data or {}), "csrf_token": token})


def stored(app: Flask, staff_id: int) -> StaffUser:
    """The account as the database holds it now."""
    with app.app_context():
        user = db.session.get(StaffUser, staff_id)
        assert user is not None
        db.session.expunge(user)
        return user


def events(app: Flask, action: str | None = None) -> list[AuditEvent]:
    """Audit records (of ``action`` if given), oldest first, detached from the session."""
    with app.app_context():
        query = select(AuditEvent).order_by(AuditEvent.id)
        if action:
            query = query.where(AuditEvent.action == action)
        found = list(db.session.scalars(query))
        db.session.expunge_all()
        return found


# What an admin's reads record: the accounts list, an account's page, the audit log page.
ADMIN_READS = frozenset({"staff.list", "staff.view", "audit.view"})


def account_changes(app: Flask) -> list[str]:
    """The actions recorded on staff accounts (not the reads of their pages), oldest first."""
    return [
        e.action
        for e in events(app)
        if e.action.startswith("staff.") and e.action not in ADMIN_READS
    ]


def add_events(app: Flask, *rows: dict[str, Any]) -> list[int]:
    """Store audit records directly (as other parts of the app would) and return their ids."""
    with app.app_context():
        objects = [AuditEvent(**{"actor_type": "system", **row}) for row in rows]
        db.session.add_all(objects)
        db.session.commit()
        return [o.id for o in objects]
