"""Sign-in decisions: password checks with brute-force delays, second factor, recovery codes."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select

from app.auth import passwords, totp
from app.auth.sessions import now
from app.extensions import db
from app.models import RecoveryCode, StaffSession, StaffUser
from app.sealing import SealingError


def find_user(email: str) -> StaffUser | None:
    """The account with this e-mail address (case-insensitive), locked for a sign-in attempt
    (see ``attempt_in``)."""
    query = select(StaffUser).where(StaffUser.email == email.strip().lower())
    return db.session.scalar(query.with_for_update())


def attempt_in(row: StaffSession) -> StaffUser | None:
    """The user of session ``row`` read again under the account's row lock, for an attempt (a
    code, an enrolment, a password change); None when the session was ended meanwhile.

    Attempts on one account that arrive together take turns, so each counts its failure from
    the last one's count and a code used by one is seen as used by the next (PostgreSQL's
    ``FOR UPDATE``; on SQLite the transaction's write lock does the same, and SQLAlchemy leaves
    the clause out). The session row was read before the lock, so it is read again after it:
    sign out everywhere, a password change or an enrolment in another browser may have ended it.
    """
    user = row.user
    db.session.refresh(user, with_for_update=True)
    db.session.refresh(row)
    return user if row.revoked_at is None else None


def is_locked(user: StaffUser) -> bool:
    """Whether the account must wait before its next attempt."""
    return user.locked_until is not None and user.locked_until > now()


def record_failure(user: StaffUser) -> None:
    """Count a failed attempt; past the free ones, each failure doubles the wait (capped)."""
    config = current_app.config
    user.failed_logins += 1
    beyond = user.failed_logins - config["LOGIN_FREE_ATTEMPTS"]
    if beyond >= 0:
        delay = min(timedelta(seconds=2 ** min(beyond, 20)), config["LOGIN_MAX_DELAY"])
        user.locked_until = now() + delay


def record_success(user: StaffUser) -> None:
    """Clear the failure count once sign-in is complete."""
    user.failed_logins = 0
    user.locked_until = None


def check_password(email: str, password: str) -> tuple[StaffUser | None, str]:
    """The account for ``email`` (None if there is none) and the verdict: ``ok`` when the
    password is right and the account may sign in, else why not.

    Every path costs one Argon2 verification, so timing does not reveal which e-mail addresses
    have accounts.
    """
    user = find_user(email)
    if user is None:
        passwords.waste_time(password)
        return None, "unknown_email"
    if not user.is_active or is_locked(user):
        passwords.waste_time(password)
        return user, "disabled" if not user.is_active else "locked"
    if not passwords.verify_password(user.password_hash, password):
        record_failure(user)
        return user, "bad_password"
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    return user, "ok"


def change_password(user: StaffUser, current: str, new: str) -> str | None:
    """Make ``new`` the password of ``user`` (read by ``attempt_in``) if ``current`` is right.

    Returns None when changed, else why not: ``locked`` (the account must wait after too many
    failures), ``bad_password`` (the current password is not right; counted like a failed
    sign-in, so that a session left open cannot be used to guess the password) or ``same`` (the
    new password is the current one: someone else who chose it would still know it).
    """
    if is_locked(user):
        return "locked"
    if not passwords.verify_password(user.password_hash, current):
        record_failure(user)
        return "bad_password"
    if passwords.verify_password(user.password_hash, new):
        return "same"
    user.password_hash = passwords.hash_password(new)
    user.must_change_password = False
    record_success(user)
    return None


def _secret(user: StaffUser) -> str | None:
    """``user``'s TOTP secret; None, logged, when no configured key opens it (a key dropped
    too early): a recovery code still signs them in, and an admin can reset the factor."""
    try:
        return user.totp_secret
    except SealingError:
        current_app.logger.error("no configured key opens a stored TOTP secret (staff %s)", user.id)
        return None


def check_second_factor(user: StaffUser, code: str) -> str | None:
    """``totp`` or ``recovery_code`` when ``code`` is valid (and now used up), else None."""
    secret = _secret(user)
    if secret:
        step = totp.matching_step(secret, code, now(), user.totp_last_step)
        if step is not None:
            user.totp_last_step = step
            return "totp"
    recovery = db.session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.staff_id == user.id,
            RecoveryCode.code_hash == totp.hash_recovery_code(code),
            RecoveryCode.used_at.is_(None),
        )
    )
    if recovery is not None:
        recovery.used_at = now()
        return "recovery_code"
    return None


def enrolment_secret(row: StaffSession) -> str:
    """The authenticator secret this sign-in is setting up, made the first time it is needed.

    Made under the session row's lock (read again ``FOR UPDATE`` when it has none yet), so two
    tabs opening the enrolment page at once show the same secret: otherwise the one whose secret
    was overwritten would show a QR code whose codes are never accepted.
    """
    if not row.pending_secret:
        db.session.refresh(row, with_for_update=True)
        if not row.pending_secret:
            row.pending_secret = totp.new_secret()
        db.session.commit()
    return row.pending_secret


def replace_recovery_codes(user: StaffUser) -> list[str]:
    """New recovery codes for ``user`` (the old ones stop working); returns them once."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.staff_id == user.id))
    codes = totp.new_recovery_codes()
    db.session.add_all(
        RecoveryCode(staff_id=user.id, code_hash=totp.hash_recovery_code(c)) for c in codes
    )
    return codes
