"""Changing the clinic's settings: each changed value stored with its history and its audit
record, in the caller's transaction, and the queue's due dates moved when the response target
or the time zone changes."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from app import audit
from app.database import utcnow
from app.extensions import db
from app.models import ClinicSetting, SettingChange, StaffUser, Submission
from app.settings.fields import FIELDS
from app.settings.revision import announce
from app.settings.store import ClinicSettings
from app.worklist import Work, response_due

# Settings that decide when a new enquiry's first contact is due.
DUE_DATE_SETTINGS = frozenset({"response_target_days", "time_zone"})
BATCH = 1_000


def changes(before: ClinicSettings, values: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The settings whose new value (``values``, parsed) differs from the one in force."""
    return {
        field.name: (getattr(before, field.name), values[field.name])
        for field in FIELDS
        if values[field.name] != getattr(before, field.name)
    }


def save(before: ClinicSettings, values: Mapping[str, Any], staff: StaffUser) -> list[str]:
    """Store every setting ``values`` changes from ``before`` (the settings in force), each
    with a history row, and one audit record holding the old and new values; the caller
    commits. Returns the names changed (none: nothing is written)."""
    changed = changes(before, values)
    if not changed:
        return []
    now = utcnow()
    shown: dict[str, dict[str, str]] = {}
    for field in FIELDS:
        if field.name not in changed:
            continue
        old, new = (field.show(value) for value in changed[field.name])
        row = db.session.get(ClinicSetting, field.name, with_for_update=True)
        if row is None:
            db.session.add(
                ClinicSetting(name=field.name, value=new, changed_at=now, changed_by=staff.id)
            )
        else:
            row.value, row.changed_at, row.changed_by = new, now, staff.id
        db.session.add(
            SettingChange(name=field.name, old_value=old, new_value=new, staff_id=staff.id, at=now)
        )
        shown[field.name] = {"old": old, "new": new}
    audit.record("settings.change", detail={"changes": shown})
    announce(db.session)
    if DUE_DATE_SETTINGS & changed.keys():
        move_due_dates(values["response_target_days"], ZoneInfo(values["time_zone"]))
    return list(changed)


def move_due_dates(business_days: int, zone: ZoneInfo) -> int:
    """Reckon again when each new enquiry's first contact is due (``Work.NEW``: the only work
    items placed by the response target), with the target and time zone now chosen; the others
    keep their place. Returns how many moved."""
    moved = 0
    after = 0
    while True:
        batch: list[tuple[int, datetime]] = list(
            db.session.execute(
                select(Submission.id, Submission.created_at)
                .where(Submission.work == Work.NEW, Submission.id > after)
                .order_by(Submission.id)
                .limit(BATCH)
            )
        )
        if not batch:
            return moved
        db.session.execute(
            update(Submission),
            [
                {"id": id_, "due_at": response_due(created_at, business_days, zone)}
                for id_, created_at in batch
            ],
        )
        moved += len(batch)
        after = batch[-1][0]
