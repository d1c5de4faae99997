"""When a message is due, and how long to wait before trying a failed one again. Pure.

A staff member who hears of each event at once gets a message due now; one who chose a digest
gets it with the next digest: at the top of the next hour, or at their time of day, both on the
clinic's wall clock (a daily digest at 08:00 stays at 08:00 across a change of daylight saving
time).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.codes import NotifyMode

FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=1)


def parse_time(text: str) -> time:
    """A digest time as stored, ``HH:MM``."""
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def due_for(mode: str, digest_time: str, now: datetime, zone: ZoneInfo) -> tuple[datetime, bool]:
    """When a message for someone who chose ``mode`` is due, and whether it waits for their
    digest. ``mode`` is never ``none``: nobody writes a message for such a person."""
    if mode == NotifyMode.EACH:
        return now, False
    local = now.astimezone(zone)
    if mode == NotifyMode.HOURLY:
        next_hour = local.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        return next_hour.astimezone(UTC), True
    if mode != NotifyMode.DAILY:
        raise ValueError(f"no message is due for mode {mode!r}")
    at = datetime.combine(local.date(), parse_time(digest_time), tzinfo=zone)
    if at <= local:
        at = datetime.combine(local.date() + timedelta(days=1), parse_time(digest_time), zone)
    return at.astimezone(UTC), True


def retry_delay(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed try: 1 minute, doubling each time, at most an
    hour (a mail server down for a morning is tried again about every hour)."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_WAIT)
