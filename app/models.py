"""Database models: questionnaire drafts and submissions, their follow-up (status changes,
notes, clearance decisions), staff accounts, sessions and recovery codes, and the audit log."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    event,
    false,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from app.codes import CLOSED_STATUSES, Role, Status
from app.database import UTCDateTime, utcnow
from app.extensions import Model
from app.screening.codes import Outcome
from app.screening.questions_more import EMAIL_MAX, FULL_NAME_MAX, PHONE_MAX

STAFF_NAME_MAX = 100
# How urgently a submission that waits for someone needs them, by outcome: the staff queue pins
# waiting submissions on top, most urgent first. 0: not waiting.
ATTENTION_RANK: dict[str, int] = {
    Outcome.EMERGENCY: 3,
    Outcome.SEE_DOCTOR: 2,
    Outcome.CLINICIAN_REVIEW: 1,
}


def one_of(column: str, codes: type[StrEnum]) -> str:
    """A CHECK constraint's condition: ``column`` holds one of the codes of ``codes``."""
    quoted = ", ".join(f"'{code}'" for code in codes)
    return f"{column} IN ({quoted})"


def attention(outcome: str, is_safety_stop: bool, status: str, cleared: bool) -> int:
    """How urgently a submission waits for someone: its ``ATTENTION_RANK`` while it waits, else 0.

    A safety stop waits until someone moves it on from ``new``. A clinician review waits until a
    clinician records a clearance decision (``cleared``), or the case is closed another way
    (``CLOSED_STATUSES``).
    """
    if is_safety_stop:
        waiting = status == Status.NEW
    else:
        waiting = (
            outcome == Outcome.CLINICIAN_REVIEW and not cleared and status not in CLOSED_STATUSES
        )
    return ATTENTION_RANK.get(outcome, 0) if waiting else 0


class Draft(Model):
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


class Submission(Model):
    """A finished questionnaire, or a stop at the safety step, as the clinic receives it."""

    __table_args__ = (
        CheckConstraint(one_of("outcome", Outcome), name="outcome"),
        CheckConstraint(one_of("status", Status), name="status"),
        # The queue's order: most urgent first, then newest (keyset pagination on these
        # columns), read one value of attention at a time (app.keyset), so that each filter and
        # any combination of them, with or without a date range, is a range scan of one index.
        Index("ix_submission_queue", "attention", "created_at", "id"),
        Index("ix_submission_outcome_queue", "outcome", "attention", "created_at", "id"),
        Index("ix_submission_status_queue", "status", "attention", "created_at", "id"),
        Index(
            "ix_submission_outcome_status_queue",
            "outcome",
            "status",
            "attention",
            "created_at",
            "id",
        ),
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
    full_name: Mapped[str | None] = mapped_column(String(FULL_NAME_MAX))
    email: Mapped[str | None] = mapped_column(String(EMAIL_MAX))
    phone: Mapped[str | None] = mapped_column(String(PHONE_MAX))
    contact_preference: Mapped[str | None] = mapped_column(String(10))
    comments: Mapped[str | None] = mapped_column(Text)
    consent_version: Mapped[str | None] = mapped_column(String(16))
    consent_locale: Mapped[str | None] = mapped_column(String(10))
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default=Status.NEW)
    is_safety_stop: Mapped[bool] = mapped_column(default=False)
    # sha256 of the browser's draft token: a resent final POST finds this row instead of
    # creating a second one.
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    # Pinned at the top of the staff queue, most urgent first, while it waits for someone:
    # see ``attention()`` (kept up to date by app.staff.service.refresh_attention).
    attention: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")

    @property
    def needs_attention(self) -> bool:
        return self.attention > 0


class StaffUser(Model):
    """A member of the clinic's staff. Accounts are disabled, never deleted (the audit log
    refers to them)."""

    __table_args__ = (CheckConstraint(one_of("role", Role), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), unique=True)  # stored lower-case
    name: Mapped[str] = mapped_column(String(STAFF_NAME_MAX))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    # Set when someone else chose the password (an admin creating the account): at the next
    # sign-in its owner must choose their own before anything else.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    is_active: Mapped[bool] = mapped_column(default=True)
    # Second factor: the TOTP secret once enrolment is confirmed, and the last time step used
    # (a code is accepted only for a later step, so each code works once).
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column()
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StaffSession(Model):
    """A signed-in browser, held on the server so that it can be ended from anywhere.

    The cookie carries a random token; only its sha256 is stored. ``stage`` (an
    ``app.codes.Stage``) is ``totp`` between the password and the second factor, ``enrol``
    while setting one up, and ``full`` once signed in.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    stage: Mapped[str] = mapped_column(String(10))
    pending_secret: Mapped[str | None] = mapped_column(String(64))  # TOTP being enrolled
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    user: Mapped[StaffUser] = relationship()


class RecoveryCode(Model):
    """A one-time code that replaces the second factor once; only its hash is kept."""

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class StatusChange(Model):
    """A submission moved from one status to another, by whom and when."""

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Note(Model):
    """An append-only note on a submission."""

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    body: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The one-time key of the form that added it (app.formtools.OnceOnlyForm): the same form
    # sent twice (a double click, a resend after a lost answer) adds one note, not two.
    form_key: Mapped[str | None] = mapped_column(String(32), unique=True)


class Clearance(Model):
    """A clinician's decision on a ``clinician_review`` submission: cleared to book or not."""

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    cleared: Mapped[bool] = mapped_column()
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    form_key: Mapped[str | None] = mapped_column(String(32), unique=True)  # as Note.form_key


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


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session: Session, _context: Any, _instances: Any) -> None:
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, AuditEvent | Note | StatusChange | Clearance):
            raise AuditLogIsAppendOnly(f"{type(obj).__name__} records are never changed or deleted")
