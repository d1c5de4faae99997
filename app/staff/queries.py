"""The queue's reads: filters, and pages most urgent first, then newest (``app.keyset``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Select, select

from app.codes import Status
from app.database import AnySession
from app.dates import day_end, day_start, parse_day
from app.keyset import Page, newest_first
from app.models import ATTENTION_RANK, Submission
from app.screening.codes import Outcome

SelectT = TypeVar("SelectT", bound=Select)  # a select of any columns


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """What the queue shows: each field None for "any". Never holds patient data."""

    outcome: str | None = None
    status: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    @classmethod
    def from_args(cls, args: Any) -> QueueFilter:
        """Read the filter from query arguments, ignoring values that are not allowed."""
        return cls(
            outcome=args.get("outcome") if args.get("outcome") in tuple(Outcome) else None,
            status=args.get("status") if args.get("status") in tuple(Status) else None,
            date_from=parse_day(args.get("from")),
            date_to=parse_day(args.get("to")),
        )

    def as_args(self) -> dict[str, str]:
        """The filter as query arguments (for links and the export)."""
        pairs = {
            "outcome": self.outcome,
            "status": self.status,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
        }
        return {k: v for k, v in pairs.items() if v}

    def apply(self, query: SelectT) -> SelectT:
        """Restrict ``query`` (over Submission) to this filter. Dates are the clinic's days."""
        if self.outcome:
            query = query.where(Submission.outcome == self.outcome)
        if self.status:
            query = query.where(Submission.status == self.status)
        if self.date_from:
            query = query.where(Submission.created_at >= day_start(self.date_from))
        if self.date_to:
            query = query.where(Submission.created_at < day_end(self.date_to))
        return query


QUEUE_ORDER = (Submission.attention, Submission.created_at, Submission.id)
# Every value of ``attention``, most urgent first: the queue reads one at a time.
ATTENTION_RUNS = tuple(sorted({0, *ATTENTION_RANK.values()}, reverse=True))


def queue_page(
    session: AnySession, filters: QueueFilter, after: str | None, before: str | None, size: int
) -> Page:
    """The page after ``after`` (or before ``before``; the first page if neither): the
    submissions waiting for someone first, most urgent first (emergency stops, then stops for a
    doctor, then clinician reviews), each kind newest first; then the rest, newest first."""
    query = filters.apply(select(Submission))
    return newest_first(
        session, query, QUEUE_ORDER, after=after, before=before, size=size, leading=ATTENTION_RUNS
    )
