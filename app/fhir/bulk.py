"""The filtered queue as FHIR NDJSON: one ``QuestionnaireResponse`` a line, streamed.

Streamed as the CSV exports are (``app.staff.export.stream_rows``): a read-only snapshot,
``FETCH_ROWS`` rows at a time, one small buffer, newest first. Each line is written by
``app.fhir.response.response_json``, the function that writes one submission's
download, so the two cannot differ.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import ColumnElement, Text, cast, select

from app.csvsafe import dated_filename
from app.database import AnySession, begin_read_only
from app.fhir.resources import vocabulary
from app.fhir.response import Record, response_json
from app.models import Submission
from app.staff.export import Sent, iso_utc, stream_rows
from app.staff.queries import QueueFilter

_TABLE = Submission.__table__.c
_REASONS, _ANSWERS = Record._fields.index("reasons"), Record._fields.index("answers")
_loads = orjson.loads


def _selected(dialect: str) -> list[ColumnElement[Any]]:
    """A ``Record``'s fields, in order; JSON as text, decoded once per row by orjson."""
    return [
        _TABLE.reference,
        iso_utc(_TABLE.created_at, dialect),
        _TABLE.locale,
        _TABLE.questionnaire_version,
        _TABLE.rules_version,
        _TABLE.outcome,
        cast(_TABLE.reasons, Text),
        cast(_TABLE.answers, Text),
        _TABLE.full_name,
        _TABLE.email,
        _TABLE.phone,
        _TABLE.contact_preference,
        _TABLE.comments,
        _TABLE.consented_at.is_not(None),
        _TABLE.is_safety_stop,
    ]


def ndjson_filename(now: datetime) -> str:
    """The download's name, dated in the clinic's time zone."""
    return dated_filename("ims-screen-export", now, "ndjson")


def ndjson_lines(
    session: AnySession, filters: QueueFilter, me: int, sent: Sent | None = None
) -> Iterator[bytes]:
    """The export as chunks of UTF-8, each a batch of ``QuestionnaireResponse`` lines, newest
    first. ``me``: who exports (for the "assigned to me" filter); ``sent``, if given, follows
    what each chunk handed out. Needs a request context (the canonical URLs)."""
    words = vocabulary()

    def line(row: Any) -> bytes:
        fields = list(row)
        fields[_REASONS] = _loads(fields[_REASONS] or "[]")
        fields[_ANSWERS] = _loads(fields[_ANSWERS] or "{}")
        return response_json(Record._make(fields), words) + b"\n"

    begin_read_only(session)  # a snapshot: patients and staff keep writing meanwhile
    dialect = session.get_bind().dialect.name
    query = filters.apply(select(*_selected(dialect)), me).order_by(
        Submission.created_at.desc(), Submission.id.desc()
    )
    yield from stream_rows(session, query, lambda batch: b"".join(map(line, batch)), sent)
