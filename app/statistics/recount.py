"""Count the stored submissions again: after the migration that added the counts, and after
the clinic's time zone changed (each count belongs to a day in that zone).

The counts of every metric kept from submissions (``RECOUNTED``) are replaced from the first
day a stored submission was received on; the days before keep theirs (a purge deleted their
submissions, and their counts stay). On that first day a purge may have deleted some of them:
there a count is raised to the new one, never lowered.
Questionnaires left unsent cannot be counted again: their drafts are gone, so their counts stay
as they are.

Run it with the service stopped (docs/deployment.md): a change counted while it reads would be
counted twice or not at all, and on SQLite it holds the write lock throughout. On PostgreSQL it
also locks the counts against changes while it runs.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, select, text

from app.codes import Counted
from app.dates import clinic_today
from app.extensions import db
from app.models import ContactAttempt, DailyCount, Submission
from app.statistics import counting

RECOUNTED = (
    Counted.OUTCOME,
    Counted.LANGUAGE,
    Counted.RULE,
    Counted.FATE,
    Counted.WAIT,
    Counted.TARGET,
)
_BATCH = 5000

_FIRST_ATTEMPT = (
    select(func.min(ContactAttempt.at))
    .where(ContactAttempt.submission_id == Submission.id)
    .scalar_subquery()
)


def _counts(row: Any) -> counting.Counts:
    """What one stored submission (as ``recount`` selects it) counts."""
    created_at, first_attempt = row.created_at, row.first_attempt
    counts = counting.received(row)
    if first_attempt is not None:
        counts += counting.first_contact(created_at, first_attempt)
    return counts


def _counts_of(day: date) -> dict[counting.Key, int]:
    query = select(DailyCount).where(DailyCount.metric.in_(RECOUNTED), DailyCount.day == day)
    return {(Counted(c.metric), c.day, c.key): c.count for c in db.session.scalars(query)}


def recount() -> dict[str, int]:
    """Replace the counts kept from submissions by a new count of the stored ones, in the
    session's transaction (the caller commits); how many submissions and count rows."""
    columns = (
        Submission.created_at,
        Submission.locale,
        Submission.outcome,
        Submission.reasons,
        Submission.status,
        Submission.is_safety_stop,
        _FIRST_ATTEMPT.label("first_attempt"),
    )
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("LOCK TABLE daily_count IN SHARE ROW EXCLUSIVE MODE"))
    totals: counting.Counts = Counter()
    submissions = 0
    first: datetime | None = None
    result = db.session.execute(
        select(*columns).order_by(Submission.created_at).execution_options(yield_per=_BATCH)
    )
    for row in result:
        first = first or row.created_at
        totals.update(_counts(row))
        submissions += 1
    if first is not None:
        first_day = clinic_today(first)
        kept = _counts_of(first_day)
        db.session.execute(
            delete(DailyCount).where(DailyCount.metric.in_(RECOUNTED), DailyCount.day > first_day)
        )
        for key, n in totals.items():
            if key[1] == first_day:
                totals[key] = max(0, n - kept.get(key, 0))  # added to what is kept
        counting.add(totals)
    return {"submissions": submissions, "counts": sum(1 for n in totals.values() if n)}
