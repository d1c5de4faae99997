"""Count the stored submissions again: after the migration that added the counts, and after
the clinic's time zone changed (each count belongs to a day in that zone).

The counts of every metric kept from submissions (``RECOUNTED``) are replaced from the first
day a stored submission was received on; days before it keep theirs (their submissions were
purged, their counts stay). Questionnaires left unsent cannot be counted again: their drafts
are gone, so their counts stay as they are.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select

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
        db.session.execute(
            delete(DailyCount).where(
                DailyCount.metric.in_(RECOUNTED), DailyCount.day >= clinic_today(first)
            )
        )
        counting.add(totals)
    return {"submissions": submissions, "counts": sum(1 for n in totals.values() if n)}
