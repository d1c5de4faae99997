"""The staff export: the filtered queue as CSV, streamed in constant memory.

Columns are stable ids and codes (not translated) so that other systems can read them; the
clinical answer columns come from the questionnaire catalogue, one per question id in its order.
Cells that could start a formula are neutralised against spreadsheet formula injection
(QUALITY.md, Output): the contact details and comments a patient typed, in every row; the
answers, whenever their stored JSON holds a string that could start one (answers the
questionnaire accepted are codes and numbers, which never do). The other cells hold ids, codes,
versions and times the app wrote, none of which can begin with a formula character (tested).

The view streams it, after recording the export in the audit log::

    Response(
        stream_with_context(csv_lines(db.session, filters, me=g.staff_user.id)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{export_filename(now)}"'},
    )
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from operator import itemgetter
from types import MappingProxyType
from typing import Any, AnyStr

import orjson
from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    Text,
    case,
    cast,
    func,
    literal,
    select,
    type_coerce,
)

from app import audit
from app.csvsafe import (
    BOM,
    dated_filename,
    drain,
    json_may_hold_a_formula,
    neutralise,
    neutralised,
)
from app.database import AnySession, begin_read_only
from app.models import Submission
from app.screening.catalogue import Kind
from app.screening.questions import CLINICAL_QUESTIONS
from app.staff.queries import QueueFilter

FETCH_ROWS = 1000  # rows fetched from the database at a time
BATCH_ROWS = 500  # rows written per chunk handed to the server

# Makes one chunk of an export (its text or bytes) from a batch of selected rows.
Chunk = Callable[[Sequence[Any]], AnyStr]
_loads = orjson.loads  # a third of json.loads's time on the answers (the export's hot spot)
_TABLE = Submission.__table__.c
_TIMESTAMPS = ("created_at", "consented_at")

# The columns before the answers, by name, as selected. Plain columns of the table, not ORM
# entities: rows are tuples that nothing keeps (no identity map). JSON comes as text, decoded
# once per row whatever the database's JSON type; the safety-stop flag as its CSV text.
_FIRST: dict[str, ColumnElement[Any]] = {
    "reference": _TABLE.reference,
    "created_at": _TABLE.created_at,
    "locale": _TABLE.locale,
    "outcome": _TABLE.outcome,
    "reasons": cast(_TABLE.reasons, Text),
    "status": _TABLE.status,
    "is_safety_stop": case((_TABLE.is_safety_stop, literal("true")), else_=literal("false")),
    "full_name": _TABLE.full_name,
    "email": _TABLE.email,
    "phone": _TABLE.phone,
    "contact_preference": _TABLE.contact_preference,
    "comments": _TABLE.comments,
    "consent_version": _TABLE.consent_version,
    "consented_at": _TABLE.consented_at,
    "questionnaire_version": _TABLE.questionnaire_version,
    "rules_version": _TABLE.rules_version,
}
ANSWER_IDS: tuple[str, ...] = tuple(CLINICAL_QUESTIONS)
COLUMNS: tuple[str, ...] = (*_FIRST, *ANSWER_IDS)
_REASONS = list(_FIRST).index("reasons")
# The cells a person typed, neutralised in every row. The others hold codes, versions and
# times the app wrote, which never start a formula (tests/staff/test_export_rows.py).
_TYPED = [list(_FIRST).index(name) for name in ("full_name", "email", "phone", "comments")]
_ANSWERS = len(_FIRST)  # the answers' JSON, selected after the columns above
# The answers in catalogue order, None for a question not asked, picked in one call.
_pick_answers = itemgetter(*ANSWER_IDS)
_NOT_ASKED = dict.fromkeys(ANSWER_IDS)
_MULTI_SELECT = [
    i for i, qid in enumerate(ANSWER_IDS) if CLINICAL_QUESTIONS[qid].kind is Kind.MULTI
]


def iso_utc(column: ColumnElement[Any], dialect: str) -> ColumnElement[str]:
    """``column`` as UTC ISO 8601 to the second (``2026-11-24T15:30:00+00:00``), written by
    the database: formatting a million timestamps in Python would take a tenth of the export.
    SQLite keeps them as UTC text (``YYYY-MM-DD HH:MM:SS.ffffff``)."""
    if dialect == "sqlite":
        text = type_coerce(column, String)
        return func.substr(text, 1, 10) + "T" + func.substr(text, 12, 8) + "+00:00"
    return func.to_char(func.timezone("UTC", column), 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"')


def _selected(dialect: str) -> list[ColumnElement[Any]]:
    """What the export selects, for the session's database: the first columns, then the
    answers' JSON."""
    first = [
        iso_utc(column, dialect) if name in _TIMESTAMPS else column
        for name, column in _FIRST.items()
    ]
    return [*first, cast(_TABLE.answers, Text)]


def export_filename(now: datetime) -> str:
    """The download's name, dated in the clinic's time zone."""
    return dated_filename("ims-screen-export", now)


def row_cells(row: Sequence[Any]) -> list[Any]:
    """One selected row as the cells of ``COLUMNS``.

    An answer's cell is its code, its number, a multi-select's codes joined by spaces (in the
    order stored: the catalogue's), or None (csv writes nothing) for a question not asked.
    """
    cells = list(row[:_ANSWERS])
    reasons, answers = row[_REASONS], row[_ANSWERS] or "{}"
    cells[_REASONS] = " ".join(_loads(reasons) or ()) if reasons else ""
    for i in _TYPED:
        if cells[i]:
            cells[i] = neutralise(cells[i])
    given = _loads(answers) or {}
    values = list(_pick_answers({**_NOT_ASKED, **given}))
    for i in _MULTI_SELECT:
        if isinstance(values[i], list):
            values[i] = neutralise(" ".join(map(str, values[i])))
    if json_may_hold_a_formula(answers):
        values = neutralised(values)
    cells += values
    return cells


@dataclass
class Sent:
    """What an export has handed out so far: how many rows, and the references of its first
    (newest) and last (oldest) row, for the audit log."""

    rows: int = 0
    newest: str | None = None
    oldest: str | None = None


def csv_lines(
    session: AnySession, filters: QueueFilter, me: int, sent: Sent | None = None
) -> Iterator[str]:
    """The export as text chunks: a BOM, the header, then rows newest first, a batch at a time.

    Rows are fetched ``FETCH_ROWS`` at a time and written through one small reusable buffer,
    so memory stays flat however many submissions match. ``me``: the staff member exporting
    (for the "assigned to me" filter). ``sent``, if given, follows what each chunk handed
    out. Needs an app context (the filter's dates are the clinic's days).
    """
    begin_read_only(session)  # a snapshot: patients and staff keep writing meanwhile
    dialect = session.get_bind().dialect.name
    query = filters.apply(select(*_selected(dialect)), me).order_by(
        Submission.created_at.desc(), Submission.id.desc()
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # ends each row with "\r\n", quoting as needed
    yield BOM
    writer.writerow(COLUMNS)
    yield drain(buffer)
    yield from stream_rows(session, query, written(row_cells, writer, buffer), sent)


def written(cells: Callable[[Any], Any], writer: Any, buffer: io.StringIO) -> Chunk[str]:
    """What makes a CSV export's chunk of rows: ``cells`` makes each row's cells, ``writer``
    (a csv writer, or what takes ``cells``' rows as one does) writes them into ``buffer``."""

    def chunk(batch: Sequence[Any]) -> str:
        writer.writerows(map(cells, batch))
        return drain(buffer)

    return chunk


def stream_rows(
    session: AnySession, query: Select[Any], chunk: Chunk[AnyStr], sent: Sent | None
) -> Iterator[AnyStr]:
    """The rows of ``query`` (first column: the reference), ``BATCH_ROWS`` at a time, each
    batch handed out as ``chunk`` writes it; ``sent``, if given, follows what each chunk
    handed out. Every export of the queue streams its rows so."""
    # Core execution on the session's connection: plain rows, without the ORM's row loading.
    result = session.connection().execute(query.execution_options(yield_per=FETCH_ROWS))
    try:
        for batch in result.partitions(BATCH_ROWS):
            written = chunk(batch)
            if sent is not None:
                sent.rows += len(batch)
                sent.newest = sent.newest or batch[0][0]
                sent.oldest = batch[-1][0]
            yield written
    finally:
        result.close()  # also when the client goes away mid-download


# An export's chunks: text (the CSV exports) or UTF-8 (the FHIR NDJSON).
Lines = Callable[[AnySession, QueueFilter, int, Sent], Iterator[Any]]


def recorded_lines(
    session: AnySession,
    filters: QueueFilter,
    me: int,
    lines: Lines = csv_lines,
    kind: Mapping[str, Any] = MappingProxyType({}),
) -> Iterator[Any]:
    """An export's lines (``csv_lines``, ``app.staff.readable_export.readable_lines`` or
    ``app.fhir.bulk.ndjson_lines``), then the audit record of what left: how many rows, the
    references of the newest and the oldest, whether the download finished (a browser may stop
    it), and ``kind``, which export it was (as its first record says: ``{"readable": True}``,
    ``{"fhir": True}``, or nothing for the coded CSV). With the export's first record (its
    filter, when its snapshot was taken), that says which submissions' data left the clinic."""
    sent, finished = Sent(), False
    try:
        yield from lines(session, filters, me, sent)
        finished = True
    finally:
        session.rollback()  # ends the export's read-only snapshot
        detail = {"filters": filters.as_args(), "finished": finished, **asdict(sent), **kind}
        audit.record("submission.export_sent", detail=detail)
        session.commit()
