"""The queue's reads: filters and keyset pagination, pinned items first, then newest.

Pages are found by position, never by OFFSET: a cursor holds the sort key of a page's edge row
(``needs_attention``, ``created_at``, ``id``) and the next page starts strictly after it. New
submissions arriving meanwhile therefore never shift or repeat rows, and the cost of a page
does not grow with its depth. No page counts all rows.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Select, select, tuple_

from app.dates import day_end, day_start, parse_day
from app.models import OUTCOMES, STATUSES, Submission

SortKey = tuple[bool, datetime, int]


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
            outcome=args.get("outcome") if args.get("outcome") in OUTCOMES else None,
            status=args.get("status") if args.get("status") in STATUSES else None,
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

    def apply(self, query: Select[Any]) -> Select[Any]:
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


def encode_cursor(key: SortKey) -> str:
    """An opaque, URL-safe cursor for a sort key."""
    attention, created_at, row_id = key
    raw = f"{int(attention)}|{created_at.astimezone(UTC).isoformat()}|{row_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> SortKey | None:
    """The sort key in ``cursor``, or None when it is missing or malformed."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        attention, created_at, row_id = raw.split("|")
        moment = datetime.fromisoformat(created_at)
        if moment.tzinfo is None:
            return None
        return attention == "1", moment, int(row_id)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None


def sort_key(submission: Submission) -> SortKey:
    """Where a submission sits in the queue."""
    return submission.needs_attention, submission.created_at, submission.id


_KEY = tuple_(Submission.needs_attention, Submission.created_at, Submission.id)
_NEWEST_FIRST = (
    Submission.needs_attention.desc(),
    Submission.created_at.desc(),
    Submission.id.desc(),
)
_OLDEST_FIRST = (Submission.needs_attention, Submission.created_at, Submission.id)


@dataclass(frozen=True, slots=True)
class Page:
    """One page of the queue and the cursors of its neighbours (None at either end)."""

    rows: list[Submission]
    next_cursor: str | None
    previous_cursor: str | None


def queue_page(
    session: Any, filters: QueueFilter, after: str | None, before: str | None, size: int
) -> Page:
    """The page after ``after`` (or before ``before``; the first page if neither)."""
    query = filters.apply(select(Submission))
    before_key = decode_cursor(before)
    after_key = None if before_key else decode_cursor(after)
    if before_key is not None:
        rows = list(
            session.scalars(query.where(before_key < _KEY).order_by(*_OLDEST_FIRST).limit(size + 1))
        )
        more_before = len(rows) > size
        rows = rows[:size][::-1]
        return Page(
            rows,
            next_cursor=encode_cursor(sort_key(rows[-1])) if rows else None,
            previous_cursor=encode_cursor(sort_key(rows[0])) if rows and more_before else None,
        )
    if after_key is not None:
        query = query.where(after_key > _KEY)
    rows = list(session.scalars(query.order_by(*_NEWEST_FIRST).limit(size + 1)))
    more_after = len(rows) > size
    rows = rows[:size]
    return Page(
        rows,
        next_cursor=encode_cursor(sort_key(rows[-1])) if rows and more_after else None,
        previous_cursor=encode_cursor(sort_key(rows[0])) if rows and after_key else None,
    )
