"""The retention period applied: what a purge would delete now, the purge itself, and when it
last ran. The same purge for ``flask purge`` (cron) and the settings page.

A purge deletes the submissions created before the cutoff with everything attached to them
(notes, status changes, clearances, contact attempts, assignments, search terms, and any table
added later with a foreign key to a submission) and the expired drafts, in one transaction that
also writes its audit record (counts and ids, no contents). Audit records are never purged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Delete, Table, delete, func, select

from app import audit
from app.codes import Actor
from app.extensions import db
from app.models import AuditEvent, Draft, Submission
from app.screening.drafts import DELETE_EXPIRED
from app.statistics import counting

PURGE_ACTION = "retention.purge"
# The audit record of a purge lists the ids it deleted, up to this many (a first purge of a
# long-running clinic may delete far more; the counts are always complete).
MAX_AUDITED_IDS = 10_000
# The tables the purge deletes from with Core statements (the ORM refuses to delete append-only
# rows), typed as the tables they are.
SUBMISSION_TABLE = cast(Table, Submission.__table__)
DRAFT_TABLE = cast(Table, Draft.__table__)


def submission_children() -> list[Table]:
    """Tables whose rows belong to a submission (a foreign key to it). The audit log refers to
    submissions without a key."""
    parent = SUBMISSION_TABLE
    return [
        table
        for table in db.metadata.sorted_tables
        if any(key.column.table is parent for key in table.foreign_keys)
    ]


@dataclass(frozen=True, slots=True)
class Purge:
    """A purge for a period: its cutoff, and how many rows of each table it deletes (or would
    delete), by table name: ``submission``, each table attached to it, ``draft``."""

    days: int
    cutoff: datetime
    counts: dict[str, int]
    oldest: datetime | None = None  # the oldest submission it deletes (a preview says)

    @property
    def deletes_nothing(self) -> bool:
        return not any(self.counts.values())


def _count(table: Table, condition: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(table).where(condition)) or 0


def _delete(statement: Delete) -> int:
    result = cast(CursorResult[Any], db.session.execute(statement))
    return result.rowcount


def preview(days: int, now: datetime) -> Purge:
    """What a purge for ``days`` would delete at ``now``, counted in ``db.session``'s
    transaction (the caller chooses it: a read-only snapshot, or the purge's own)."""
    cutoff = now - timedelta(days=days)
    old = Submission.created_at < cutoff
    old_ids = select(Submission.id).where(old).scalar_subquery()
    counts = {"submission": _count(SUBMISSION_TABLE, old)}
    for table in submission_children():
        counts[table.name] = _count(table, table.c.submission_id.in_(old_ids))
    counts["draft"] = _count(DRAFT_TABLE, Draft.expires_at <= now)
    oldest = db.session.scalar(select(func.min(Submission.created_at)).where(old))
    return Purge(days, cutoff, counts, oldest)


def purge(days: int, now: datetime, *, source: str, actor: Actor, staff_id: int | None) -> Purge:
    """Delete what the retention period ``days`` no longer allows at ``now``, and record it
    (``source``: where the period came from). The caller commits."""
    cutoff = now - timedelta(days=days)
    old = Submission.created_at < cutoff
    old_ids = select(Submission.id).where(old).scalar_subquery()
    # The ids first, while the transaction's lock (BEGIN IMMEDIATE on SQLite) keeps them fixed.
    ids = list(
        db.session.scalars(
            select(Submission.id).where(old).order_by(Submission.id).limit(MAX_AUDITED_IDS + 1)
        )
    )
    counts: dict[str, int] = {}
    # Core statements: the ORM refuses to delete append-only rows one by one. Children first,
    # so foreign keys hold at every step.
    for table in submission_children():
        counts[table.name] = _delete(delete(table).where(table.c.submission_id.in_(old_ids)))
    counts = {"submission": _delete(delete(SUBMISSION_TABLE).where(old)), **counts}
    left = db.session.execute(DELETE_EXPIRED, {"now": now}).all()
    counting.add(counting.left(left))  # questionnaires left unsent, for the statistics
    counts["draft"] = len(left)
    audit.record(
        "retention.purge",  # PURGE_ACTION, written out for tests/admin/test_audit_labels.py
        actor_type=actor,
        staff_id=staff_id,
        detail={
            "cutoff": cutoff.isoformat(timespec="seconds").replace("+00:00", "Z"),
            "older_than_days": days,
            "period_source": source,
            "counts": counts,
            "submission_ids": ids[:MAX_AUDITED_IDS],
            "ids_truncated": len(ids) > MAX_AUDITED_IDS,
        },
    )
    return Purge(days, cutoff, counts)


def last_purge() -> AuditEvent | None:
    """The audit record of the latest purge, from the command or the page."""
    return db.session.scalar(
        select(AuditEvent)
        .where(AuditEvent.action == PURGE_ACTION)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(1)
    )
