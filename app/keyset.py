"""Keyset pagination for the staff queue's views and the audit log.

Pages are found by position, never by OFFSET: a cursor holds the sort key of a page's edge row
and the next page starts strictly after it. Rows inserted between two page loads therefore
never shift or repeat rows, a page costs the same at any depth (given an index on the sort
columns), and no page counts all rows.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, tuple_
from sqlalchemy.orm import InstrumentedAttribute

from app.database import AnySession

Key = tuple[Any, ...]
_MAX_CURSOR = 200
# The largest id the database can hold (the id columns are 32-bit ``Integer``). PostgreSQL
# refuses even to compare such a column with a larger number, so larger ones are refused here.
MAX_ID = 2**31 - 1


@dataclass(frozen=True, slots=True)
class Page:
    """One page of rows and the cursors of its neighbours (None at either end)."""

    rows: list[Any]
    next_cursor: str | None
    previous_cursor: str | None


def encode_cursor(key: Key) -> str:
    """An opaque, URL-safe cursor for a sort key of bools, aware datetimes and ints."""
    parts = []
    for value in key:
        if isinstance(value, bool):
            parts.append(str(int(value)))
        elif isinstance(value, datetime):
            parts.append(value.astimezone(UTC).isoformat())
        else:
            parts.append(str(int(value)))
    raw = "|".join(parts)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, kinds: Sequence[type]) -> Key | None:
    """The sort key in ``cursor`` (of the given ``kinds``), or None if missing or malformed."""
    if not cursor or len(cursor) > _MAX_CURSOR:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        parts = raw.split("|")
        if len(parts) != len(kinds):
            return None
        return tuple(_parse(kind, part) for kind, part in zip(kinds, parts, strict=True))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None


def _parse(kind: type, text: str) -> Any:
    if kind is bool:
        if text not in {"0", "1"}:
            raise ValueError(text)
        return text == "1"
    if kind is datetime:
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            raise ValueError(text)
        try:  # an offset that carries it past year 1 or 9999 cannot be stored or compared
            return moment.astimezone(UTC)
        except OverflowError:
            raise ValueError(text) from None
    number = int(text)
    if not 0 <= number <= MAX_ID:
        raise ValueError(text)
    return number


@dataclass(frozen=True, slots=True)
class Order:
    """A view's order: by ``columns`` (the last one unique), descending or ascending; with
    ``runs``, the rows of each condition in turn, each run in that order.

    Runs let one view read several index ranges one after another (the To do view: each kind
    of work item in turn), each a range scan of an index ``(..., rest of the key)`` that stays
    cheap at any depth, instead of one sort over every row of all of them. A cursor then also
    holds the run its row is in.
    """

    columns: tuple[InstrumentedAttribute[Any], ...]
    descending: bool = True
    runs: tuple[ColumnElement[bool], ...] = ()

    @property
    def kinds(self) -> list[type]:
        """The types of a cursor's values."""
        return [int] * bool(self.runs) + [column.type.python_type for column in self.columns]


def _past(
    session: AnySession,
    query: Select[Any],
    order: Order,
    bound: Key | None,
    forwards: bool,
    limit: int,
) -> list[tuple[Key, Any]]:
    """Up to ``limit`` rows of ``query`` strictly past ``bound`` (from the start if None), each
    with its key, in ``order`` (``forwards``) or in the reverse order."""
    runs: list[tuple[int, ColumnElement[bool] | None]] = list(enumerate(order.runs)) or [(0, None)]
    start, edge = (bound[0], bound[1:]) if bound is not None and order.runs else (0, bound)
    if forwards:
        runs = [run for run in runs if run[0] >= start]
    else:
        runs = [run for run in reversed(runs) if run[0] <= start]
    descending = order.descending == forwards
    key = tuple_(*order.columns)
    ordering = [column.desc() if descending else column for column in order.columns]
    rows: list[tuple[Key, Any]] = []
    for number, condition in runs:
        part = query if condition is None else query.where(condition)
        if edge is not None and (number == start or not order.runs):
            part = part.where(key < edge if descending else key > edge)
        found = session.scalars(part.order_by(*ordering).limit(limit - len(rows)))
        lead = (number,) if order.runs else ()
        rows += [((*lead, *(getattr(row, c.key) for c in order.columns)), row) for row in found]
        if len(rows) >= limit:
            break
    return rows


def paged(
    session: AnySession,
    query: Select[Any],
    order: Order,
    *,
    after: str | None,
    before: str | None,
    size: int,
) -> Page:
    """The page of ``query`` in ``order`` after cursor ``after`` (or before ``before``; the
    first page if neither). A malformed cursor, or one of another view, reads as none."""

    def cursor_key(cursor: str | None) -> Key | None:
        key = decode_cursor(cursor, order.kinds)
        return None if key is None or (order.runs and key[0] >= len(order.runs)) else key

    before_key = cursor_key(before)
    after_key = None if before_key else cursor_key(after)
    if before_key is not None:
        found = _past(session, query, order, before_key, forwards=False, limit=size + 1)
        more_before = len(found) > size
        found = found[:size][::-1]
        return Page(
            [row for _, row in found],
            next_cursor=encode_cursor(found[-1][0]) if found else None,
            previous_cursor=encode_cursor(found[0][0]) if found and more_before else None,
        )
    found = _past(session, query, order, after_key, forwards=True, limit=size + 1)
    more_after = len(found) > size
    found = found[:size]
    return Page(
        [row for _, row in found],
        next_cursor=encode_cursor(found[-1][0]) if found and more_after else None,
        previous_cursor=encode_cursor(found[0][0]) if found and after_key else None,
    )
