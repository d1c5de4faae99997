"""The period's counts as the database sums them by week (on SQLite and PostgreSQL alike):
weeks from Monday on the clinic's calendar, only the period's days."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from flask import Flask

from app.codes import Counted
from app.extensions import db
from app.statistics import counting, queries
from app.statistics.forms import Period
from tests.builders import make_submission


def test_weekly_sums_start_on_monday_and_keep_to_the_period(app: Flask) -> None:
    period = Period("custom", date(2026, 11, 4), date(2026, 11, 17))  # Wednesday to Tuesday
    counts: counting.Counts = Counter()
    for day, n in (
        (date(2026, 11, 3), 100),  # the day before the period
        (date(2026, 11, 4), 1),
        (date(2026, 11, 8), 2),  # Sunday: the first week still
        (date(2026, 11, 9), 4),  # Monday: the second
        (date(2026, 11, 16), 8),
        (date(2026, 11, 17), 16),
        (date(2026, 11, 18), 100),  # the day after
    ):
        counts[(Counted.OUTCOME, day, "suggest_consult")] = n
    with app.app_context():
        counting.add(counts)
        db.session.commit()
        rows = sorted(queries.weekly_rows(period))
    assert rows == [
        ("outcome", 0, "suggest_consult", 3),
        ("outcome", 1, "suggest_consult", 4),
        ("outcome", 2, "suggest_consult", 24),
    ]


def test_a_submission_late_on_sunday_evening_counts_in_that_week(app: Flask) -> None:
    """Sunday 8 November 2026, 23:30 in Ottawa, is Monday 04:30 UTC."""
    make_submission(app, created_at=datetime.fromisoformat("2026-11-09T04:30:00+00:00"))
    make_submission(app, created_at=datetime.fromisoformat("2026-11-09T05:30:00+00:00"))
    period = Period("custom", date(2026, 11, 2), date(2026, 11, 15))
    with app.app_context():
        found = queries.figures_for(period)
    assert found.week_counts(Counted.OUTCOME, 0) == Counter({"suggest_consult": 1})
    assert found.week_counts(Counted.OUTCOME, 1) == Counter({"suggest_consult": 1})
