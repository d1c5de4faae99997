"""The audit log: one call adds a record to the current transaction, beside the action."""

from __future__ import annotations

from typing import Any

from flask import g, has_request_context, request

from app.codes import Actor
from app.extensions import db
from app.models import AuditEvent


def record(
    action: str,
    *,
    submission_id: int | None = None,
    staff_id: int | None = None,
    detail: dict[str, Any] | None = None,
    actor_type: Actor = Actor.STAFF,
) -> AuditEvent:
    """Add an audit record to the session; the caller's commit stores it with the action.

    ``staff_id`` defaults to the signed-in staff member. ``detail`` holds ids, counts and codes
    only, never names, contact details or answers.
    """
    if staff_id is None and actor_type is Actor.STAFF:
        staff_id = getattr(g, "staff_id", None)
    remote_addr = (
        request.remote_addr if has_request_context() and actor_type is Actor.STAFF else None
    )
    event = AuditEvent(
        actor_type=actor_type,
        staff_id=staff_id,
        action=action,
        submission_id=submission_id,
        remote_addr=remote_addr,
        detail=detail,
    )
    db.session.add(event)
    return event
