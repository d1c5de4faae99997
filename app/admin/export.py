"""The audit log as CSV, streamed in constant memory and safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select

from app.admin.queries import AuditFilter
from app.csvsafe import BOM, dated_filename, drain, neutralised
from app.database import AnySession, begin_read_only
from app.models import AuditEvent

FETCH_ROWS = 500  # rows fetched from the database at a time (also one written chunk)


COLUMNS = (
    "id",
    "at_utc",
    "actor_type",
    "staff_id",
    "staff_name",
    "action",
    "submission_id",
    "remote_addr",
    "detail",
)
_SELECTED = (
    AuditEvent.id,
    AuditEvent.at,
    AuditEvent.actor_type,
    AuditEvent.staff_id,
    AuditEvent.action,
    AuditEvent.submission_id,
    AuditEvent.remote_addr,
    AuditEvent.detail,
)


def compact_json(value: Any) -> str:
    """``value`` as short, stable JSON (the detail column), or "" for None."""
    if value is None:
        return ""
    return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def export_filename(now: datetime) -> str:
    """The download's name, dated in the clinic's time zone."""
    return dated_filename("ims-screen-audit", now)


def _cells(row: Sequence[Any], names: Mapping[int, str]) -> list[str]:
    event_id, at, actor_type, staff_id, action, submission_id, remote_addr, detail = row
    cells = [
        str(event_id),
        at.isoformat(timespec="seconds"),
        actor_type,
        "" if staff_id is None else str(staff_id),
        names.get(staff_id, "") if staff_id is not None else "",
        action,
        "" if submission_id is None else str(submission_id),
        remote_addr or "",
        compact_json(detail),
    ]
    return neutralised(cells)


def csv_chunks(
    session: AnySession, filters: AuditFilter, names: Mapping[int, str]
) -> Iterator[str]:
    """A BOM, the header, then the filtered log newest first, ``FETCH_ROWS`` rows a chunk.

    Rows are plain tuples fetched with ``yield_per`` and written through one small reusable
    buffer, so memory stays flat however long the log is. Needs an app context.
    """
    begin_read_only(session)  # a snapshot: patients and staff keep writing meanwhile
    query = filters.apply(select(*_SELECTED)).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    yield BOM + drain(buffer)
    result = session.execute(query.execution_options(yield_per=FETCH_ROWS))
    try:
        for batch in result.partitions():
            writer.writerows(_cells(row, names) for row in batch)
            yield drain(buffer)
    finally:
        result.close()  # also when the client goes away mid-download
