"""A browser's questionnaire in progress: read without a lock, written by one statement.

A step's POST reads the draft, validates the form and merges its answers, then writes with one
UPDATE that names the version it read (``Draft.version``). Should another request have written
in between (the same step sent twice, two tabs), the UPDATE changes nothing and the caller
reads again and merges again: nothing is lost and nobody waits. Only the UPDATE itself, and its
commit, hold SQLite's write lock (or PostgreSQL's row lock), instead of the whole request
(docs/performance.md, "Forms that hold the write lock briefly").

The final submission deletes the draft the same way (``delete_seen``), in the transaction that
stores the submission: a draft that changed or went meanwhile stores nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, cast

from flask import current_app
from sqlalchemy import Select, Table, bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from app.database import read_rows, read_value, utcnow
from app.extensions import db
from app.models import Draft
from app.statistics import counting


@dataclass(frozen=True, slots=True)
class DraftState:
    """A draft as one read found it."""

    id: int
    token_hash: str
    answers: dict[str, Any]
    receipt_requested: bool
    consented_at: datetime | None
    consent_locale: str | None
    version: int


@dataclass(frozen=True, slots=True)
class Consent:
    """What the contact step records besides its answers."""

    at: datetime
    locale: str
    receipt: bool


# Built once, on the table rather than the mapped class, and run on the session's connection:
# a patient's POST then pays for neither building a statement nor the ORM's handling of it
# (together more than the UPDATE itself costs; docs/performance.md).
_DRAFT = cast(Table, Draft.__table__)
_COLUMNS = _DRAFT.c
# A browser's draft, while it has not expired.
_LIVE = (_COLUMNS.token_hash == bindparam("token_hash"), _COLUMNS.expires_at > bindparam("now"))
_READ = select(
    _COLUMNS.id,
    _COLUMNS.token_hash,
    _COLUMNS.answers,
    _COLUMNS.receipt_requested,
    _COLUMNS.consented_at,
    _COLUMNS.consent_locale,
    _COLUMNS.version,
).where(*_LIVE)
# The one value a choice step's page shows (``read_value_of``).
ANSWERS = select(_COLUMNS.answers).where(*_LIVE)
_SEEN = (_COLUMNS.id == bindparam("draft_id"), _COLUMNS.version == bindparam("seen"))
# Every column a step writes; the contact step's consent, or what the draft held before.
_WRITTEN = ("answers", "expires_at", "consented_at", "consent_locale", "receipt_requested")
_UPDATE = (
    update(_DRAFT)
    .where(*_SEEN)
    .values(
        version=_COLUMNS.version + 1,
        updated_at=bindparam("now"),
        **{name: bindparam(name) for name in _WRITTEN},
    )
)
_INSERT = (
    insert(_DRAFT)
    .values(
        token_hash=bindparam("token_hash"),
        created_at=bindparam("now"),
        updated_at=bindparam("now"),
        version=1,
        **{name: bindparam(name) for name in _WRITTEN},
    )
    .returning(_COLUMNS.id)
)
# Expired drafts go, and are counted as questionnaires left unsent (app.statistics).
DELETE_EXPIRED = (
    delete(_DRAFT)
    .where(_COLUMNS.expires_at <= bindparam("now"))
    .returning(_COLUMNS.created_at, _COLUMNS.answers)
)
_DELETE_SEEN = delete(_DRAFT).where(*_SEEN)


def read(token_hash: str) -> DraftState | None:
    """The unexpired draft of ``token_hash``, read outside the request's transaction (so, on
    SQLite, without the write lock)."""
    rows = read_rows(_READ, {"token_hash": token_hash, "now": utcnow()})
    return DraftState(*rows[0]) if rows else None


def read_value_of(statement: Select[Any], token_hash: str) -> Any:
    """One value (``ANSWERS``) of the unexpired draft of ``token_hash``, for a page
    that only shows it; None without a draft."""
    return read_value(statement, {"token_hash": token_hash, "now": utcnow()})


def save(
    draft: DraftState | None, token_hash: str, answers: dict[str, Any], consent: Consent | None
) -> DraftState | None:
    """Store ``answers`` (the draft's whole answers) and, from the contact step, ``consent``:
    over ``draft`` as it was read, or as a new draft when there was none. Committed; the draft
    as stored. None when another request wrote first (``draft`` changed, went, or was just
    started by a copy of this one): nothing is stored, and the caller reads again."""
    now = utcnow()
    kept: dict[str, Any] = {
        "consented_at": None,
        "consent_locale": None,
        "receipt_requested": False,
    }
    if consent is not None:
        kept = {
            "consented_at": consent.at,
            "consent_locale": consent.locale,
            "receipt_requested": consent.receipt,
        }
    elif draft is not None:  # written again as it was read: one statement for every step
        kept = {name: getattr(draft, name) for name in kept}
    values = {"answers": answers, "expires_at": now + current_app.config["DRAFT_TTL"], **kept}
    if draft is None:
        return _start(token_hash, now, values)
    connection = db.session.connection()  # on SQLite, the write lock from here to the commit
    result = connection.execute(
        _UPDATE, {"draft_id": draft.id, "seen": draft.version, "now": now, **values}
    )
    db.session.commit()
    if result.rowcount != 1:
        return None
    return replace(draft, answers=answers, version=draft.version + 1, **kept)


def _start(token_hash: str, now: datetime, values: dict[str, Any]) -> DraftState | None:
    """A new draft; expired ones go as new ones start, so unfinished answers never outlive
    DRAFT_TTL by long, even without the purge command (the index on expires_at keeps this
    cheap). None when a copy of this request (a double click) started it first: the token's
    hash is unique."""
    connection = db.session.connection()
    try:
        counting.add(counting.left(connection.execute(DELETE_EXPIRED, {"now": now}).all()))
        draft_id: int = connection.execute(
            _INSERT, {"token_hash": token_hash, "now": now, **values}
        ).scalar_one()
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return DraftState(
        id=draft_id,
        token_hash=token_hash,
        answers=values["answers"],
        receipt_requested=values["receipt_requested"],
        consented_at=values["consented_at"],
        consent_locale=values["consent_locale"],
        version=1,
    )


def delete_seen(draft: DraftState) -> bool:
    """Delete ``draft`` within the caller's transaction, unless it changed or went since it was
    read; whether it did. The first write of a final submission's transaction."""
    result = db.session.connection().execute(
        _DELETE_SEEN, {"draft_id": draft.id, "seen": draft.version}
    )
    return result.rowcount == 1
