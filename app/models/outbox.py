"""The outbox: each message to send, written in the same transaction as the event it tells of,
and delivered later by a sender (``flask notify``; app.notify.sender)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.codes import MessageKind, MessageState
from app.database import UTCDateTime, utcnow
from app.extensions import Model
from app.models.common import one_of

EVENT_KEY_MAX = 80
ERROR_MAX = 40
CLAIM_MAX = 32


class OutboxMessage(Model):
    """One message for one recipient: a staff member (``staff_id``), or the patient of
    ``submission_id`` for a receipt (the address is read from the submission when it is sent,
    never copied here). A message in a digest waits until its recipient's digest is due
    (``due_at``) and goes out with the others due then, in one e-mail.

    ``event_key`` names the event for one recipient, so that an event the sender finds again
    (a follow-up falling due, seen by two senders) is written once.
    """

    __table_args__ = (
        CheckConstraint(one_of("kind", MessageKind), name="kind"),
        CheckConstraint(one_of("state", MessageState), name="state"),
        CheckConstraint("(staff_id IS NULL) = (kind = 'receipt')", name="recipient"),
        # What a sender claims next: the oldest due first.
        Index("ix_outbox_message_due", "state", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"), index=True)
    event_key: Mapped[str] = mapped_column(String(EVENT_KEY_MAX), unique=True)
    # The language of the message: the patient's for a receipt, else the staff member's choice
    # (kept up to date when they change it).
    locale: Mapped[str] = mapped_column(String(10))
    digest: Mapped[bool] = mapped_column(default=False)
    state: Mapped[str] = mapped_column(String(10), default=MessageState.PENDING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The sender that claimed the row (a random token per claim) and until when it may send
    # it: a sender writes what came of a row only while both are still its own.
    claim: Mapped[str | None] = mapped_column(String(CLAIM_MAX))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(ERROR_MAX))  # a class name, no text
    # The first failed try since the row was written or an admin put it back in line: the
    # sender gives up NOTIFY_GIVE_UP after it.
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
