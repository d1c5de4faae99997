"""Calendar days as the clinic sees them: date filters on the queue and the audit log, the
start of its week and month, and when its response target falls due (``app.worklist``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.settings.store import current
from app.worklist import response_due

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


def clinic_zone() -> ZoneInfo:
    """The clinic's time zone (a setting, ``app.settings``)."""
    return current().zone


def clinic_today(now: datetime) -> date:
    """The clinic's calendar day at ``now``."""
    return now.astimezone(clinic_zone()).date()


def day_start(day: date) -> datetime:
    """The UTC instant at which ``day`` begins in the clinic's time zone."""
    return datetime.combine(day, time.min, tzinfo=clinic_zone()).astimezone(UTC)


def day_end(day: date) -> datetime:
    """The UTC instant at which ``day`` ends (the next day begins) in the clinic's time zone."""
    return day_start(day + timedelta(days=1))


def response_due_at(received: datetime) -> datetime:
    """When the clinic's response target falls due for a submission received then."""
    settings = current()
    return response_due(received, settings.response_target_days, settings.zone)


# A follow-up date given without a time is due when the clinic's day usually starts.
FOLLOW_UP_TIME = time(9, 0)


def follow_up_moment(day: date | None, clock: time | None) -> datetime | None:
    """The UTC instant of a follow-up on the clinic's ``day`` at ``clock`` (its wall clock)."""
    if day is None:
        return None
    local = datetime.combine(day, clock or FOLLOW_UP_TIME, tzinfo=clinic_zone())
    return local.astimezone(UTC)
