"""Staff accounts, their signed-in sessions and their recovery codes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import sealing
from app.codes import NotifyMode, Role
from app.database import UTCDateTime, utcnow
from app.extensions import Model
from app.models.common import one_of
from app.screening.questions_more import EMAIL_MAX

STAFF_NAME_MAX = 100


class StaffUser(Model):
    """A member of the clinic's staff. Accounts are disabled, never deleted (the audit log
    refers to them)."""

    __table_args__ = (
        CheckConstraint(one_of("role", Role), name="role"),
        CheckConstraint(one_of("notify_mode", NotifyMode), name="notify_mode"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), unique=True)  # stored lower-case
    name: Mapped[str] = mapped_column(String(STAFF_NAME_MAX))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    # Set when someone else chose the password (an admin creating the account): at the next
    # sign-in its owner must choose their own before anything else.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    is_active: Mapped[bool] = mapped_column(default=True)
    # Second factor: the TOTP secret once enrolment is confirmed (``totp_secret``: sealed at
    # rest under TOTP_ENCRYPTION_KEYS, app.sealing; in the clear only without keys), and the
    # last time step used (a code is accepted only for a later step, so each code works once).
    totp_secret_plain: Mapped[str | None] = mapped_column("totp_secret", String(64))
    totp_secret_sealed: Mapped[str | None] = mapped_column(Text)
    totp_last_step: Mapped[int | None] = mapped_column()
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Notifications (app.notify): how this person hears of what waits for them, the time of a
    # daily digest (HH:MM in the clinic's time zone), and the language of their messages.
    notify_mode: Mapped[str] = mapped_column(
        String(10), default=NotifyMode.EACH, server_default=NotifyMode.EACH.value
    )
    digest_time: Mapped[str] = mapped_column(String(5), default="08:00", server_default="08:00")
    language: Mapped[str] = mapped_column(String(10), default="en", server_default="en")
    # When they last opened the queue: the navigation counts what arrived since.
    queue_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def totp_secret(self) -> str | None:
        """The TOTP secret, opened if it is sealed; None before enrolment."""
        if self.totp_secret_sealed is not None:
            return sealing.unseal(self.totp_secret_sealed)
        return self.totp_secret_plain

    @totp_secret.setter
    def totp_secret(self, secret: str | None) -> None:
        self.totp_secret_sealed, self.totp_secret_plain = sealing.stored(secret)

    @property
    def enrolled(self) -> bool:
        """Whether the account has a second factor (without opening its secret)."""
        return self.totp_secret_sealed is not None or self.totp_secret_plain is not None


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
