"""Cursors of keyset pagination, CSV neutralisation and clinic days: the shared helpers."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.csvsafe import dated_filename, neutralise
from app.dates import day_end, day_start, parse_day
from app.keyset import decode_cursor, encode_cursor
from tests.builders import make_submission
from tests.conftest import sign_in

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


def raw(text: str) -> str:
    """A cursor holding ``text`` as it is, valid or not."""
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def test_naive_time_and_out_of_range_ids_are_refused() -> None:
    assert decode_cursor(raw("1|2026-11-24T16:00:00|3"), KINDS) is None
    assert decode_cursor(raw(f"1|2026-11-24T16:00:00+00:00|{2**63}"), KINDS) is None
    # The id columns are 32-bit: PostgreSQL refuses to compare them with anything larger.
    assert decode_cursor(raw(f"1|2026-11-24T16:00:00+00:00|{2**31}"), KINDS) is None
    assert decode_cursor(raw(f"1|2026-11-24T16:00:00+00:00|{2**31 - 1}"), KINDS) is not None
    assert decode_cursor(raw("2|2026-11-24T16:00:00+00:00|3"), KINDS) is None
    # Valid offsets at the ends of the calendar, out of range once in UTC.
    assert decode_cursor(raw("1|0001-01-01T00:00:00+14:00|3"), KINDS) is None
    assert decode_cursor(raw("1|9999-12-31T23:59:59-14:00|3"), KINDS) is None


BIG_ID = 2**40


@pytest.mark.parametrize("direction", ["after", "before"])
def test_queue_cursor_past_the_id_range_gives_the_first_page(
    app: Flask, client: FlaskClient, front_desk, direction: str
) -> None:
    submission = make_submission(app)
    sign_in(client, app, front_desk)
    cursor = raw(f"1|2026-01-01T00:00:00+00:00|{BIG_ID}")
    response = client.get(f"/staff/?{direction}={cursor}")
    assert response.status_code == 200
    assert submission.reference in response.text
    assert 'rel="prev"' not in response.text
    assert 'rel="next"' not in response.text, "a first page with fewer rows than a page"


@pytest.mark.parametrize("direction", ["after", "before"])
def test_audit_cursor_past_the_id_range_gives_the_first_page(
    app: Flask, client: FlaskClient, admin, direction: str
) -> None:
    sign_in(client, app, admin)
    cursor = raw(f"2026-01-01T00:00:00+00:00|{BIG_ID}")
    response = client.get(f"/admin/audit?{direction}={cursor}")
    assert response.status_code == 200
    assert "<code>auth.login</code>" in response.text
    assert 'rel="prev"' not in response.text
    assert 'rel="next"' not in response.text, "a first page with fewer rows than a page"


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
