"""The export for people: the filtered queue as a CSV a clinic reads in a spreadsheet.

Beside the coded export (``app.staff.export``, kept as it is for other systems), this one says
everything in words, in the exporting staff member's language: headings, outcome, status,
the clearance decision in force, who has it, what was last done, by whom and when, the number
of contact attempts, and each answer as the questionnaire worded it; times in the clinic's
time zone. It is streamed the same way (a read-only snapshot, ``FETCH_ROWS`` rows at a time,
one small buffer) and every cell a person typed or a label is neutralised the same way.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, timedelta, tzinfo
from functools import partial
from operator import getitem
from typing import Any

import orjson
from flask_babel import get_timezone, gettext, lazy_gettext
from sqlalchemy import ColumnElement, Text, case, cast, select

from app.csvsafe import BOM, FORMULA_STARTS, dated_filename, drain, neutralise, neutralised
from app.database import AnySession, begin_read_only
from app.models import Clearance, StaffUser, Submission
from app.screening.answers import SCALE_MAX
from app.screening.catalogue import Kind, Question
from app.screening.codes import Outcome
from app.screening.questions import CLINICAL_QUESTIONS
from app.screening.rule_texts import RULE_TEXTS
from app.staff.export import Sent, iso_utc, stream_rows, written
from app.staff.forms import OUTCOME_LABELS, STATUS_LABELS
from app.staff.queries import QueueFilter
from app.staff.rows import last_action_words

_TABLE = Submission.__table__.c
# The clearance decision in force: the latest, looked up for clinician reviews only.
_LATEST_CLEARANCE = (
    select(Clearance.cleared)
    .where(Clearance.submission_id == _TABLE.id)
    .order_by(Clearance.at.desc(), Clearance.id.desc())
    .limit(1)
    .scalar_subquery()
)
ZERO = timedelta(0)
_HOUR = timedelta(hours=1)
# The times, as UTC text the database writes (``iso_utc``), put in the clinic's zone here.
_TIMES = (_TABLE.created_at, _TABLE.last_action_at, _TABLE.follow_up_due)


def _selected(dialect: str) -> list[ColumnElement[Any]]:
    """What the export selects, for the session's database."""
    created_at, last_action_at, follow_up_due = (iso_utc(time, dialect) for time in _TIMES)
    return [
        _TABLE.reference,
        created_at,
        _TABLE.locale,
        _TABLE.outcome,
        _TABLE.is_safety_stop,
        _TABLE.status,
        case((_TABLE.outcome == Outcome.CLINICIAN_REVIEW, _LATEST_CLEARANCE), else_=None),
        _TABLE.assignee_id,
        _TABLE.attempts,
        _TABLE.last_action,
        _TABLE.last_action_by,
        last_action_at,
        follow_up_due,
        _TABLE.full_name,
        _TABLE.email,
        _TABLE.phone,
        _TABLE.contact_preference,
        _TABLE.comments,
        cast(_TABLE.reasons, Text),
        cast(_TABLE.answers, Text),
    ]


HEADINGS = (
    lazy_gettext("Reference"),
    lazy_gettext("Received"),
    lazy_gettext("Language"),
    lazy_gettext("Outcome"),
    lazy_gettext("Safety stop"),
    lazy_gettext("Status"),
    lazy_gettext("Clearance"),
    lazy_gettext("Assigned to"),
    lazy_gettext("Contact attempts"),
    lazy_gettext("Last action"),
    lazy_gettext("Last action by"),
    lazy_gettext("Last action at"),
    lazy_gettext("Next follow-up"),
    lazy_gettext("Name"),
    lazy_gettext("Email"),
    lazy_gettext("Phone"),
    lazy_gettext("Prefers"),
    lazy_gettext("Comments"),
    lazy_gettext("Why this outcome"),
)


def readable_filename(now: datetime) -> str:
    """The download's name, dated in the clinic's time zone."""
    return dated_filename("ims-screen-export-readable", now)


class _Words:
    """Every word the rows use, translated once for the export (a million rows would
    otherwise look each up a million times)."""

    def __init__(self, names: Mapping[int, str]) -> None:
        self.names = names
        self.zone: tzinfo = get_timezone()
        # A UTC hour -> that hour in the clinic's time, or the zone's offset then when it is
        # not whole hours (Newfoundland's is not).
        self.hours: dict[str, str | timedelta] = {}
        self.yes, self.no = gettext("Yes"), gettext("No")
        self.languages = {"en": gettext("English"), "fr_CA": gettext("French")}
        self.outcomes = {code: str(label) for code, label in OUTCOME_LABELS.items()}
        self.statuses = {code: str(label) for code, label in STATUS_LABELS.items()}
        self.clearance = {
            True: gettext("Cleared for booking"),
            False: gettext("Not cleared"),
            None: gettext("Waiting for a clinician's decision"),
        }
        self.channels = {"phone": gettext("Phone"), "email": gettext("Email")}
        self.reasons = {rule_id: gettext(texts.staff) for rule_id, texts in RULE_TEXTS.items()}
        self.reason_cells = ReasonCells(self.reasons)
        self.actions: dict[str, str] = {}
        # Each question's answers in words, in catalogue order.
        self.labels = [_choice_labels(q) for q in CLINICAL_QUESTIONS.values()]
        self.answer_cells = [AnswerCells(labels) for labels in self.labels]

    def moment(self, utc: str | None) -> str:
        """``utc`` (``2026-01-15T14:30:00+00:00``) as the clinic's local time, to the minute
        (``2026-01-15 09:30``): the local hour looked up once an hour of UTC, the minutes
        kept as they are (three times a row, a million rows)."""
        if not utc:
            return ""
        hour = utc[:13]
        local = self.hours.get(hour)
        if local is None:
            local = self.hours[hour] = self._local_hour(hour)
        if isinstance(local, str):
            return local + utc[13:16]
        return (datetime.fromisoformat(utc[:16]) + local).isoformat(" ", "minutes")

    def _local_hour(self, hour: str) -> str | timedelta:
        """The UTC ``hour`` (``2026-01-15T14``) in the clinic's time (``2026-01-15 09``), or
        the zone's offset then, when it is not whole hours."""
        instant = datetime.fromisoformat(f"{hour}:00:00+00:00")
        offset = instant.astimezone(self.zone).utcoffset() or ZERO
        if offset % _HOUR:
            return offset
        return (instant + offset).strftime("%Y-%m-%d %H")

    def action(self, code: str | None) -> str:
        if not code:
            return ""
        if code not in self.actions:
            self.actions[code] = last_action_words(code)
        return self.actions[code]


def _choice_labels(question: Question) -> dict[Any, str]:
    """Each stored answer of ``question`` in words: its choices' labels; a pain score's
    numbers as "6 out of 10"."""
    if question.kind is Kind.SCALE:
        return {n: gettext("%(number)d out of 10", number=n) for n in range(SCALE_MAX + 1)}
    return {choice.code: gettext(choice.label) for choice in question.choices}


def csv_cell(text: str) -> str:
    """``text`` as one finished CSV cell, quoted as the csv module quotes it."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow([text])
    return buffer.getvalue()


class AnswerCells(dict[Any, str]):
    """One question's answers as finished CSV cells, looked up by the stored answer: each
    choice's label made into a cell once an export, not once a row (fifty cells a row, a
    million rows, were the export's largest cost; docs/performance.md). Not asked (None): an
    empty cell. An answer no choice has, a multi-select's codes (a tuple) or a value the
    questionnaire no longer offers, is made the first time it is met, neutralised, and kept."""

    def __init__(self, labels: Mapping[Any, str]) -> None:
        super().__init__({code: csv_cell(label) for code, label in labels.items()})
        self[None] = ""
        self.labels = labels

    def __missing__(self, answer: Any) -> str:
        if isinstance(answer, tuple):
            text = "; ".join([self.labels.get(code, str(code)) for code in answer])
        else:
            text = str(answer)
        cell = self[answer] = csv_cell(neutralise(text))
        return cell


class ReasonCells(dict[str | None, str]):
    """Why a submission had its outcome, as one finished CSV cell, looked up by its reasons'
    stored JSON: each rule's words joined, made the first time a set of reasons is met and
    kept (submissions share far fewer sets than they are; the cell is the row's longest)."""

    def __init__(self, words: Mapping[str, str]) -> None:
        super().__init__({None: ""})
        self.words = words

    def __missing__(self, stored: str) -> str:
        text = "; ".join([self.words.get(rule, rule) for rule in orjson.loads(stored)])
        cell = self[stored] = csv_cell(neutralise(text))  # an unknown rule: its id, as it is
        return cell


# The multi-select questions' places among the answers, in catalogue order.
_MULTI_SELECT = [i for i, q in enumerate(CLINICAL_QUESTIONS.values()) if q.kind is Kind.MULTI]
# The cells a person typed: assigned to, last action by, name, email, phone, comments.
_TYPED = (7, 10, 13, 14, 15, 17)


def _cells(row: Any, words: _Words) -> tuple[list[Any], str]:
    """A row as its first cells, for the csv writer, and the rest (why this outcome, then the
    answers) as finished CSV text."""
    (reference, created_at, locale, outcome, stop, status, cleared, assignee_id, attempts) = row[:9]
    (last_action, last_by, last_at, follow_up, name, email, phone, prefers, comments) = row[9:18]
    reasons, answers = row[18], row[19]
    cells = [
        reference,
        words.moment(created_at),
        words.languages.get(locale, locale),
        words.outcomes.get(outcome, outcome),
        words.yes if stop else words.no,
        words.statuses.get(status, status),
        words.clearance[cleared] if outcome == Outcome.CLINICIAN_REVIEW else "",
        words.names.get(assignee_id, "") if assignee_id is not None else "",
        attempts,
        words.action(last_action),
        words.names.get(last_by, "") if last_by is not None else "",
        words.moment(last_at),
        words.moment(follow_up),
        name or "",
        email or "",
        phone or "",
        words.channels.get(prefers, "") if prefers else "",
        comments or "",
    ]
    # What a person typed (the patient's details, staff names) may start a formula; the
    # labels are ours and never do (tests/staff/test_readable_export.py).
    for i in _TYPED:
        if cells[i][:1] in FORMULA_STARTS:  # hardly ever: checked here, not in a call a cell
            cells[i] = neutralise(cells[i])
    # Each answer's cell by one lookup (AnswerCells), all of them in one call made in C.
    values = list(map((orjson.loads(answers) if answers else {}).get, CLINICAL_QUESTIONS))
    for i in _MULTI_SELECT:
        if isinstance(values[i], list):
            values[i] = tuple(values[i])
    answered = map(getitem, words.answer_cells, values)
    return cells, ",".join([words.reason_cells[reasons], *answered])


class _RowWriter:
    """Writes ``_cells``' rows into ``buffer``: the first cells by the csv writer, ending in the
    comma before the rest, then the rest's finished text and the line's end. With a comma
    for line end the writer would no longer quote a cell for its line breaks (a comment typed
    over several lines), so it quotes every text cell (``QUOTE_NONNUMERIC``)."""

    def __init__(self, buffer: io.StringIO) -> None:
        self.first = csv.writer(buffer, lineterminator=",", quoting=csv.QUOTE_NONNUMERIC)
        self.write = buffer.write

    def writerows(self, rows: Iterable[tuple[list[Any], str]]) -> None:
        for first, answers in rows:
            self.first.writerow(first)
            self.write(answers + "\r\n")


def readable_lines(
    session: AnySession, filters: QueueFilter, me: int, sent: Sent | None = None
) -> Iterator[str]:
    """The export as text chunks: a BOM, the headings, then rows newest first, a batch at a
    time (as ``app.staff.export.csv_lines``). Needs a request context (the language and the
    clinic's time zone)."""
    begin_read_only(session)  # a snapshot: patients and staff keep writing meanwhile
    words = _Words(
        {row.id: row.name for row in session.execute(select(StaffUser.id, StaffUser.name))}
    )
    dialect = session.get_bind().dialect.name
    query = filters.apply(select(*_selected(dialect)), me).order_by(
        Submission.created_at.desc(), Submission.id.desc()
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    question_headings = [gettext(q.label) for q in CLINICAL_QUESTIONS.values()]
    writer.writerow(neutralised([str(h) for h in HEADINGS] + question_headings))
    yield BOM + drain(buffer)
    chunk = written(partial(_cells, words=words), _RowWriter(buffer), buffer)
    yield from stream_rows(session, query, chunk, sent)
