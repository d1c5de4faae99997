"""The follow-up history of a demo submission (``app.demo``): the status it has reached, the
contact attempts, status changes, notes, clearance decisions and assignments that led there,
and the follow-up columns those leave on the submission. No database: ``app.demo`` stores it.

The columns are replayed from the history (``replay``) one event at a time as
``app.staff.service`` changes them with each action, and the work item comes from
``app.worklist.work_of`` itself, so a demo submission sits in the queue exactly where the app
would have put it. Every event falls after the submission arrived and before ``now``, by one
of the demo staff; follow-up dates may lie ahead.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from app.codes import CLOSED_STATUSES, AttemptResult, Channel, ClearanceDecision, Status
from app.screening.codes import Outcome
from app.worklist import Facts, Work, is_business_day, work_of

# The kinds of event, as app.demo stores them (one table each).
ATTEMPT, STATUS, NOTE, CLEARANCE, ASSIGN = "attempt", "status", "note", "clearance", "assign"

# By the submission's age: the chance that its follow-up is still open, and that an open one
# is still new. Recent ones are mostly waiting; older ones mostly done, with a small backlog.
_OPEN_BY_AGE = ((timedelta(days=1), 0.93, 0.8), (timedelta(days=7), 0.7, 0.45))
_OPEN_OLDER = (0.06, 0.3)
# How a follow-up ends, by outcome (relative weights).
_ENDINGS: dict[str, dict[Status, int]] = {
    Outcome.SUGGEST_CONSULT: {Status.BOOKED: 72, Status.DECLINED: 12, Status.CLOSED: 14},
    Outcome.CLINICIAN_REVIEW: {
        Status.BOOKED: 60,
        Status.REFERRED: 16,
        Status.DECLINED: 12,
        Status.CLOSED: 12,
    },
    Outcome.NOT_SUITABLE: {
        Status.BOOKED: 10,
        Status.REFERRED: 20,
        Status.DECLINED: 35,
        Status.CLOSED: 35,
    },
    Outcome.NOT_INDICATED: {
        Status.BOOKED: 15,
        Status.REFERRED: 30,
        Status.DECLINED: 20,
        Status.CLOSED: 35,
    },
}
# Safety stops hold no contact details: staff only look at them and move them on (closed).
_STOP_CLOSED_BY_AGE = ((timedelta(days=1), 0.0), (timedelta(days=7), 0.3))
_STOP_CLOSED_OLDER = 0.85

# fmt: off
_NOTES = {
    "en": (
        "Prefers a call after 3 pm.", "Asked whether extended health covers IMS.",
        "Would like an evening appointment.", "Voicemail full; will try e-mail.",
        "Asked us to call back next week.",
    ),
    "fr_CA": (
        "Préfère un appel après 15 h.", "A demandé si son assurance couvre l'IMS.",
        "Souhaite un rendez-vous en soirée.", "Boîte vocale pleine; essayer par courriel.",
        "Rappeler la semaine prochaine, à sa demande.",
    ),
}
_STOP_NOTE = "Safety stop seen; no contact details, nothing to follow up."
_REASONS = {
    ClearanceDecision.CLEARED: (
        "History reviewed; no reason to delay IMS.",
        "Stable anticoagulant dose: cleared, with firm pressure after each needle.",
        "Diabetes well controlled: cleared, check the skin at each visit.",
        "Dossier revu; IMS possible, éviter le côté opéré.",
    ),
    ClearanceDecision.NOT_CLEARED: (
        "Not cleared yet: see the family doctor about the weight loss first.",
        "Not cleared while pregnant; offer manual therapy instead.",
        "Pas d'IMS avant l'avis du chirurgien sur le site opéré.",
    ),
}
# fmt: on
# Chance of a clearance decision on a clinician review, by status (others: 0.85); of reaching
# the patient at the last try, by status (others: 0.95); and what an unanswered try gave.
_CLEARANCE_RATE = {Status.NEW: 0.25, Status.CONTACTED: 0.7, Status.BOOKED: 1.0}
_REACHED_RATE = {Status.CONTACTED: 0.85, Status.CLOSED: 0.3}
_UNANSWERED = (AttemptResult.NO_ANSWER, AttemptResult.LEFT_MESSAGE, AttemptResult.WRONG_NUMBER)


@dataclass(frozen=True, slots=True)
class DemoStaff:
    """The ids of the fictional staff a history names."""

    front_desk: tuple[int, ...]
    clinician: int


@dataclass(frozen=True, slots=True)
class Event:
    """One follow-up action: its kind, who and when, the columns of its row, and the last
    action code it leaves (``app.staff.service._acted``)."""

    kind: str
    staff_id: int
    at: datetime
    values: dict[str, Any]
    code: str


@dataclass(slots=True)
class FollowUp:
    """A submission's follow-up columns as the actions so far have left them."""

    status: str = Status.NEW
    attempts: int = 0
    follow_up_due: datetime | None = None
    cleared: bool = False  # a clearance decision is recorded
    assignee_id: int | None = None
    last_action: str | None = None
    last_action_by: int | None = None
    last_action_at: datetime | None = None


def replay(events: Iterable[Event]) -> FollowUp:
    """The follow-up columns after ``events``, in order, each applied as ``app.staff.service``
    applies it (a closed status clears the follow-up date, as ``refresh_work`` does)."""
    state = FollowUp()
    for event in events:
        if event.kind == STATUS:
            state.status = event.values["to_status"]
        elif event.kind == ATTEMPT:
            state.attempts += 1
            state.follow_up_due = event.values["follow_up_at"]
        elif event.kind == CLEARANCE:
            state.cleared = True
        elif event.kind == ASSIGN:
            state.assignee_id = event.values["assignee_id"]
        if state.status in CLOSED_STATUSES:
            state.follow_up_due = None
        state.last_action = event.code
        state.last_action_by = event.staff_id
        state.last_action_at = event.at
    return state


def follow_up_columns(row: dict[str, Any], state: FollowUp, response_due: datetime) -> None:
    """Set the submission ``row``'s follow-up columns from ``state``, its work item from
    ``app.worklist.work_of``."""
    work: Work | None
    work, due_at = work_of(
        Facts(
            outcome=row["outcome"],
            is_safety_stop=row["is_safety_stop"],
            status=state.status,
            cleared=row["outcome"] == Outcome.CLINICIAN_REVIEW and state.cleared,
            attempts=state.attempts,
            follow_up_due=state.follow_up_due,
            created_at=row["created_at"],
            response_due=response_due,
        )
    )
    row.update(
        status=state.status,
        attempts=state.attempts,
        follow_up_due=state.follow_up_due,
        assignee_id=state.assignee_id,
        last_action=state.last_action,
        last_action_by=state.last_action_by,
        last_action_at=state.last_action_at,
        work=None if work is None else int(work),
        due_at=due_at,
    )


def pick_status(rng: random.Random, age: timedelta, outcome: str, stop: bool) -> Status:
    """Where a submission of that ``age`` and ``outcome`` has got to."""
    if stop:
        closing = next((p for limit, p in _STOP_CLOSED_BY_AGE if age < limit), _STOP_CLOSED_OLDER)
        return Status.CLOSED if rng.random() < closing else Status.NEW
    open_share, new_share = next(
        ((o, n) for limit, o, n in _OPEN_BY_AGE if age < limit), _OPEN_OLDER
    )
    if rng.random() < open_share:
        return Status.NEW if rng.random() < new_share else Status.CONTACTED
    endings = _ENDINGS[outcome]
    return rng.choices(tuple(endings), tuple(endings.values()))[0]


@dataclass(frozen=True, slots=True)
class _Step:
    """An event before it has a time: hours after the previous one, and for an attempt the
    days until the follow-up it asks for."""

    hours: float
    kind: str
    staff_id: int
    values: dict[str, Any]
    code: str
    follow_up_days: int | None = None


class _Planner:
    """Builds one submission's steps, in order."""

    def __init__(self, rng: random.Random, staff: DemoStaff, channels: tuple[str, str]) -> None:
        self.rng, self.staff, self.channels = rng, staff, channels
        self.steps: list[_Step] = []
        self.status: str = Status.NEW

    def desk(self) -> int:
        return self.rng.choice(self.staff.front_desk)

    def add(
        self, hours: float, kind: str, staff_id: int, values: dict[str, Any], code: str
    ) -> None:
        self.steps.append(_Step(hours, kind, staff_id, values, code))

    def move(self, to: str, hours: float, staff_id: int | None = None) -> None:
        values = {"from_status": self.status, "to_status": to}
        self.add(hours, STATUS, staff_id or self.desk(), values, f"status:{to}")
        self.status = to

    def attempt(
        self, hours: float, result: str, follow_up_days: int | None, mark_contacted: bool = False
    ) -> None:
        """A try to reach the patient; with ``mark_contacted``, the move from ``new`` to
        ``contacted`` recorded with it, by the same person at the same moment."""
        channel = self.channels[0] if self.rng.random() < 0.85 else self.channels[1]
        if channel == Channel.EMAIL and result != AttemptResult.REACHED:
            result = AttemptResult.NO_ANSWER  # an e-mail is answered or not
        by = self.desk()
        if mark_contacted:
            self.move(Status.CONTACTED, hours, by)
            hours = 0
        values = {"channel": channel, "result": result}
        code = f"attempt:{channel}/{result}"
        self.steps.append(_Step(hours, ATTEMPT, by, values, code, follow_up_days))


def _channels(row: dict[str, Any]) -> tuple[str, str]:
    """The way the patient asked to be reached, and the other way when they gave it too."""
    preferred = row["contact_preference"] or Channel.PHONE
    other = Channel.EMAIL if preferred == Channel.PHONE else Channel.PHONE
    return preferred, other if row[other] else preferred


def history(
    rng: random.Random, row: dict[str, Any], staff: DemoStaff, now: datetime, zone: ZoneInfo
) -> list[Event]:
    """The follow-up of the submission ``row`` (whose ``status`` says where it ends), oldest
    first. Draws the same random numbers whatever ``now`` is, so a seed repeats it."""
    created_at, status, outcome = row["created_at"], row["status"], row["outcome"]
    age = now - created_at
    plan = _Planner(rng, staff, _channels(row))
    if row["is_safety_stop"]:
        if status != Status.NEW:
            if rng.random() < 0.3:
                plan.add(rng.uniform(2, 48), NOTE, plan.desk(), {"body": _STOP_NOTE}, "note:")
            plan.move(status, rng.uniform(0.2, 48))
        return _timed(plan.steps, created_at, age, zone, rng)
    review = outcome == Outcome.CLINICIAN_REVIEW
    if review and rng.random() < _CLEARANCE_RATE.get(status, 0.85) and age > timedelta(hours=2):
        cleared = status == Status.BOOKED or (status != Status.REFERRED and rng.random() < 0.8)
        decision = ClearanceDecision.CLEARED if cleared else ClearanceDecision.NOT_CLEARED
        values = {"cleared": cleared, "reason": rng.choice(_REASONS[decision])}
        plan.add(rng.uniform(1, 24), CLEARANCE, staff.clinician, values, f"clearance:{decision}")
    if rng.random() < (0.4 if status in (Status.NEW, Status.CONTACTED) else 0.1):
        assignee = rng.choice((*staff.front_desk, staff.clinician) if review else staff.front_desk)
        plan.add(rng.uniform(0.2, 6), ASSIGN, plan.desk(), {"assignee_id": assignee}, "assign:")
    if status == Status.NEW:
        if rng.random() < 0.12 and age > timedelta(hours=3):  # tried once, no answer yet
            plan.attempt(rng.uniform(1, 24), rng.choice(_UNANSWERED[:2]), rng.choice((None, 1, 2)))
        return _timed(plan.steps, created_at, age, zone, rng)
    hours = rng.uniform(1, 30)  # until the first try
    for _ in range(rng.choices((0, 1, 2), (60, 28, 12))[0]):  # earlier tries that failed
        days = rng.choice((1, 2, 3))
        plan.attempt(hours, rng.choices(_UNANSWERED, (55, 40, 5))[0], days)
        hours = 24 * days + rng.uniform(-6, 6)
    reached = rng.random() < _REACHED_RATE.get(status, 0.95)
    last = AttemptResult.REACHED if reached else rng.choice(_UNANSWERED[:2])
    follow_up = rng.choice((None, None, 1, 2, 3, 5)) if status == Status.CONTACTED else None
    # A last try nobody answered marks nothing: that follow-up goes from new straight to its
    # end (the patient booked online, or the clinic gave up).
    contacted = last != AttemptResult.NO_ANSWER or status == Status.CONTACTED
    plan.attempt(hours, last, follow_up, mark_contacted=contacted)
    if rng.random() < 0.25:
        body = rng.choice(_NOTES[row["locale"]])
        plan.add(rng.uniform(0.1, 24), NOTE, plan.desk(), {"body": body}, "note:")
    if status != Status.CONTACTED:
        plan.move(
            status, rng.uniform(0.2, 48), staff.clinician if status == Status.REFERRED else None
        )
    return _timed(plan.steps, created_at, age, zone, rng)


def _timed(
    steps: list[_Step], created_at: datetime, age: timedelta, zone: ZoneInfo, rng: random.Random
) -> list[Event]:
    """The steps as events in time, squeezed (in proportion) into the submission's age when
    they would run past now; a follow-up falls on a business day, between 9:00 and 16:00."""
    total = sum(step.hours for step in steps)
    room = age.total_seconds() / 3600 * 0.95
    scale = min(1.0, room / total) if total else 1.0
    events: list[Event] = []
    hours = 0.0
    for step in steps:
        hours += step.hours * scale
        at = created_at + timedelta(hours=hours)
        values = step.values
        if step.kind == ATTEMPT:
            clock = time(rng.randrange(9, 16))
            follow_up_at = None
            if step.follow_up_days is not None:
                day = (at + timedelta(days=step.follow_up_days)).astimezone(zone).date()
                while not is_business_day(day):
                    day += timedelta(days=1)
                follow_up_at = datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)
            values = {**values, "follow_up_at": follow_up_at}
        events.append(Event(step.kind, step.staff_id, at, values, step.code))
    return events
