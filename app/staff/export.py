"""The staff export: the filtered queue as CSV, streamed in constant memory.

Columns are stable ids and codes (not translated) so that other systems can read them; the
clinical answer columns come from the questionnaire catalogue, one per question id in its order.
Every cell that can hold text a person typed is neutralised against spreadsheet formula
injection (QUALITY.md, Output): the contact details and comments always, an answer whenever the
stored JSON holds a string that could start a formula. The other cells hold ids, codes and
versions the app itself wrote, none of which can begin with a formula character (tested).

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
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy import ColumnElement, String, Text, case, cast, func, literal, select, type_coerce
from sqlalchemy.orm import Session

from app.csvsafe import BOM, dated_filename, drain, neutralise
from app.database import begin_read_only
from app.models import Submission
from app.screening.catalogue import Kind
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
# Timestamps and the safety-stop flag come already written as their CSV text (``_columns``).
_TABLE = Submission.__table__.c
_SELECTED = (
    _TABLE.reference,
    _TABLE.created_at,
    _TABLE.locale,
    _TABLE.outcome,
    cast(_TABLE.reasons, Text),
    _TABLE.status,
    case((_TABLE.is_safety_stop, literal("true")), else_=literal("false")),
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


def _iso_utc(column: ColumnElement[Any], dialect: str) -> ColumnElement[str]:
    """``column`` as UTC ISO 8601 to the second (``2026-11-24T15:30:00+00:00``), written by
    the database: formatting a million timestamps in Python would take a tenth of the export.
    SQLite keeps them as UTC text (``YYYY-MM-DD HH:MM:SS.ffffff``)."""
    if dialect == "sqlite":
        text = type_coerce(column, String)
        return func.substr(text, 1, 10) + "T" + func.substr(text, 12, 8) + "+00:00"
    return func.to_char(func.timezone("UTC", column), 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"')


def _columns(dialect: str) -> list[ColumnElement[Any]]:
    """The selected columns, for the session's database."""
    return [
        _iso_utc(column, dialect) if i in _TIMESTAMPS else column
        for i, column in enumerate(_SELECTED)
    ]


def export_filename(now: datetime) -> str:
    """The download's name, dated in the clinic's time zone."""
    return dated_filename("ims-screen-export", now)


def _fixed_cells(row: Sequence[Any]) -> list[Any]:
    """The columns before the answers. The hot loop of the export: speed over elegance."""
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
        _answers,
    ) = row
    return [
        reference,
        created_at,
        locale,
        outcome,
        " ".join(_loads(reasons) or ()) if reasons else "",
        status,
        is_safety_stop,
        neutralise(full_name) if full_name else "",
        neutralise(email) if email else "",
        neutralise(phone) if phone else "",
        contact_preference,
        neutralise(comments) if comments else "",
        consent_version,
        consented_at,
        questionnaire_version,
        rules_version,
    ]


# The answers in catalogue order, picked in one call; absent questions come out blank.
_PICK_ANSWERS = itemgetter(*ANSWER_IDS)
_NO_ANSWERS = dict.fromkeys(ANSWER_IDS)
_BLANK_ANSWERS = dict.fromkeys(ANSWER_IDS, "")
_MULTI, _SCALE = (
    tuple(i for i, q in enumerate(ANSWER_IDS) if CLINICAL_QUESTIONS[q].kind is kind)
    for kind in (Kind.MULTI, Kind.SCALE)
)
_NOT_PLAIN = re.compile(r"[^\w ,]", re.ASCII)
_EMPTY_RUN = "," * len(ANSWER_IDS) + "\r\n"


def _answer_values(given: dict[str, Any], blank: dict[str, Any]) -> list[Any]:
    """The answers in catalogue order (``blank``'s value where a question is absent), each
    multi-select's codes joined by spaces in the order stored (the catalogue's)."""
    values = list(_PICK_ANSWERS({**blank, **given}))
    for i in _MULTI:
        if values[i].__class__ is list:
            values[i] = " ".join(values[i])
    return values


def _answer_cells(text: str | None) -> list[Any]:
    """The answer columns one by one: a code, codes joined by spaces, a number, or None (csv
    writes nothing); any text that could start a formula neutralised."""
    given = (_loads(text) if text else None) or _NO_ANSWERS
    values = _answer_values(given, _NO_ANSWERS)
    return [neutralise(v) if v.__class__ is str else v for v in values]


def _answer_run(text: str | None) -> str | None:
    """The answer columns as CSV text (``",code,code ...\\r\\n"``) when they need neither
    quoting nor neutralising, as with every answer the questionnaire accepts; None otherwise
    (the caller then writes them cell by cell with ``_answer_cells``). Made with a few calls
    into C instead of a Python step per cell: the export spends most of its time here."""
    if not text:
        return _EMPTY_RUN
    given = _loads(text)
    if not given:
        return _EMPTY_RUN
    try:
        values = _answer_values(given, _BLANK_ANSWERS)
        for i in _SCALE:
            if values[i].__class__ is int:
                values[i] = str(values[i])
        run = ",".join(values)
    except TypeError:  # a value that is neither text nor a whole number
        return None
    # Letters, digits, "_" and spaces only, one comma between cells: nothing to quote, no cell
    # that could start a formula. Anything else (non-ASCII text, a sign...) goes cell by cell.
    if run.count(",") != len(ANSWER_IDS) - 1 or _NOT_PLAIN.search(run):
        return None
    return f",{run}\r\n"


class _RowWriter:
    """Writes export rows into ``buffer`` exactly as ``csv.writer`` would write the cells of
    ``_fixed_cells`` then ``_answer_cells``, taking the quick way for the answers when it can:
    the row's first columns go through the csv module, then the run of answers replaces the
    line ending it wrote."""

    def __init__(self, buffer: io.StringIO) -> None:
        self._writer = csv.writer(buffer)  # ends each row with "\r\n", quoting as needed
        self._write = buffer.write
        self._seek = buffer.seek
        self._tell = buffer.tell

    def header(self) -> None:
        self._writer.writerow(COLUMNS)

    def write(self, row: Sequence[Any]) -> None:
        cells = _fixed_cells(row)
        run = _answer_run(row[-1])
        if run is None:
            self._writer.writerow(cells + _answer_cells(row[-1]))
        else:
            self._writer.writerow(cells)
            self._seek(self._tell() - 2)  # back over "\r\n"
            self._write(run)


@dataclass
class Sent:
    """What an export has handed out so far: how many rows, and the references of its first
    (newest) and last (oldest) row, for the audit log."""

    rows: int = 0
    newest: str | None = None
    oldest: str | None = None


def csv_lines(session: Session, filters: QueueFilter, sent: Sent | None = None) -> Iterator[str]:
    """The export as text chunks: a BOM, the header, then rows newest first, a batch at a time.

    Rows are fetched ``FETCH_ROWS`` at a time and written through one small reusable buffer,
    so memory stays flat however many submissions match. ``sent``, if given, follows what each
    chunk handed out. Needs an app context (the filter's dates are the clinic's days).
    """
    begin_read_only(session)  # a snapshot: patients and staff keep writing meanwhile
    dialect = session.get_bind().dialect.name
    query = filters.apply(select(*_columns(dialect))).order_by(
        Submission.created_at.desc(), Submission.id.desc()
    )
    buffer = io.StringIO()
    rows = _RowWriter(buffer)
    yield BOM
    rows.header()
    yield drain(buffer)
    # Core execution on the session's connection: plain rows, without the ORM's row loading.
    result = session.connection().execute(query.execution_options(yield_per=FETCH_ROWS))
    try:
        for batch in result.partitions(BATCH_ROWS):
            for row in batch:
                rows.write(row)
            if sent is not None:
                sent.rows += len(batch)
                sent.newest = sent.newest or batch[0][0]
                sent.oldest = batch[-1][0]
            yield drain(buffer)
    finally:
        result.close()  # also when the client goes away mid-download
