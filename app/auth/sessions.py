"""Staff sessions held on the server, so that signing out anywhere ends them everywhere.

The signed Flask session cookie carries only a random token; the ``staff_session`` row (found
by the token's sha256) says who it is, how far sign-in has gone, and whether it still counts.
Every request checks the row, so a copied cookie stops working as soon as the row is revoked.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app, g, session
from sqlalchemy import select, update

from app import database
from app.codes import Stage
from app.extensions import db
from app.models import StaffSession, StaffUser
from app.tokens import new_token, token_hash

SESSION_KEY = "staff"
LAST_SEEN_RESOLUTION = 60  # seconds: write last_seen_at at most once a minute
# Everything else in the browser's session is dropped at sign-in (a new session id).
_KEPT_ACROSS_SIGN_IN = ("next", "lang")


def now() -> datetime:
    """The clock used for session expiry (tests replace it instead of sleeping)."""
    return database.utcnow()


def start(user: StaffUser, stage: Stage, *, signed_in_at: datetime | None = None) -> StaffSession:
    """Begin a session at ``stage`` with a new id, dropping whatever the browser held before.

    A sign-in starts a fresh absolute lifetime. ``signed_in_at`` is only for re-issuing a live
    session without signing in again (an admin's own "sign out everywhere"): the new session
    carries the earlier sign-in's time, so that it expires when the one it replaces would have.
    """
    previous = current_row()
    if previous is not None:
        end(previous)
    kept = {key: session[key] for key in _KEPT_ACROSS_SIGN_IN if key in session}
    session.clear()
    session.update(kept)
    token = new_token()
    session[SESSION_KEY] = token
    moment = now()
    row = StaffSession(
        token_hash=token_hash(token),
        staff_id=user.id,
        stage=stage,
        created_at=signed_in_at or moment,
        last_seen_at=moment,
    )
    db.session.add(row)
    return row


def current_row(stage: Stage | None = None) -> StaffSession | None:
    """This browser's live session row (at ``stage`` if given), or None.

    A row counts while it is not revoked, its user is active, it has been used within the idle
    timeout and it is younger than the absolute lifetime.
    """
    token = session.get(SESSION_KEY)
    if not token:
        return None
    query = select(StaffSession).where(StaffSession.token_hash == token_hash(token))
    row = db.session.scalar(query)
    if row is None or row.revoked_at is not None or (stage and row.stage != stage):
        return None
    config, moment = current_app.config, now()
    if (
        moment - row.last_seen_at > config["STAFF_IDLE_TIMEOUT"]
        or moment - row.created_at > config["STAFF_SESSION_MAX_AGE"]
    ):
        return None
    return row if row.user.is_active else None


def signed_in_user() -> StaffUser | None:
    """The fully signed-in staff member of this request (cached on ``g``), touching the
    session's last-seen time."""
    row = signed_in_session()
    return row.user if row else None


def signed_in_session() -> StaffSession | None:
    """This request's full session row (see ``signed_in_user``), read once a request."""
    if "staff_user" in g:
        return g.staff_session
    row = current_row(Stage.FULL)
    user = row.user if row else None
    if row is not None and (now() - row.last_seen_at).total_seconds() > LAST_SEEN_RESOLUTION:
        row.last_seen_at = now()
        db.session.commit()
    g.staff_user, g.staff_session = user, row
    g.staff_id = user.id if user else None
    return row


def end(row: StaffSession) -> None:
    """Revoke one session (sign-out), forgetting the authenticator secret it was enrolling."""
    row.revoked_at, row.pending_secret = now(), None


def end_all(staff_id: int) -> None:
    """Revoke every session of a staff member (sign out everywhere, disable, reset, a second
    factor set up): none keeps the authenticator secret it was enrolling, which, once chosen,
    is the account's own and lives only sealed (``StaffUser.totp_secret``)."""
    db.session.execute(
        update(StaffSession)
        .where(StaffSession.staff_id == staff_id, StaffSession.revoked_at.is_(None))
        .values(revoked_at=now(), pending_secret=None)
    )
