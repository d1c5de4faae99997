"""The staff CSV export: formula neutralising, columns, order, filters and streaming."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Connection, insert

from app.csvsafe import neutralise
from app.extensions import db
from app.models import Submission
from app.references import new_reference
from app.screening.questions import CLINICAL_QUESTIONS
from app.staff import export
from app.staff.export import COLUMNS, csv_lines, export_filename
from app.staff.queries import QueueFilter

NOW = datetime(2026, 11, 24, 15, 30, tzinfo=UTC)
ANSWERS: dict[str, Any] = {
    "rf_saddle_numbness": "no",
    "pain_areas": ["neck", "shoulder"],
    "pain_duration": "over_12_months",
    "pain_intensity": 7,
    "diagnoses": ["none"],
}
_counter = iter(range(1_000_000))


def make_submission(**overrides: Any) -> Submission:
    """A complete ``suggest_consult`` submission; ``overrides`` replace any column."""
    n = next(_counter)
    values: dict[str, Any] = {
        "reference": new_reference(),
        "created_at": NOW,
        "locale": "en",
        "questionnaire_version": "2026.1",
        "rules_version": "2026.1",
        "outcome": "suggest_consult",
        "reasons": ["IND_PERSISTENT_PAIN"],
        "answers": ANSWERS,
        "full_name": "Alex Tremblay",
        "email": "alex@example.org",
        "phone": "613-555-0199",
        "contact_preference": "phone",
        "comments": None,
        "consent_version": "2026.1",
        "consent_locale": "en",
        "consented_at": NOW - timedelta(minutes=2),
        "status": "new",
        "idempotency_key": f"{n:064x}",
    }
    return Submission(**{**values, **overrides})


def add(app: Flask, *submissions: Submission) -> None:
    with app.app_context():
        db.session.add_all(submissions)
        db.session.commit()


def export_rows(app: Flask, filters: QueueFilter | None = None) -> list[dict[str, str]]:
    """The export parsed back as a spreadsheet program would, one dict per row."""
    with app.app_context():
        text = "".join(csv_lines(db.session, filters or QueueFilter(), me=0))
    assert text.startswith("\ufeff")
    reader = csv.reader(io.StringIO(text[1:], newline=""))
    header = next(reader)
    assert tuple(header) == COLUMNS
    return [dict(zip(header, row, strict=True)) for row in reader]


@pytest.mark.parametrize("first", ["=", "+", "-", "@", "\t", "\r", "\0"])
def test_neutralise_prefixes_cells_that_start_a_formula(first: str) -> None:
    assert neutralise(f"{first}1+1") == f"'{first}1+1"


@pytest.mark.parametrize(
    "value", ["", "Alex", "613-555-0199", "a=b", "x+1", "'quoted", " =padded", "émilie@example.org"]
)
def test_neutralise_leaves_safe_cells_alone(value: str) -> None:
    assert neutralise(value) == value


def test_columns_are_stable_ids_then_every_clinical_question_in_catalogue_order() -> None:
    assert COLUMNS[:3] == ("reference", "created_at", "locale")
    assert COLUMNS[-len(CLINICAL_QUESTIONS) :] == tuple(CLINICAL_QUESTIONS)
    assert "full_name" in COLUMNS
    assert "consent" not in COLUMNS  # contact-step fields appear once, as their own columns
    assert len(set(COLUMNS)) == len(COLUMNS)


def test_export_filename_is_dated_in_the_clinic_time_zone(app: Flask) -> None:
    with app.app_context():
        assert export_filename(NOW) == "ims-screen-export-2026-11-24.csv"
        late_evening_in_ottawa = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
        assert export_filename(late_evening_in_ottawa) == "ims-screen-export-2026-11-24.csv"


def test_timestamps_are_utc_iso_8601_to_the_second(app: Flask) -> None:
    """Written by the database (SQLite's stored text, PostgreSQL's to_char), from any zone."""
    ottawa = timezone(timedelta(hours=-5))
    add(
        app,
        make_submission(
            created_at=datetime(2026, 11, 24, 10, 30, 5, 123456, tzinfo=ottawa),
            consented_at=datetime(2026, 11, 24, 15, 28, tzinfo=UTC),
        ),
        make_submission(created_at=NOW - timedelta(days=1), consented_at=None),
    )
    first, second = export_rows(app)
    assert (first["created_at"], first["consented_at"]) == (
        "2026-11-24T15:30:05+00:00",
        "2026-11-24T15:28:00+00:00",
    )
    assert (second["created_at"], second["consented_at"]) == ("2026-11-23T15:30:00+00:00", "")
    assert (first["is_safety_stop"], second["is_safety_stop"]) == ("false", "false")


def test_bom_then_header_even_when_empty(app: Flask) -> None:
    with app.app_context():
        chunks = list(csv_lines(db.session, QueueFilter(), me=0))
    assert chunks[0] == "\ufeff"
    assert chunks[1] == ",".join(COLUMNS) + "\r\n"
    assert len(chunks) == 2


def test_a_row_holds_every_field_as_specified(app: Flask) -> None:
    add(app, make_submission(reference="IMS-AAAA-BBBB"))
    (row,) = export_rows(app)
    assert row["reference"] == "IMS-AAAA-BBBB"
    assert row["created_at"] == "2026-11-24T15:30:00+00:00"
    assert row["consented_at"] == "2026-11-24T15:28:00+00:00"
    assert row["outcome"] == "suggest_consult"
    assert row["status"] == "new"
    assert row["is_safety_stop"] == "false"
    assert row["email"] == "alex@example.org"
    assert row["comments"] == ""
    assert row["pain_areas"] == "neck shoulder"
    assert row["pain_intensity"] == "7"
    assert row["diagnoses"] == "none"
    assert row["pain_duration"] == "over_12_months"
    assert row["needle_attitude"] == ""  # not answered


def test_reasons_are_rule_ids_joined_by_spaces(app: Flask) -> None:
    add(app, make_submission(reasons=["PR_BLEEDING_RISK", "IND_ACTIVE_THERAPY_WORSE"]))
    (row,) = export_rows(app)
    assert row["reasons"] == "PR_BLEEDING_RISK IND_ACTIVE_THERAPY_WORSE"


def test_safety_stop_has_empty_contact_cells(app: Flask) -> None:
    stop = make_submission(
        outcome="emergency",
        reasons=["RF_BLADDER_BOWEL"],
        answers={"rf_bladder_bowel": "yes"},
        is_safety_stop=True,
        **dict.fromkeys(
            ("full_name", "email", "phone", "contact_preference", "consent_version"), None
        ),
        consent_locale=None,
        consented_at=None,
    )
    add(app, stop)
    (row,) = export_rows(app)
    assert row["is_safety_stop"] == "true"
    assert row["rf_bladder_bowel"] == "yes"
    assert row["full_name"] == row["email"] == row["consented_at"] == ""
    assert row["pain_areas"] == ""


def test_formula_in_a_name_is_neutralised(app: Flask) -> None:
    add(app, make_submission(full_name='=HYPERLINK("http://x","y")', phone="+1 613-555-0142"))
    (row,) = export_rows(app)
    assert row["full_name"] == '\'=HYPERLINK("http://x","y")'
    assert row["phone"] == "'+1 613-555-0142"


def test_comments_with_commas_quotes_and_newlines_round_trip(app: Flask) -> None:
    comment = 'Pain, "sharp" at times;\nworse in the evening,\r\nand at night.'
    add(app, make_submission(comments=comment, full_name="Émilie Côté"))
    (row,) = export_rows(app)
    assert row["comments"] == comment
    assert row["full_name"] == "Émilie Côté"


def test_rows_newest_first_with_id_breaking_ties(app: Flask) -> None:
    add(
        app,
        make_submission(reference="IMS-OLD0-0000", created_at=NOW - timedelta(days=2)),
        make_submission(reference="IMS-TIE1-0000", created_at=NOW),
        make_submission(reference="IMS-TIE2-0000", created_at=NOW),
        make_submission(reference="IMS-MID0-0000", created_at=NOW - timedelta(days=1)),
    )
    references = [row["reference"] for row in export_rows(app)]
    assert references == ["IMS-TIE2-0000", "IMS-TIE1-0000", "IMS-MID0-0000", "IMS-OLD0-0000"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (QueueFilter(outcome="emergency"), ["IMS-EMER-0000"]),
        (QueueFilter(status="booked"), ["IMS-BOOK-0000"]),
        (QueueFilter(date_from=date(2026, 11, 20)), ["IMS-BOOK-0000", "IMS-EMER-0000"]),
        (QueueFilter(date_to=date(2026, 11, 19)), ["IMS-OLD0-0000"]),
        # 03:00 UTC on the 25th is still the 24th in Ottawa: dates are the clinic's days.
        (QueueFilter(date_from=date(2026, 11, 25)), []),
        (
            QueueFilter(date_to=date(2026, 11, 24)),
            ["IMS-BOOK-0000", "IMS-EMER-0000", "IMS-OLD0-0000"],
        ),
        (QueueFilter(status="new", date_from=date(2026, 11, 2)), ["IMS-EMER-0000"]),
    ],
)
def test_filters_are_respected(app: Flask, filters: QueueFilter, expected: list[str]) -> None:
    add(
        app,
        make_submission(
            reference="IMS-OLD0-0000", created_at=datetime(2026, 11, 1, 15, tzinfo=UTC)
        ),
        make_submission(
            reference="IMS-BOOK-0000",
            status="booked",
            created_at=datetime(2026, 11, 25, 3, tzinfo=UTC),
        ),
        make_submission(
            reference="IMS-EMER-0000",
            outcome="emergency",
            created_at=NOW + timedelta(hours=1),
        ),
    )
    assert [row["reference"] for row in export_rows(app, filters)] == expected


def test_large_exports_stream_in_batches(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [
        {**_plain(make_submission()), "created_at": NOW - timedelta(seconds=i)} for i in range(1200)
    ]
    with app.app_context():
        db.session.execute(insert(Submission), rows)
        db.session.commit()
        executed: list[Any] = []
        real_execute = Connection.execute

        def spy(connection: Connection, statement: Any, *args: Any, **kwargs: Any) -> Any:
            executed.append(statement)
            return real_execute(connection, statement, *args, **kwargs)

        monkeypatch.setattr(Connection, "execute", spy)
        lines: Iterator[str] = csv_lines(db.session, QueueFilter(), me=0)
        assert isinstance(lines, Iterator)  # a generator, not a list
        assert next(lines) == "\ufeff"
        assert next(lines).startswith("reference,")
        assert executed == []  # nothing fetched before the first rows are wanted
        first = next(lines)
        (statement,) = executed
        assert export.FETCH_ROWS > 0
        assert statement.get_execution_options().get("yield_per") == export.FETCH_ROWS
        rest = list(lines)
    batches = [first, *rest]
    assert [len(batch.splitlines()) for batch in batches] == [500, 500, 200]
    references = [
        row["reference"]
        for row in csv.DictReader(io.StringIO("".join(batches)), fieldnames=COLUMNS)
    ]
    assert len(set(references)) == 1200


def _plain(submission: Submission) -> dict[str, Any]:
    return {
        c.key: getattr(submission, c.key) for c in Submission.__table__.columns if c.key != "id"
    }


@pytest.mark.sqlite_only
def test_streaming_export_does_not_block_writers(app: Flask, tmp_path) -> None:
    """An export reads a snapshot: others can still take the write lock while it streams."""
    import sqlite3

    add(app, *(make_submission() for _ in range(1200)))
    with app.test_request_context():
        chunks = csv_lines(db.session, QueueFilter(), me=0)
        for _ in range(3):
            next(chunks)
        writer = sqlite3.connect(tmp_path / "test.sqlite3", timeout=0.5)
        try:
            writer.execute("BEGIN IMMEDIATE")
            writer.execute("ROLLBACK")
        finally:
            writer.close()
        assert sum(chunk.count("\r\n") for chunk in chunks) > 0
