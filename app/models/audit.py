"""The audit log, and the guard that keeps it and the follow-up records append-only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.database import UTCDateTime, utcnow
from app.extensions import Model
from app.models.follow_up import Assignment, Clearance, ContactAttempt, Note, StatusChange
from app.models.settings import SettingChange


class AuditEvent(Model):
    """One append-only line of the audit log: who did what to which record, when and whence.

    ``submission_id`` is deliberately not a foreign key: the log must outlive the rows it
    mentions (a purge deletes submissions but never their history).
    """

    __table_args__ = (
        # The audit log's pages: newest first, optionally by one person or one kind of action
        # (keyset pagination on (at, id)).
        Index("ix_audit_event_at_id", "at", "id"),
        Index("ix_audit_event_staff_id_at_id", "staff_id", "at", "id"),
        Index("ix_audit_event_action_at_id", "action", "at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_type: Mapped[str] = mapped_column(String(10))  # an app.codes.Actor
    staff_id: Mapped[int | None] = mapped_column()
    action: Mapped[str] = mapped_column(String(40))
    submission_id: Mapped[int | None] = mapped_column(index=True)
    remote_addr: Mapped[str | None] = mapped_column(String(45))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class AuditLogIsAppendOnly(RuntimeError):
    """Raised when code tries to change or delete a record that is append-only."""


APPEND_ONLY = (AuditEvent, Note, StatusChange, Clearance, ContactAttempt, Assignment, SettingChange)


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session: Session, _context: Any, _instances: Any) -> None:
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, APPEND_ONLY):
            raise AuditLogIsAppendOnly(f"{type(obj).__name__} records are never changed or deleted")
