"""The administration area's reads: staff accounts, and the audit log a page at a time.

The audit log is paged by keyset on ``(at, id)`` (``app.keyset``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from flask import current_app
from sqlalchemy import ScalarSelect, Select, false, func, select

from app.admin.actions import known_filter_actions
from app.auth import sessions
from app.codes import Actor
from app.database import AnySession
from app.dates import day_end, day_start, parse_day
from app.keyset import Order, Page, paged
from app.models import AuditEvent, StaffSession, StaffUser, Submission
from app.references import canonical_reference


def staff_accounts(session: AnySession) -> list[StaffUser]:
    """Every staff account, active ones first, then by name."""
    query = select(StaffUser).order_by(StaffUser.is_active.desc(), StaffUser.name, StaffUser.id)
    return list(session.scalars(query))


def staff_names(session: AnySession) -> dict[int, str]:
    """Every staff member's name by id, disabled accounts included (the log outlives them)."""
    rows = session.execute(select(StaffUser.id, StaffUser.name).order_by(StaffUser.name))
    return {staff_id: name for staff_id, name in rows}


def live_session_count(session: AnySession, staff_id: int) -> int:
    """How many browsers this account is signed in on (not revoked, not idle too long)."""
    config, now = current_app.config, sessions.now()
    query = select(func.count(StaffSession.id)).where(
        StaffSession.staff_id == staff_id,
        StaffSession.revoked_at.is_(None),
        StaffSession.last_seen_at > now - config["STAFF_IDLE_TIMEOUT"],
        StaffSession.created_at > now - config["STAFF_SESSION_MAX_AGE"],
    )
    return session.execute(query).scalar_one()


SelectT = TypeVar("SelectT", bound=Select)  # a select of any columns


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """What the audit log shows; each field None for "any".

    ``action`` is an exact action or a group prefix ending in ``*`` (e.g. ``auth.*``); ``who``
    is ``patient``, ``system`` or a staff id.
    """

    action: str | None = None
    who: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    reference: str | None = None  # one submission's records (``IMS-7KQ4-M2XD``)
    not_a_reference: bool = False  # something else was typed there: no records, not all

    @classmethod
    def from_args(cls, args: Any, staff_ids: set[int] | dict[int, str]) -> AuditFilter:
        """Read the filter from query arguments, ignoring values that are not offered."""
        action = args.get("action")
        who = args.get("who")
        typed = args.get("reference") or ""
        allowed_who = {Actor.PATIENT, Actor.SYSTEM, *(str(i) for i in staff_ids)}
        return cls(
            action=action if action in known_filter_actions() else None,
            who=who if who in allowed_who else None,
            date_from=parse_day(args.get("from")),
            date_to=parse_day(args.get("to")),
            reference=canonical_reference(typed),
            not_a_reference=bool(typed.strip()) and canonical_reference(typed) is None,
        )

    def as_args(self) -> dict[str, str]:
        """The filter as query arguments (for links, the export and its audit record)."""
        pairs = {
            "action": self.action,
            "who": self.who,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "reference": self.reference,
        }
        return {k: v for k, v in pairs.items() if v}

    def apply(self, query: SelectT) -> SelectT:
        """Restrict ``query`` (over AuditEvent) to this filter. Dates are the clinic's days."""
        if self.action and self.action.endswith("*"):
            query = query.where(AuditEvent.action.startswith(self.action[:-1], autoescape=True))
        elif self.action:
            query = query.where(AuditEvent.action == self.action)
        if self.who in (Actor.PATIENT, Actor.SYSTEM):
            query = query.where(AuditEvent.actor_type == self.who)
        elif self.who:
            query = query.where(AuditEvent.staff_id == int(self.who))
        if self.date_from:
            query = query.where(AuditEvent.at >= day_start(self.date_from))
        if self.date_to:
            query = query.where(AuditEvent.at < day_end(self.date_to))
        if self.reference:  # none when no submission has it (or it was purged)
            query = query.where(AuditEvent.submission_id == submission_id_of(self.reference))
        if self.not_a_reference:
            query = query.where(false())
        return query


def submission_id_of(reference: str) -> ScalarSelect[int]:
    """The id of the submission with ``reference``, as a subquery (NULL when there is none)."""
    return select(Submission.id).where(Submission.reference == reference).scalar_subquery()


def references_of(session: AnySession, submission_ids: set[int | None]) -> dict[int, str]:
    """The references of the submissions ``submission_ids`` names (a purged one has none): the
    audit log shows references, which staff and patients quote, rather than internal ids."""
    ids = submission_ids - {None}
    if not ids:
        return {}
    query = select(Submission.id, Submission.reference).where(Submission.id.in_(ids))
    return {submission_id: reference for submission_id, reference in session.execute(query)}


def access_trail(session: AnySession, submission_id: int) -> list[AuditEvent]:
    """Every audit record of one submission, oldest first: who viewed, changed, contacted,
    printed or exported it, and when (a patient's "who looked at my record?")."""
    query = select(AuditEvent).where(AuditEvent.submission_id == submission_id)
    return list(session.scalars(query.order_by(AuditEvent.at, AuditEvent.id)))


LOG_ORDER = Order((AuditEvent.at, AuditEvent.id))  # newest first


def audit_page(
    session: AnySession, filters: AuditFilter, after: str | None, before: str | None, size: int
) -> Page:
    """The page after ``after`` (or before ``before``; the newest page if neither)."""
    query = filters.apply(select(AuditEvent))
    return paged(session, query, LOG_ORDER, after=after, before=before, size=size)
