"""What each change adds to the statistics' daily counts, in the change's own transaction.

A submission stored counts its outcome, language, rules and status; a status change moves it
from one status to the other; a first contact attempt counts how long the patient waited and
whether the clinic's response target was met; a questionnaire left unsent counts the last step
answered, when its draft is deleted. Each count goes to the clinic's day of the submission (or
of the draft's start), in the clinic's time zone at the time it is counted. One statement adds
them all (``add``): an upsert, the same on both engines.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from functools import cache
from typing import Any, Protocol, cast

from sqlalchemy import Insert, Table, bindparam
from sqlalchemy.dialects import postgresql, sqlite

from app.codes import Counted
from app.dates import clinic_today, response_due_at
from app.extensions import db
from app.models import DailyCount, Submission
from app.screening.questions import STEPS

Key = tuple[Counted, date, str]  # what is counted, the clinic's day, by what
Counts = Counter[Key]


class Received(Protocol):
    """What ``received`` reads of a submission (a stored one, or a row of one)."""

    created_at: datetime
    locale: str
    outcome: str
    reasons: list[str]
    status: str
    is_safety_stop: bool


# How long a patient waited for a first contact attempt, in bands ending at these many
# minutes (a quarter of an hour to a week); the band after the last has no end.
WAIT_BANDS = (15, 30, 60, 120, 240, 480, 1440, 2880, 4320, 10080)
LONGER = "longer"
MET, MISSED = "met", "missed"
NOTHING_ANSWERED = "none"


def wait_band(minutes: float) -> str:
    """The band of a wait of ``minutes``: the end of the first band it fits in (``"60"``: more
    than 30 minutes, an hour at most), or ``LONGER``."""
    index = bisect_left(WAIT_BANDS, minutes)
    return str(WAIT_BANDS[index]) if index < len(WAIT_BANDS) else LONGER


def fate(outcome: str, status: str) -> str:
    """The key of a submission's outcome and status now (``suggest_consult:booked``)."""
    return f"{outcome}:{status}"


def received(submission: Received) -> Counts:
    """A new submission: its outcome, language and rules, and (unless a safety stop, which is
    never followed up) its status."""
    day = clinic_today(submission.created_at)
    counts: Counts = Counter()
    counts[(Counted.OUTCOME, day, submission.outcome)] += 1
    counts[(Counted.LANGUAGE, day, submission.locale)] += 1
    for rule in submission.reasons:
        counts[(Counted.RULE, day, rule)] += 1
    if not submission.is_safety_stop:
        counts[(Counted.FATE, day, fate(submission.outcome, submission.status))] += 1
    return counts


def moved(submission: Submission, before: str) -> Counts:
    """A submission's status changed from ``before`` to the one it has now."""
    day = clinic_today(submission.created_at)
    counts: Counts = Counter()
    counts[(Counted.FATE, day, fate(submission.outcome, before))] -= 1
    counts[(Counted.FATE, day, fate(submission.outcome, submission.status))] += 1
    return counts


def first_contact(created_at: datetime, at: datetime) -> Counts:
    """The first attempt to reach the patient of a submission received at ``created_at``."""
    day = clinic_today(created_at)
    minutes = (at - created_at).total_seconds() / 60
    met = MET if at <= response_due_at(created_at) else MISSED
    return Counter({(Counted.WAIT, day, wait_band(minutes)): 1, (Counted.TARGET, day, met): 1})


def last_step_answered(answers: Mapping[str, Any]) -> str:
    """The last step of the questionnaire answered in full, in order (``NOTHING_ANSWERED``)."""
    last = NOTHING_ANSWERED
    for step in STEPS:
        if any(question.id not in answers for question in step.questions):
            break
        last = step.id
    return last


def left(drafts: Iterable[tuple[datetime, Mapping[str, Any]]]) -> Counts:
    """Questionnaires left unsent (drafts deleted as they expired): by the day each was
    started and the last step answered. ``drafts``: (created at, answers)."""
    counts: Counts = Counter()
    for created_at, answers in drafts:
        counts[(Counted.LEFT, clinic_today(created_at), last_step_answered(answers))] += 1
    return counts


_TABLE = cast(Table, DailyCount.__table__)


@cache
def _upsert(dialect: str) -> Insert:
    """Add ``n`` to the count of (metric, day, key), starting it when there is none: built once
    per engine (their INSERT ... ON CONFLICT DO UPDATE read alike)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(_TABLE).values(
        metric=bindparam("metric"), day=bindparam("day"), key=bindparam("key"), count=bindparam("n")
    )
    columns = _TABLE.c
    return statement.on_conflict_do_update(
        index_elements=[columns.metric, columns.day, columns.key],
        set_={"count": columns.count + statement.excluded.count},
    )


def add(counts: Counts) -> None:
    """Add ``counts`` in the session's transaction (the change's own), in one statement."""
    rows = [
        {"metric": metric, "day": day, "key": key, "n": n}
        for (metric, day, key), n in sorted(counts.items())  # one lock order for everyone
        if n
    ]
    if rows:
        connection = db.session.connection()
        connection.execute(_upsert(connection.dialect.name), rows)
