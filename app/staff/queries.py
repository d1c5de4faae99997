"""The queue's reads: its four views (SPEC section 5), their filters and counts, a page at a
time (``app.keyset``), each page a range scan of one index in the view's order."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, ScalarSelect, Select, func, select, true

from app.codes import CLOSED_STATUSES, Status
from app.database import AnySession
from app.dates import clinic_today, day_end, day_start, parse_day
from app.keyset import MAX_ID, Order, Page, paged
from app.models import Submission
from app.screening.codes import Outcome
from app.worklist import Work

SelectT = TypeVar("SelectT", bound=Select)  # a select of any columns
# A count shown on a view's tab stops here ("1,000 or more"): counting is bounded work.
COUNT_CAP = 1000
OPEN_STATUSES = tuple(status for status in Status if status not in CLOSED_STATUSES)


class View(StrEnum):
    """The queue's views, by the last part of their URL."""

    TODO = ""
    FOLLOW_UPS = "follow-ups"
    STOPS = "safety-stops"
    ALL = "all"


class Assignee(StrEnum):
    """Whose submissions a view shows, besides one staff member by id."""

    ME = "me"
    NOBODY = "none"


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """What a view shows: each field None for "any". Never holds patient data. The outcome,
    status and dates narrow the All view; the assignee every view but Safety stops."""

    outcome: str | None = None
    status: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    assignee: str | None = None  # an ``Assignee`` or a staff member's id

    @classmethod
    def from_args(cls, args: Any) -> QueueFilter:
        """Read the filter from query arguments, ignoring values that are not allowed."""
        assignee = args.get("assignee")
        valid_assignee = assignee in tuple(Assignee) or (
            assignee is not None and assignee.isdecimal() and 0 < int(assignee) <= MAX_ID
        )
        return cls(
            outcome=args.get("outcome") if args.get("outcome") in tuple(Outcome) else None,
            status=args.get("status") if args.get("status") in tuple(Status) else None,
            date_from=parse_day(args.get("from")),
            date_to=parse_day(args.get("to")),
            assignee=assignee if valid_assignee else None,
        )

    def as_args(self) -> dict[str, str]:
        """The filter as query arguments (for links and the export)."""
        pairs = {
            "outcome": self.outcome,
            "status": self.status,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "assignee": self.assignee,
        }
        return {k: v for k, v in pairs.items() if v}

    def for_view(self, view: View) -> QueueFilter:
        """The part of this filter that ``view`` applies. "Assigned to nobody" narrows the work
        items only (To do, Follow-ups): in All, where nearly every handled submission has
        someone, it would be a scan of most of the table."""
        if view is View.ALL:
            if self.assignee == Assignee.NOBODY:
                return replace(self, assignee=None)
            return self
        if view is View.STOPS:
            return QueueFilter()
        return QueueFilter(assignee=self.assignee)

    def apply(self, query: SelectT, me: int) -> SelectT:
        """Restrict ``query`` (over Submission) to this filter; ``me``: the staff member
        reading. Dates are the clinic's days."""
        if self.outcome:
            query = query.where(Submission.outcome == self.outcome)
        if self.status:
            query = query.where(Submission.status == self.status)
        if self.date_from:
            query = query.where(Submission.created_at >= day_start(self.date_from))
        if self.date_to:
            query = query.where(Submission.created_at < day_end(self.date_to))
        if self.assignee == Assignee.NOBODY:
            query = query.where(Submission.assignee_id.is_(None))
        elif self.assignee:
            who = me if self.assignee == Assignee.ME else int(self.assignee)
            query = query.where(Submission.assignee_id == who)
        return query


NEWEST = Order((Submission.created_at, Submission.id), descending=True)
FOLLOW_UP_ORDER = Order((Submission.follow_up_due, Submission.id), descending=False)


def todo_order(now: datetime) -> Order:
    """To do: most urgent first (SPEC section 5), each kind longest waiting first. Reviews
    waiting for a clinician, follow-ups due, new enquiries past the response target; then new
    enquiries within it, other open items, and follow-ups not yet due. An item whose time
    comes between two page loads moves to its new place (it may be seen twice or skipped
    once while paging)."""
    work, due = Submission.work, Submission.due_at
    runs: tuple[ColumnElement[bool], ...] = (
        work == Work.REVIEW,
        (work == Work.FOLLOW_UP) & (due <= now),
        (work == Work.NEW) & (due <= now),
        (work == Work.NEW) & (due > now),
        work == Work.OPEN,
        (work == Work.FOLLOW_UP) & (due > now),
    )
    return Order((Submission.due_at, Submission.id), descending=False, runs=runs)


def view_query(view: View, filters: QueueFilter, me: int) -> Select[Any]:
    """The submissions ``view`` shows with ``filters`` (``me``: the staff member reading)."""
    query = filters.for_view(view).apply(select(Submission), me)
    if view is View.TODO:
        return query.where(Submission.work.is_not(None))
    if view is View.FOLLOW_UPS:
        return query.where(Submission.follow_up_due.is_not(None))
    if view is View.STOPS:
        return query.where(Submission.is_safety_stop == true())  # as the partial index says
    return query


def view_order(view: View, now: datetime) -> Order:
    """The order ``view`` is read in."""
    if view is View.TODO:
        return todo_order(now)
    return FOLLOW_UP_ORDER if view is View.FOLLOW_UPS else NEWEST


def view_page(
    session: AnySession,
    view: View,
    filters: QueueFilter,
    *,
    me: int,
    now: datetime,
    after: str | None,
    before: str | None,
    size: int,
) -> Page:
    """One page of ``view``, after ``after`` (or before ``before``; the first if neither)."""
    query = view_query(view, filters, me)
    return paged(session, query, view_order(view, now), after=after, before=before, size=size)


def capped_count(query: Select[Any]) -> ScalarSelect[int]:
    """How many rows ``query`` finds, counting no further than ``COUNT_CAP``: a subquery."""
    found = query.with_only_columns(Submission.id).limit(COUNT_CAP).subquery()
    return select(func.count()).select_from(found).scalar_subquery()


@dataclass(frozen=True, slots=True)
class Counts:
    """The figures on the views' tabs, each read from an index and capped (``COUNT_CAP``)."""

    todo: int
    follow_ups: int
    follow_ups_due: int
    stops_this_week: int
    stops_this_month: int
    open: int


def view_counts(session: AnySession, filters: QueueFilter, *, me: int, now: datetime) -> Counts:
    """To do's items and follow-ups (and those due now), as the assignee filter narrows them;
    safety stops this week (from Monday) and this month; and the clinic's open submissions
    (new or contacted, safety stops included) for All, whatever its filters. One statement,
    one round trip: each count is a subquery of its own index."""
    follow_ups = view_query(View.FOLLOW_UPS, filters, me)
    stops = view_query(View.STOPS, filters, me)
    today = clinic_today(now)
    monday = day_start(today - timedelta(days=today.weekday()))
    first_of_month = day_start(today.replace(day=1))
    counts = {
        "todo": view_query(View.TODO, filters, me),
        "follow_ups": follow_ups,
        "follow_ups_due": follow_ups.where(Submission.follow_up_due <= now),
        "stops_this_week": stops.where(Submission.created_at >= monday),
        "stops_this_month": stops.where(Submission.created_at >= first_of_month),
        "open": select(Submission).where(Submission.status.in_(OPEN_STATUSES)),
    }
    statement = select(*(capped_count(query).label(name) for name, query in counts.items()))
    return Counts(**session.execute(statement).one()._asdict())


# The navigation's count of new submissions stops here ("99+ new"), whatever waits.
NEW_COUNT_MAX = 99


def new_since(session: AnySession, seen: datetime) -> int:
    """How many submissions arrived after ``seen``, counted up to NEW_COUNT_MAX + 1 on the
    newest-first index."""
    newer = select(Submission.id).where(Submission.created_at > seen)
    capped = newer.limit(NEW_COUNT_MAX + 1).subquery()
    return session.scalar(select(func.count()).select_from(capped)) or 0
