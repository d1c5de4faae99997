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
        # Counted in UTC: on the night the clocks go back, each of the two 1 o'clocks has its
        # digest (an hour added to the wall clock would skip one).
        this_hour = local.replace(minute=0, second=0, microsecond=0).astimezone(UTC)
        return this_hour + timedelta(hours=1), True
    if mode != NotifyMode.DAILY:
        raise ValueError(f"no message is due for mode {mode!r}")
    # Compared in UTC: two times of one zone compare by their wall clocks, which the repeated
    # hour of the autumn change makes ambiguous.
    day = local.date()
    at = datetime.combine(day, parse_time(digest_time), tzinfo=zone).astimezone(UTC)
    if at <= now:
        at = datetime.combine(day + timedelta(days=1), parse_time(digest_time), zone)
        at = at.astimezone(UTC)
    return at, True


def retry_delay(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed try: 1 minute, doubling each time, at most an
    hour (a mail server down for a morning is tried again about every hour)."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_WAIT)
