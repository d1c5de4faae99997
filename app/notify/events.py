"""The outbox rows each event writes: one per recipient, in the transaction of the event.

A new enquiry is written with the submission (``new_enquiry``, called by the screening
service). Events that come with time, a follow-up date reached or an enquiry past the clinic's
response target, have no transaction of their own: the sender looks for them on each round
(``timed_events``) and writes each once, its ``event_key`` refusing a second copy, whichever
sender saw it first. Only events of the last ``LOOK_BACK`` are written, so that turning
notifications on does not send the whole history of a long-running clinic.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Protocol, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.codes import PATIENT_DATA_ROLES, MessageKind, MessageState, NotifyMode, Role
from app.database import read_rows
from app.extensions import db
from app.models import OutboxMessage, StaffUser, Submission
from app.notify.schedule import due_for
from app.screening.codes import Outcome
from app.settings.store import current
from app.worklist import Work

LOOK_BACK = timedelta(days=1)


class Listener(Protocol):
    """What events need of a staff account: a ``StaffUser``, or a row of these columns."""

    @property
    def id(self) -> int: ...
    @property
    def role(self) -> str: ...
    @property
    def is_active(self) -> bool: ...
    @property
    def notify_mode(self) -> str: ...
    @property
    def digest_time(self) -> str: ...
    @property
    def language(self) -> str: ...


_LISTENER_COLUMNS = (
    StaffUser.id,
    StaffUser.role,
    StaffUser.is_active,
    StaffUser.notify_mode,
    StaffUser.digest_time,
    StaffUser.language,
)


def wants_messages(staff: Listener) -> bool:
    """Whether ``staff`` is still to hear of events: an active account of a role that sees
    patients, which has not turned notifications off."""
    return (
        staff.is_active
        and staff.role in PATIENT_DATA_ROLES
        and staff.notify_mode != NotifyMode.NONE
    )


def _told(submission: Submission) -> tuple[MessageKind, Role]:
    """What a new enquiry's message is, and who hears of it: clinicians of a clinician review,
    the front desk of every other enquiry to contact."""
    if submission.outcome == Outcome.CLINICIAN_REVIEW:
        return MessageKind.NEW_REVIEW, Role.CLINICIAN
    return MessageKind.NEW_CALL, Role.FRONT_DESK


def enquiry_listeners(submission: Submission) -> list[Listener]:
    """The staff to tell of ``submission`` (``_told``, ``wants_messages``); nobody of a safety
    stop, which holds no contact details. Read as plain rows before the submission's
    transaction, on a connection of their own (``read_rows``), so that on SQLite the write lock
    is not held for it; the sender checks each account again before it sends."""
    if submission.is_safety_stop:
        return []
    _kind, role = _told(submission)
    query = select(*_LISTENER_COLUMNS).where(StaffUser.role == role)
    return [staff for staff in read_rows(query) if wants_messages(staff)]


def _row(
    kind: MessageKind,
    submission_id: int,
    key: str,
    now: datetime,
    staff: Listener | None = None,
    *,
    locale: str = "",
) -> dict[str, Any]:
    """An outbox row for ``staff`` (due now or with their digest), or for the patient's receipt
    (no ``staff``: due now, in ``locale``)."""
    due_at, digest = (now, False)
    if staff is not None:
        due_at, digest = due_for(staff.notify_mode, staff.digest_time, now, current().zone)
        key, locale = f"{key}:{staff.id}", staff.language
    return {
        "kind": kind,
        "staff_id": staff.id if staff is not None else None,
        "submission_id": submission_id,
        "event_key": key,
        "locale": locale,
        "digest": digest,
        "state": MessageState.PENDING,
        "created_at": now,
        "due_at": due_at,
        "attempts": 0,
    }


def new_enquiry(
    submission: Submission, now: datetime, listeners: list[Listener], *, receipt: bool
) -> None:
    """Messages for a submission just stored (in its transaction): one for each of its
    ``listeners`` (``enquiry_listeners``); the patient gets a receipt when they asked for one
    (``receipt``). A safety stop holds no contact details: nobody is told."""
    if submission.is_safety_stop:
        return
    kind, _role = _told(submission)
    key = f"{kind}:{submission.id}"
    rows = [_row(kind, submission.id, key, now, staff) for staff in listeners]
    if receipt and submission.email:
        receipt_key = f"{MessageKind.RECEIPT}:{submission.id}"
        rows.append(
            _row(MessageKind.RECEIPT, submission.id, receipt_key, now, locale=submission.locale)
        )
    _write(rows)


def timed_events(now: datetime) -> int:
    """Write the messages of follow-ups that fell due and of new enquiries that went past the
    response target since ``now - LOOK_BACK``, each once; the number of rows written. Each goes
    to the person the submission is assigned to (nobody, if that person turned notifications
    off), or to the front desk when nobody is assigned or the assignee's account is disabled."""
    since = now - LOOK_BACK
    follow_ups = select(Submission.id, Submission.assignee_id, Submission.follow_up_due).where(
        Submission.work.is_not(None),
        Submission.follow_up_due > since,
        Submission.follow_up_due <= now,
    )
    past_target = select(Submission.id, Submission.assignee_id, Submission.due_at).where(
        Submission.work == Work.NEW, Submission.due_at > since, Submission.due_at <= now
    )
    staff_by_id = {staff.id: staff for staff in db.session.scalars(select(StaffUser))}
    desk = [s for s in staff_by_id.values() if s.role == Role.FRONT_DESK and wants_messages(s)]
    rows: list[dict[str, Any]] = []
    for kind, query in (
        (MessageKind.FOLLOW_UP_DUE, follow_ups),
        (MessageKind.PAST_TARGET, past_target),
    ):
        # In id order, so that two senders inserting at once take their locks in one order.
        for submission_id, assignee_id, moment in db.session.execute(query.order_by(Submission.id)):
            assignee = staff_by_id.get(assignee_id) if assignee_id is not None else None
            if assignee is not None and assignee.is_active:
                recipients = [assignee] if wants_messages(assignee) else []
            else:
                recipients = desk
            key = f"{kind}:{submission_id}:{moment:%Y%m%dT%H%M}"
            rows += [_row(kind, submission_id, key, now, staff) for staff in recipients]
    return _write(rows)


# Rows a single INSERT carries at most (SQLite allows 32,766 bound values; a row has 10).
INSERT_CHUNK = 500


def _write(rows: list[dict[str, Any]]) -> int:
    """Insert ``rows``, leaving out any whose event is already written; how many went in."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    written = 0
    for start in range(0, len(rows), INSERT_CHUNK):
        statement = (
            insert(OutboxMessage)
            .values(rows[start : start + INSERT_CHUNK])
            .on_conflict_do_nothing(index_elements=["event_key"])
        )
        written += cast(CursorResult[Any], db.session.execute(statement)).rowcount
    return written


def retime(staff: StaffUser, now: datetime) -> None:
    """Move ``staff``'s waiting messages (retries included) to their new choice: due at once or
    with their next digest, in their language; for none, dropped (kept, marked not sent)."""
    waiting = (OutboxMessage.staff_id == staff.id) & (OutboxMessage.state == MessageState.PENDING)
    if staff.notify_mode == NotifyMode.NONE:
        db.session.execute(update(OutboxMessage).where(waiting).values(state=MessageState.DROPPED))
        return
    due_at, digest = due_for(staff.notify_mode, staff.digest_time, now, current().zone)
    db.session.execute(
        update(OutboxMessage)
        .where(waiting)
        .values(due_at=due_at, digest=digest, locale=staff.language)
    )
