"""The work list's rules (``app.worklist``): which kind of work item a submission is, and when
the clinic's response target falls due, across weekends and changes of the clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.codes import Status
from app.screening.codes import Outcome
from app.worklist import Facts, Work, response_due, work_of

OTTAWA = ZoneInfo("America/Toronto")
VANCOUVER = ZoneInfo("America/Vancouver")


def local(zone: ZoneInfo, *args: int) -> datetime:
    return datetime(*args, tzinfo=zone)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # Tuesday 10:00 -> Wednesday 10:00.
        (local(OTTAWA, 2026, 12, 1, 10, 0), local(OTTAWA, 2026, 12, 2, 10, 0)),
        # Friday 16:00 -> Monday 16:00: the weekend does not count.
        (local(OTTAWA, 2026, 12, 4, 16, 0), local(OTTAWA, 2026, 12, 7, 16, 0)),
        # Saturday and Sunday: the clock starts on Monday at midnight -> Tuesday 00:00.
        (local(OTTAWA, 2026, 12, 5, 11, 30), local(OTTAWA, 2026, 12, 8, 0, 0)),
        (local(OTTAWA, 2026, 12, 6, 23, 59), local(OTTAWA, 2026, 12, 8, 0, 0)),
        # Friday 23:30 -> Monday 23:30.
        (local(OTTAWA, 2026, 12, 4, 23, 30), local(OTTAWA, 2026, 12, 7, 23, 30)),
    ],
)
def test_one_business_day_skips_the_weekend(received: datetime, due: datetime) -> None:
    assert response_due(received.astimezone(UTC), 1, OTTAWA) == due.astimezone(UTC)


def test_a_promise_made_at_16_00_falls_due_at_16_00_across_the_change_of_clock() -> None:
    # Friday 30 October 2026, 16:00 EDT (UTC-4); clocks go back on Sunday 1 November, so
    # Monday 16:00 is EST (UTC-5): 73 hours later, not 72.
    received = local(OTTAWA, 2026, 10, 30, 16, 0).astimezone(UTC)
    due = response_due(received, 1, OTTAWA)
    assert due == datetime(2026, 11, 2, 21, 0, tzinfo=UTC)
    assert due - received == timedelta(hours=73)
    # And in spring (clocks go forward on Sunday 14 March 2027), Friday 12 March 16:00 EST ->
    # Monday 15 March 16:00 EDT: 71 hours.
    spring = local(OTTAWA, 2027, 3, 12, 16, 0).astimezone(UTC)
    assert response_due(spring, 1, OTTAWA) - spring == timedelta(hours=71)


def test_the_target_is_reckoned_in_the_clinics_own_time_zone() -> None:
    # Friday 22:00 in Vancouver is already Saturday 01:00 in Ottawa: a clinic in Ottawa starts
    # the clock on Monday, one in Vancouver counts Friday's last two hours.
    received = local(VANCOUVER, 2026, 12, 4, 22, 0).astimezone(UTC)
    assert response_due(received, 1, OTTAWA) == local(OTTAWA, 2026, 12, 8, 0, 0)
    assert response_due(received, 1, VANCOUVER) == local(VANCOUVER, 2026, 12, 7, 22, 0)


def test_several_business_days() -> None:
    received = local(OTTAWA, 2026, 12, 3, 9, 0).astimezone(UTC)  # a Thursday
    assert response_due(received, 3, OTTAWA) == local(OTTAWA, 2026, 12, 8, 9, 0)


NOW = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)
BASE = Facts(
    outcome=Outcome.SUGGEST_CONSULT,
    is_safety_stop=False,
    status=Status.NEW,
    cleared=False,
    attempts=0,
    follow_up_due=None,
    created_at=NOW - timedelta(hours=2),
    response_due=NOW + timedelta(hours=22),
)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, (Work.NEW, BASE.response_due)),
        ({"attempts": 1}, (Work.OPEN, BASE.created_at)),
        ({"status": Status.CONTACTED}, (Work.OPEN, BASE.created_at)),
        ({"attempts": 2, "follow_up_due": NOW}, (Work.FOLLOW_UP, NOW)),
        ({"outcome": Outcome.CLINICIAN_REVIEW}, (Work.REVIEW, BASE.created_at)),
        (
            {"outcome": Outcome.CLINICIAN_REVIEW, "follow_up_due": NOW},
            (Work.REVIEW, BASE.created_at),
        ),
        ({"outcome": Outcome.CLINICIAN_REVIEW, "cleared": True}, (Work.NEW, BASE.response_due)),
        ({"status": Status.BOOKED}, (None, None)),
        ({"status": Status.CLOSED, "follow_up_due": NOW}, (None, None)),
        ({"is_safety_stop": True, "outcome": Outcome.EMERGENCY}, (None, None)),
        ({"is_safety_stop": True, "outcome": Outcome.SEE_DOCTOR}, (None, None)),
    ],
)
def test_the_kind_of_work_item(changes: dict, expected: tuple) -> None:
    assert work_of(replace(BASE, **changes)) == expected
