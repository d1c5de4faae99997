"""Follow-up on a submission: status changes, contact attempts, assignment, notes and
clinical clearance, each audited, and counted for the statistics where they count.

Every function adds its rows and an audit record to the session, and brings the submission's
follow-up columns up to date (its place in the work list, its next follow-up, its last
action); the caller commits once, so the action, its audit record and the queue's view of it
are stored together or not at all.
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import select

from app import audit
from app.codes import CLOSED_STATUSES, Status
from app.database import add_unless_taken, utcnow
from app.dates import response_due_at
from app.extensions import db
from app.models import (
    Assignment,
    Clearance,
    ContactAttempt,
    Note,
    StaffUser,
    StatusChange,
    Submission,
)
from app.screening.codes import Outcome
from app.statistics import counting

Appended = Note | Clearance | ContactAttempt


def refresh_work(submission: Submission) -> None:
    """Recompute the submission's place in the work list (``app.worklist.work_of``)."""
    cleared = submission.outcome == Outcome.CLINICIAN_REVIEW and (
        db.session.scalar(
            select(Clearance.id).where(Clearance.submission_id == submission.id).limit(1)
        )
        is not None
    )
    if submission.status in CLOSED_STATUSES:
        submission.follow_up_due = None  # a closed follow-up has nothing due
    submission.place_in_work_list(
        cleared=cleared, response_due=response_due_at(submission.created_at)
    )


def _acted(submission: Submission, staff: StaffUser, action: str) -> None:
    """Remember the last follow-up action, for the queue's rows: an ``kind:detail`` code
    (``app.staff.presenters.last_action_words``), by whom and when."""
    submission.last_action = action
    submission.last_action_by = staff.id
    submission.last_action_at = utcnow()


def change_status(submission: Submission, staff: StaffUser, status: str) -> bool:
    """Move the submission to ``status``; False when it is already there."""
    if submission.status == status:
        return False
    db.session.add(
        StatusChange(
            submission_id=submission.id,
            staff_id=staff.id,
            from_status=submission.status,
            to_status=status,
        )
    )
    audit.record(
        "submission.status",
        submission_id=submission.id,
        detail={"from": submission.status, "to": status},
    )
    before, submission.status = submission.status, status
    if not submission.is_safety_stop:  # a stop is never followed up, nor counted by status
        counting.add(counting.moved(submission, before))
    _acted(submission, staff, f"status:{status}")
    refresh_work(submission)
    return True


def _append_once(record: Appended) -> bool:
    """Add ``record``, made from a form carrying a one-time key (``OnceOnlyForm``); False, with
    nothing added, when a record from that same form is already stored."""
    kind = type(record)
    by_key = select(kind).where(kind.form_key == record.form_key)

    def stored() -> Appended | None:
        return cast(Appended | None, db.session.scalar(by_key))

    return add_unless_taken(db.session, record, stored) is record


def add_note(submission: Submission, staff: StaffUser, body: str, form_key: str) -> bool:
    """Append a note (notes are never edited or deleted); False when the form that carried
    ``form_key`` was already sent."""
    note = Note(submission_id=submission.id, staff_id=staff.id, body=body, form_key=form_key)
    if not _append_once(note):
        return False
    audit.record("submission.note", submission_id=submission.id, detail={"note_id": note.id})
    _acted(submission, staff, "note:")
    return True


def record_clearance(
    submission: Submission, staff: StaffUser, cleared: bool, reason: str, form_key: str
) -> bool:
    """A clinician's decision on whether a clinician-review submission may be booked; False
    when the form that carried ``form_key`` was already sent."""
    decision = Clearance(
        submission_id=submission.id,
        staff_id=staff.id,
        cleared=cleared,
        reason=reason,
        form_key=form_key,
    )
    if not _append_once(decision):
        return False
    audit.record("submission.clearance", submission_id=submission.id, detail={"cleared": cleared})
    _acted(submission, staff, f"clearance:{'cleared' if cleared else 'not_cleared'}")
    refresh_work(submission)
    return True


def record_attempt(
    submission: Submission,
    staff: StaffUser,
    *,
    channel: str,
    result: str,
    follow_up_at: datetime | None,
    mark_contacted: bool,
    form_key: str,
) -> bool:
    """A try to reach the patient, with the next follow-up it asks for (None: none), and,
    with ``mark_contacted``, the move from ``new`` to ``contacted`` in the same step; False
    when the form that carried ``form_key`` was already sent."""
    attempt = ContactAttempt(
        submission_id=submission.id,
        staff_id=staff.id,
        channel=channel,
        result=result,
        follow_up_at=follow_up_at,
        form_key=form_key,
    )
    if not _append_once(attempt):
        return False
    audit.record(
        "submission.attempt",
        submission_id=submission.id,
        detail={"attempt_id": attempt.id, "channel": channel, "result": result},
    )
    if submission.attempts == 0:
        counting.add(counting.first_contact(submission.created_at, attempt.at))
    if mark_contacted and submission.status == Status.NEW:
        change_status(submission, staff, Status.CONTACTED)
    submission.attempts += 1
    submission.follow_up_due = follow_up_at
    _acted(submission, staff, f"attempt:{channel}/{result}")
    refresh_work(submission)
    return True


def assign(submission: Submission, staff: StaffUser, assignee: StaffUser | None) -> bool:
    """Give the submission to ``assignee`` (None: to nobody); False when it already is."""
    assignee_id = assignee.id if assignee else None
    if submission.assignee_id == assignee_id:
        return False
    db.session.add(
        Assignment(submission_id=submission.id, staff_id=staff.id, assignee_id=assignee_id)
    )
    audit.record(
        "submission.assign", submission_id=submission.id, detail={"assignee_id": assignee_id}
    )
    submission.assignee_id = assignee_id
    _acted(submission, staff, "assign:" if assignee_id else "unassign:")
    return True
