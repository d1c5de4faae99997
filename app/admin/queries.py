"""The administration area's reads: staff accounts, and the audit log a page at a time.

The audit log is paged by keyset on ``(at, id)`` (``app.keyset``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from flask import current_app
from sqlalchemy import Select, func, select

from app.admin.actions import known_filter_actions
from app.auth import sessions
from app.codes import Actor
from app.database import AnySession
from app.dates import day_end, day_start, parse_day
from app.keyset import Order, Page, paged
from app.models import AuditEvent, StaffSession, StaffUser


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

    @classmethod
    def from_args(cls, args: Any, staff_ids: set[int] | dict[int, str]) -> AuditFilter:
        """Read the filter from query arguments, ignoring values that are not offered."""
        action = args.get("action")
        who = args.get("who")
        allowed_who = {Actor.PATIENT, Actor.SYSTEM, *(str(i) for i in staff_ids)}
        return cls(
            action=action if action in known_filter_actions() else None,
            who=who if who in allowed_who else None,
            date_from=parse_day(args.get("from")),
            date_to=parse_day(args.get("to")),
        )

    def as_args(self) -> dict[str, str]:
        """The filter as query arguments (for links, the export and its audit record)."""
        pairs = {
            "action": self.action,
            "who": self.who,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
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
        return query


LOG_ORDER = Order((AuditEvent.at, AuditEvent.id))  # newest first


def audit_page(
    session: AnySession, filters: AuditFilter, after: str | None, before: str | None, size: int
) -> Page:
    """The page after ``after`` (or before ``before``; the newest page if neither)."""
    query = filters.apply(select(AuditEvent))
    return paged(session, query, LOG_ORDER, after=after, before=before, size=size)
