"""Database models: questionnaire drafts, submissions and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Index, String, Text, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.database import UTCDateTime, utcnow
from app.extensions import db

OUTCOMES = (
    "emergency",
    "see_doctor",
    "not_suitable",
    "not_indicated",
    "clinician_review",
    "suggest_consult",
)
STATUSES = ("new", "contacted", "booked", "referred", "declined", "closed")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


class Draft(db.Model):
    """Answers in progress, kept on the server and found by a hash of the session's token.

    The token itself never reaches the database, so a copy of the database cannot be used to
    resume someone else's questionnaire.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consent_locale: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class Submission(db.Model):
    """A finished questionnaire, or a stop at the safety step, as the clinic receives it."""

    __table_args__ = (
        CheckConstraint(_one_of("outcome", OUTCOMES), name="outcome"),
        CheckConstraint(_one_of("status", STATUSES), name="status"),
        Index("ix_submission_status_created_at", "status", "created_at"),
        Index("ix_submission_outcome_created_at", "outcome", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    locale: Mapped[str] = mapped_column(String(10))
    questionnaire_version: Mapped[str] = mapped_column(String(16))
    rules_version: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(20))
    reasons: Mapped[list[str]] = mapped_column(JSON)
    # Clinical answers exactly as validated: question id -> code, codes, or an int.
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    full_name: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(20))
    contact_preference: Mapped[str | None] = mapped_column(String(10))
    comments: Mapped[str | None] = mapped_column(Text)
    consent_version: Mapped[str | None] = mapped_column(String(16))
    consent_locale: Mapped[str | None] = mapped_column(String(10))
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default="new")
    is_safety_stop: Mapped[bool] = mapped_column(default=False)
    # sha256 of the browser's draft token: a resent final POST finds this row instead of
    # creating a second one.
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)


class AuditEvent(db.Model):
    """One append-only line of the audit log: who did what to which record, when and whence.

    ``submission_id`` is deliberately not a foreign key: the log must outlive the rows it
    mentions (a purge deletes submissions but never their history).
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_type: Mapped[str] = mapped_column(String(10))  # patient, staff or system
    staff_id: Mapped[int | None] = mapped_column(index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)
    submission_id: Mapped[int | None] = mapped_column(index=True)
    remote_addr: Mapped[str | None] = mapped_column(String(45))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class AuditLogIsAppendOnly(RuntimeError):
    """Raised when code tries to change or delete an audit record."""


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session: Session, _context: Any, _instances: Any) -> None:
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, AuditEvent):
            raise AuditLogIsAppendOnly("audit records are never changed or deleted")
