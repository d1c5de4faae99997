"""Keyset pagination, newest first, for the staff queue and the audit log.

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
from functools import partial
from typing import Any

from sqlalchemy import Select, tuple_
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


def _past(
    session: AnySession,
    query: Select[Any],
    columns: Sequence[InstrumentedAttribute[Any]],
    leading: Sequence[Any] | None,
    bound: Key | None,
    descending: bool,
    limit: int,
) -> list[Any]:
    """Up to ``limit`` rows of ``query`` strictly past ``bound`` (all rows if None), in the
    order of ``columns``, descending or ascending.

    With ``leading`` (every value the first column can hold, highest first), that column is read
    one value at a time, each run with ``column = value``: the database then range-scans an
    index ``(..., first, rest)`` on the rest of the key, so that a page stays cheap when a date
    range or a cursor bounds the rest, instead of scanning past every row of the other runs.
    """
    if leading is None:
        runs: list[tuple[Any, ...]] = [(None, columns, bound)]
    else:
        head, rest = columns[0], columns[1:]
        values = list(leading) if descending else list(reversed(leading))
        if bound is not None:
            values = values[values.index(bound[0]) :]
        runs = [
            (head == value, rest, bound[1:] if bound is not None and value == bound[0] else None)
            for value in values
        ]
    rows: list[Any] = []
    for condition, order, edge in runs:
        part = query if condition is None else query.where(condition)
        if edge is not None:
            key = tuple_(*order)
            part = part.where(key < edge if descending else key > edge)
        ordering = [column.desc() if descending else column for column in order]
        rows += session.scalars(part.order_by(*ordering).limit(limit - len(rows)))
        if len(rows) >= limit:
            break
    return rows


def newest_first(
    session: AnySession,
    query: Select[Any],
    columns: Sequence[InstrumentedAttribute[Any]],
    *,
    after: str | None,
    before: str | None,
    size: int,
    leading: Sequence[Any] | None = None,
) -> Page:
    """The page of ``query`` after cursor ``after`` (or before ``before``; the first page if
    neither), ordered by ``columns`` descending. ``columns`` must end with a unique column;
    with ``leading``, the first column is read one of those values at a time (see ``_past``)."""
    kinds = [column.type.python_type for column in columns]

    def key_of(row: Any) -> Key:
        return tuple(getattr(row, column.key) for column in columns)

    def cursor_key(cursor: str | None) -> Key | None:
        key = decode_cursor(cursor, kinds)
        return None if key is None or (leading is not None and key[0] not in leading) else key

    before_key = cursor_key(before)
    after_key = None if before_key else cursor_key(after)
    past = partial(_past, session, query, columns, leading)
    if before_key is not None:
        rows = past(before_key, descending=False, limit=size + 1)
        more_before = len(rows) > size
        rows = rows[:size][::-1]
        return Page(
            rows,
            next_cursor=encode_cursor(key_of(rows[-1])) if rows else None,
            previous_cursor=encode_cursor(key_of(rows[0])) if rows and more_before else None,
        )
    rows = past(after_key, descending=True, limit=size + 1)
    more_after = len(rows) > size
    rows = rows[:size]
    return Page(
        rows,
        next_cursor=encode_cursor(key_of(rows[-1])) if rows and more_after else None,
        previous_cursor=encode_cursor(key_of(rows[0])) if rows and after_key else None,
    )
