"""The statistics page at scale (``bench.scale``): its daily counts made for the seeded
submissions, then each period timed.

The counts come from the app's own ``flask statistics recount`` over the seeded submissions
(outcomes, languages, rules, statuses); the seed stores no contact attempt and no draft, so
each of its days also gets first-contact and drop-off counts in the proportions a clinic sees
(every wait band, both sides of the response target, every step), so that the page reads as
many rows as a real clinic's would.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.codes import Counted
from app.extensions import db
from app.models import DailyCount
from app.screening.questions import STEP_IDS
from app.statistics import counting
from app.statistics.figures import BANDS
from app.statistics.recount import recount
from bench import scale_app

PAGE_MS = 200.0
PERIODS = {
    "last 4 weeks": "period=4w",
    "last 13 weeks": "period=quarter",
    "last 52 weeks": "period=year",
    "three years (custom)": "period=custom&from={start}&to={end}",
}


def make_counts(app: Flask) -> int:
    """Count the stored submissions (``recount``), add the counts the seed has no rows for;
    how many count rows there are then."""
    with app.app_context():
        recount()
        first, last = db.session.execute(
            select(func.min(DailyCount.day), func.max(DailyCount.day))
        ).one()
        extra: counting.Counts = Counter()
        day: date = first
        while day <= last:
            k = day.toordinal()
            for band in BANDS:
                extra[(Counted.WAIT, day, band)] = 1 + (k + len(band)) % 7
            extra[(Counted.TARGET, day, counting.MET)] = 20 + k % 9
            extra[(Counted.TARGET, day, counting.MISSED)] = 1 + k % 5
            for step in STEP_IDS:
                extra[(Counted.LEFT, day, step)] = 1 + (k + len(step)) % 4
            day += timedelta(days=1)
        db.session.execute(
            DailyCount.__table__.delete().where(  # type: ignore[attr-defined]
                DailyCount.metric.in_((Counted.WAIT, Counted.TARGET, Counted.LEFT))
            )
        )
        counting.add(extra)
        db.session.commit()
        return db.session.scalar(select(func.count()).select_from(DailyCount)) or 0


def measure(client: FlaskClient, runs: int, today: date) -> list[tuple[str, scale_app.Timing]]:
    """Each period's page, timed."""
    start = (today - timedelta(days=3 * 365)).isoformat()
    found = []
    for name, query in PERIODS.items():
        url = "/staff/statistics?" + query.format(start=start, end=today.isoformat())
        found.append((name, scale_app.time_request(client, "GET", url, runs)))
    return found
