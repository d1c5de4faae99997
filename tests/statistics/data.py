"""A plausible clinic's counts for the statistics page, written straight into the daily counts
(no submission behind them): for pages and charts to show something in every figure."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from flask import Flask

from app.codes import Counted
from app.database import utcnow
from app.dates import clinic_today
from app.extensions import db
from app.statistics import counting

DAYS = 13 * 7


def add_plausible_counts(app: Flask) -> None:
    """Thirteen weeks of counts up to today, the same each time for the same day."""
    with app.app_context():
        today = clinic_today(utcnow())
        counts: counting.Counts = Counter()
        for back in range(DAYS):
            day = today - timedelta(days=back)
            k = day.toordinal()
            for outcome, n in (
                ("suggest_consult", 3 + k % 4),
                ("clinician_review", 1 + k % 3),
                ("not_suitable", k % 2),
                ("not_indicated", k % 3 // 2),
                ("see_doctor", (k % 5) // 4),
                ("emergency", (k % 11) // 10),
            ):
                counts[(Counted.OUTCOME, day, outcome)] += n
            counts[(Counted.LANGUAGE, day, "en")] += 4 + k % 3
            counts[(Counted.LANGUAGE, day, "fr_CA")] += 1 + k % 2
            for rule, n in (
                ("IND_TENNIS_ELBOW", 2),
                ("IND_PERSISTENT_PAIN", 3),
                ("PR_DIABETES", 1),
            ):
                counts[(Counted.RULE, day, rule)] += n + k % 2
            counts[(Counted.FATE, day, "suggest_consult:booked")] += 2 + k % 2
            counts[(Counted.FATE, day, "suggest_consult:new")] += 1
            counts[(Counted.FATE, day, "clinician_review:contacted")] += 1 + k % 2
            counts[(Counted.FATE, day, "not_suitable:closed")] += k % 2
            counts[(Counted.WAIT, day, ("60", "240", "1440", "2880")[k % 4])] += 3
            counts[(Counted.TARGET, day, "met" if k % 4 < 3 else "missed")] += 3
            counts[(Counted.LEFT, day, ("safety", "pain", "health")[k % 3])] += 1
        counting.add(counts)
        db.session.commit()
