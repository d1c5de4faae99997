"""Changes an admin makes to staff accounts, each with its audit record.

Every function adds its rows and its audit record to the session and the view commits once, so
a change and its record are stored together or not at all (as in ``app.staff.service``). The
one exception, ``create_account``, commits itself: a duplicate e-mail address created at the
same moment by someone else only shows at the commit.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app import audit
from app.auth import sessions
from app.auth.passwords import hash_password
from app.codes import Role, Stage
from app.extensions import db
from app.models import RecoveryCode, StaffUser


def create_account(name: str, email: str, role: Role, password: str) -> StaffUser | None:
    """Store a new account, whose owner must choose their own password at the first sign-in
    (the admin knows this one), and commit it with its audit record; None when the e-mail is
    already used, also by an account created at the same moment by someone else."""
    if db.session.scalar(select(StaffUser.id).where(StaffUser.email == email)):
        return None
    user = StaffUser(
        name=name,
        email=email,
        role=role,
        password_hash=hash_password(password),
        must_change_password=True,
    )
    db.session.add(user)
    try:
        db.session.flush()
        audit.record("staff.create", detail={"staff_id": user.id, "role": user.role})
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return user


def lock_accounts(staff_ids: Iterable[int]) -> dict[int, StaffUser]:
    """The accounts with these ids, read again under row locks in id order (PostgreSQL's
    ``FOR UPDATE``; on SQLite the transaction's write lock), so that two admins acting on each
    other's accounts at once take turns without deadlock and the second sees the first's change.
    """
    query = select(StaffUser).where(StaffUser.id.in_(set(staff_ids))).order_by(StaffUser.id)
    locked = db.session.scalars(query.with_for_update().execution_options(populate_existing=True))
    return {row.id: row for row in locked}


def change_role(user: StaffUser, role: Role) -> bool:
    """Give ``user`` another role; False when it already has it."""
    if user.role == role:
        return False
    audit.record("staff.role", detail={"staff_id": user.id, "from": user.role, "to": role})
    user.role = role
    return True


def disable(user: StaffUser) -> bool:
    """Disable the account and end its sessions at once; False when it already is."""
    if not user.is_active:
        return False
    user.is_active = False
    sessions.end_all(user.id)
    audit.record("staff.disable", detail={"staff_id": user.id})
    return True


def enable(user: StaffUser) -> bool:
    """Let a disabled account sign in again; False when it is already active."""
    if user.is_active:
        return False
    user.is_active = True
    audit.record("staff.enable", detail={"staff_id": user.id})
    return True


def reset_second_factor(user: StaffUser) -> None:
    """Forget the account's second factor and recovery codes and end its sessions: it sets up
    a new second factor at the next sign-in."""
    user.totp_secret = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.staff_id == user.id))
    sessions.end_all(user.id)
    audit.record("staff.reset_2fa", detail={"staff_id": user.id})


def reset_password(user: StaffUser, password: str, *, generated: bool) -> None:
    """Give the account a temporary password that its owner must replace at the next sign-in,
    lift any sign-in lockout, and end its sessions at once (a browser signed in with the
    forgotten password, or by someone who learnt it, is signed out)."""
    user.password_hash = hash_password(password)
    user.must_change_password = True
    user.failed_logins, user.locked_until = 0, None
    sessions.end_all(user.id)
    audit.record("staff.reset_password", detail={"staff_id": user.id, "generated": generated})


def sign_out_everywhere(user: StaffUser, *, own: bool) -> None:
    """End every session of the account.

    On their own account (``own``) an admin ends every other session and carries on in this
    browser with a new session id, rather than being signed out in the middle of the action.
    That session keeps the time of the sign-in it replaces: re-issuing it is no sign-in, so it
    must not restart the absolute lifetime (STAFF_SESSION_MAX_AGE).
    """
    current = sessions.current_row(Stage.FULL) if own else None
    sessions.end_all(user.id)
    if current is not None:
        sessions.start(user, Stage.FULL, signed_in_at=current.created_at)
    audit.record("staff.sign_out_everywhere", detail={"staff_id": user.id})
