"""A submission's follow-up, each record append-only: status changes, notes, clearance
decisions, contact attempts and assignments, with who and when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.codes import AttemptResult, Channel
from app.database import UTCDateTime, utcnow
from app.extensions import Model
from app.models.common import one_of


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


class ContactAttempt(Model):
    """One try to reach the patient, what came of it, and the next follow-up it asked for."""

    __table_args__ = (
        CheckConstraint(one_of("channel", Channel), name="channel"),
        CheckConstraint(one_of("result", AttemptResult), name="result"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    channel: Mapped[str] = mapped_column(String(10))
    result: Mapped[str] = mapped_column(String(20))
    follow_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    form_key: Mapped[str | None] = mapped_column(String(32), unique=True)  # as Note.form_key


class Assignment(Model):
    """A submission given to a staff member (``assignee_id``), or given back (None), by whom."""

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
