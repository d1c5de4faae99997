"""What the clinic must do next about a submission, and by when. Pure: no framework imports.

A submission someone can act on (it holds contact details: not a safety stop) whose follow-up
is still open is a work item of one kind (``Work``), with the moment its place in the To do
view is reckoned from (``due``). The queue reads the kinds in the order SPEC section 5 gives
(``app.staff.queries.TODO_RUNS``): clinician reviews waiting for a decision, overdue follow-ups,
new enquiries past the clinic's response target, then the rest, each longest waiting first.

The response target is the clinic's promise to make a first contact within a number of
business days (Monday to Friday in the clinic's time zone): ``response_due``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import IntEnum
from zoneinfo import ZoneInfo

from app.codes import CLOSED_STATUSES, Status
from app.screening.codes import Outcome

SATURDAY = 5  # date.weekday(): Monday is 0


class Work(IntEnum):
    """The kind of a work item, stored on the submission (``Submission.work``)."""

    REVIEW = 1  # a clinician review waiting for a clinician's decision
    FOLLOW_UP = 2  # a follow-up date is set
    NEW = 3  # nobody has tried to reach the patient yet
    OPEN = 4  # tried or contacted, no follow-up date set: open until someone closes it


@dataclass(frozen=True, slots=True)
class Facts:
    """What decides a submission's place in the work list."""

    outcome: str
    is_safety_stop: bool
    status: str
    cleared: bool  # a clinician recorded a clearance decision
    attempts: int  # contact attempts recorded
    follow_up_due: datetime | None
    created_at: datetime
    response_due: datetime  # ``response_due(created_at, ...)``


def work_of(facts: Facts) -> tuple[Work | None, datetime | None]:
    """The kind of work item a submission is (None: not one) and the moment its place in that
    kind is reckoned from: the follow-up date, the response target, or when it arrived."""
    if facts.is_safety_stop or facts.status in CLOSED_STATUSES:
        return None, None
    if facts.outcome == Outcome.CLINICIAN_REVIEW and not facts.cleared:
        return Work.REVIEW, facts.created_at
    if facts.follow_up_due is not None:
        return Work.FOLLOW_UP, facts.follow_up_due
    if facts.status == Status.NEW and facts.attempts == 0:
        return Work.NEW, facts.response_due
    return Work.OPEN, facts.created_at


def is_business_day(day: date) -> bool:
    return day.weekday() < SATURDAY


def response_due(received: datetime, business_days: int, zone: ZoneInfo) -> datetime:
    """When a first contact is due for a submission ``received`` at that moment: the clock runs
    on business days only (Monday to Friday in ``zone``), and a day is counted on the wall
    clock, so that a promise made at 16:00 falls due at 16:00 across a change to or from
    daylight saving time. Received on a weekend, the clock starts on Monday at midnight.
    Public holidays are not known: they count as business days."""
    local = received.astimezone(zone)
    day, clock = local.date(), local.time().replace(tzinfo=None)
    if not is_business_day(day):
        while not is_business_day(day):
            day += timedelta(days=1)
        clock = time.min
    for _ in range(business_days):
        day += timedelta(days=1)
        while not is_business_day(day):
            day += timedelta(days=1)
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)
