"""Cursors of keyset pagination, CSV neutralisation and clinic days: the shared helpers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from flask import Flask

from app.csvsafe import dated_filename, neutralise
from app.dates import day_end, day_start, parse_day
from app.keyset import decode_cursor, encode_cursor

KINDS = (bool, datetime, int)
KEY = (True, datetime(2026, 11, 24, 16, 0, 0, 123456, tzinfo=UTC), 42)


def test_cursor_round_trip() -> None:
    cursor = encode_cursor(KEY)
    assert decode_cursor(cursor, KINDS) == KEY
    assert "|" not in cursor
    assert "=" not in cursor
    local = (False, KEY[1].astimezone(timezone(timedelta(hours=-5))), 7)
    assert decode_cursor(encode_cursor(local), KINDS) == (False, KEY[1], 7)


@pytest.mark.parametrize(
    "cursor",
    [None, "", "garbage!", "x" * 500, encode_cursor((True, 5)), "MXwyMDI2LTExLTI0fDA"],
)
def test_bad_cursors_are_none(cursor: str | None) -> None:
    assert decode_cursor(cursor, KINDS) is None


def test_naive_time_and_out_of_range_ids_are_refused() -> None:
    import base64

    def raw(text: str) -> str:
        return base64.urlsafe_b64encode(text.encode()).decode()

    assert decode_cursor(raw("1|2026-11-24T16:00:00|3"), KINDS) is None
    assert decode_cursor(raw(f"1|2026-11-24T16:00:00+00:00|{2**63}"), KINDS) is None
    assert decode_cursor(raw("2|2026-11-24T16:00:00+00:00|3"), KINDS) is None
    # Valid offsets at the ends of the calendar, out of range once in UTC.
    assert decode_cursor(raw("1|0001-01-01T00:00:00+14:00|3"), KINDS) is None
    assert decode_cursor(raw("1|9999-12-31T23:59:59-14:00|3"), KINDS) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+1 613", "'+1 613"),
        ("-2", "'-2"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("\0x", "'\0x"),
        ("Émilie", "Émilie"),
        ("", ""),
        ("a=b", "a=b"),
    ],
)
def test_neutralise(value: str, expected: str) -> None:
    assert neutralise(value) == expected


def test_clinic_days(app: Flask) -> None:
    with app.app_context():
        # Ottawa is UTC-5 in November, UTC-4 in July.
        assert day_start(date(2026, 11, 24)) == datetime(2026, 11, 24, 5, tzinfo=UTC)
        assert day_end(date(2026, 7, 1)) == datetime(2026, 7, 2, 4, tzinfo=UTC)
        assert dated_filename("x", datetime(2026, 11, 25, 3, tzinfo=UTC)) == "x-2026-11-24.csv"
    assert parse_day("2026-11-24") == date(2026, 11, 24)
    for bad in ("9999-12-31", "0001-01-01", "2026-02-30", "", None, "yesterday"):
        assert parse_day(bad) is None
