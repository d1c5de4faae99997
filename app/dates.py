"""Calendar days as the clinic sees them, for date filters on the queue and the audit log."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app

# Dates outside this range are ignored: nothing happened then, and arithmetic near year 9999
# would overflow.
FIRST_YEAR, LAST_YEAR = 2000, 2999


def parse_day(value: str | None) -> date | None:
    """An ISO date (``2026-11-24``) within the allowed years, or None."""
    try:
        day = date.fromisoformat(value) if value else None
    except ValueError:
        return None
    return day if day and FIRST_YEAR <= day.year <= LAST_YEAR else None


def day_start(day: date) -> datetime:
    """The UTC instant at which ``day`` begins in the clinic's time zone."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def day_end(day: date) -> datetime:
    """The UTC instant at which ``day`` ends (the next day begins) in the clinic's time zone."""
    return day_start(day + timedelta(days=1))
