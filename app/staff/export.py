"""The staff export: the filtered queue as CSV, streamed in constant memory.

Columns are stable ids and codes (not translated) so that other systems can read them; the
clinical answer columns come from the questionnaire catalogue, one per question id in its order.
Every cell is neutralised against spreadsheet formula injection (QUALITY.md, Output).

The view streams it, after recording the export in the audit log::

    Response(
        stream_with_context(csv_lines(db.session, filters)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{export_filename(now)}"'},
    )
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import ColumnElement, String, Text, cast, select, type_coerce
from sqlalchemy.orm import Session

from app.csvsafe import BOM, dated_filename, drain, neutralise
from app.database import begin_read_only
from app.models import Submission
from app.screening.questions import CLINICAL_QUESTIONS
from app.staff.queries import QueueFilter

FETCH_ROWS = 1000  # rows fetched from the database at a time
BATCH_ROWS = 500  # rows written per chunk handed to the server

_loads = orjson.loads  # a third of json.loads's time on the answers (the export's hot spot)

ANSWER_IDS: tuple[str, ...] = tuple(CLINICAL_QUESTIONS)
COLUMNS: tuple[str, ...] = (
    "reference",
    "created_at",
    "locale",
    "outcome",
    "reasons",
    "status",
    "is_safety_stop",
    "full_name",
    "email",
    "phone",
    "contact_preference",
    "comments",
    "consent_version",
    "consented_at",
    "questionnaire_version",
    "rules_version",
    *ANSWER_IDS,
)

# Plain columns of the table, not ORM entities: rows are tuples that nothing keeps (no identity
# map). JSON comes as text and is decoded here, once per row, whatever the database's JSON type.
_TABLE = Submission.__table__.c
_SELECTED = (
    _TABLE.reference,
    _TABLE.created_at,
    _TABLE.locale,
    _TABLE.outcome,
    cast(_TABLE.reasons, Text),
    _TABLE.status,
    _TABLE.is_safety_stop,
    _TABLE.full_name,
    _TABLE.email,
    _TABLE.phone,
    _TABLE.contact_preference,
    _TABLE.comments,
    _TABLE.consent_version,
    _TABLE.consented_at,
    _TABLE.questionnaire_version,
    _TABLE.rules_version,
    cast(_TABLE.answers, Text),
)
_TIMESTAMPS = {1, 13}  # positions of created_at and consented_at in _SELECTED


def _columns(dialect: str) -> list[ColumnElement[Any]]:
    """The selected columns. SQLite's timestamps come as their stored text (always UTC,
    ``YYYY-MM-DD HH:MM:SS.ffffff``): parsing them into datetimes and printing them again
    would take a fifth of the export's time."""
    if dialect != "sqlite":
        return list(_SELECTED)
    return [
        type_coerce(column, String) if i in _TIMESTAMPS else column
        for i, column in enumerate(_SELECTED)
    ]


def export_filename(now: datetime) -> str:
    """The download's name, dated in the clinic's time zone."""
    return dated_filename("ims-screen-export", now)


def _timestamp(moment: datetime | str | None) -> str:
    """UTC ISO 8601 to the second, from a datetime or SQLite's stored text."""
    if not moment:
        return ""
    if isinstance(moment, str):
        return f"{moment[:10]}T{moment[11:19]}+00:00"
    return moment.isoformat(timespec="seconds")


def _cells(row: Sequence[Any]) -> list[Any]:
    """One CSV row. The hot loop of the export: written for speed over elegance."""
    (
        reference,
        created_at,
        locale,
        outcome,
        reasons,
        status,
        is_safety_stop,
        full_name,
        email,
        phone,
        contact_preference,
        comments,
        consent_version,
        consented_at,
        questionnaire_version,
        rules_version,
        answers,
    ) = row
    cells: list[Any] = [
        neutralise(text)
        for text in (
            reference,
            _timestamp(created_at),
            locale,
            outcome,
            " ".join(_loads(reasons) or ()) if reasons else "",
            status,
            "true" if is_safety_stop else "false",
            full_name or "",
            email or "",
            phone or "",
            contact_preference or "",
            comments or "",
            consent_version or "",
            _timestamp(consented_at),
            questionnaire_version,
            rules_version,
        )
    ]
    given = (_loads(answers) if answers else None) or {}
    for value in map(given.get, ANSWER_IDS):
        if value.__class__ is str:
            cells.append(neutralise(value))
        elif value.__class__ is list:
            cells.append(neutralise(" ".join(value)))  # multi-select: codes in catalogue order
        else:
            cells.append(value)  # an int or None: csv writes digits or nothing, never a formula
    return cells


def csv_lines(session: Session, filters: QueueFilter) -> Iterator[str]:
    """The export as text chunks: a BOM, the header, then rows newest first, a batch at a time.

    Rows are fetched ``FETCH_ROWS`` at a time and written through one small reusable buffer,
    so memory stays flat however many submissions match. Needs an app context (the filter's
    dates are the clinic's days).
    """
    begin_read_only(session)  # a snapshot: patients and staff keep writing meanwhile
    dialect = session.get_bind().dialect.name
    query = filters.apply(select(*_columns(dialect))).order_by(
        Submission.created_at.desc(), Submission.id.desc()
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield BOM
    writer.writerow(COLUMNS)
    yield drain(buffer)
    # Core execution on the session's connection: plain rows, without the ORM's row loading.
    result = session.connection().execute(query.execution_options(yield_per=FETCH_ROWS))
    try:
        for batch in result.partitions(BATCH_ROWS):
            writer.writerows(map(_cells, batch))
            yield drain(buffer)
    finally:
        result.close()  # also when the client goes away mid-download
