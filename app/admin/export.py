"""The audit log as CSV, streamed in constant memory and safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select

from app.admin.actions import ACTION_LABELS, who_did
from app.admin.queries import AuditFilter
from app.csvsafe import BOM, dated_filename, drain, neutralised
from app.database import AnySession, begin_read_only
from app.dates import clinic_zone
from app.models import AuditEvent, Submission

FETCH_ROWS = 500  # rows fetched from the database at a time (also one written chunk)


COLUMNS = (
    "id",
    "at_utc",
    "actor_type",
    "staff_id",
    "staff_name",
    "action",
    "submission_id",
    "submission_reference",
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
    Submission.reference,  # none once the submission is purged: the log outlives it
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
    event_id, at, actor_type, staff_id, action, submission_id, reference, remote_addr, detail = row
    cells = [
        str(event_id),
        at.isoformat(timespec="seconds"),
        actor_type,
        "" if staff_id is None else str(staff_id),
        names.get(staff_id, "") if staff_id is not None else "",
        action,
        "" if submission_id is None else str(submission_id),
        reference or "",
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
    joined = select(*_SELECTED).outerjoin(Submission, Submission.id == AuditEvent.submission_id)
    query = filters.apply(joined).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
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


REPORT_COLUMNS = ("at_utc", "clinic_time", "who", "action", "action_code", "remote_addr")


def report_filename(reference: str, now: datetime) -> str:
    """The access report's name: its submission's reference, dated in the clinic's zone."""
    return dated_filename(f"ims-screen-access-{reference}", now)


def report_csv(trail: Sequence[AuditEvent], names: Mapping[int, str]) -> str:
    """One submission's access report (``access_trail``) as CSV, for a person to read: the
    clinic's time, who by name, what in the admin's language, then the codes. A submission's
    records are few, so it is written whole."""
    zone = clinic_zone()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(REPORT_COLUMNS)
    for event in trail:
        label = ACTION_LABELS.get(event.action)
        writer.writerow(
            neutralised(
                [
                    event.at.isoformat(timespec="seconds"),
                    event.at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
                    who_did(event, names),
                    str(label) if label is not None else event.action,
                    event.action,
                    event.remote_addr or "",
                ]
            )
        )
    return BOM + buffer.getvalue()
