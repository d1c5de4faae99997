"""Follow-up on a submission: status changes, notes and clinical clearance, each audited.

Every function adds its rows and an audit record to the session; the caller commits once, so
the action and its audit record are stored together or not at all.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import select

from app import audit
from app.database import add_unless_taken
from app.extensions import db
from app.models import Clearance, Note, StaffUser, StatusChange, Submission, attention
from app.screening.codes import Outcome


def refresh_attention(submission: Submission) -> None:
    """Recompute whether, and how high, the submission stays pinned at the top of the queue."""
    cleared = submission.outcome == Outcome.CLINICIAN_REVIEW and (
        db.session.scalar(
            select(Clearance.id).where(Clearance.submission_id == submission.id).limit(1)
        )
        is not None
    )
    submission.attention = attention(
        submission.outcome, submission.is_safety_stop, submission.status, cleared
    )


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
    submission.status = status
    refresh_attention(submission)
    return True


def _append_once(record: Note | Clearance) -> bool:
    """Add ``record``, made from a form carrying a one-time key (``OnceOnlyForm``); False, with
    nothing added, when a record from that same form is already stored."""
    kind = type(record)
    by_key = select(kind).where(kind.form_key == record.form_key)

    def stored() -> Note | Clearance | None:
        return cast(Note | Clearance | None, db.session.scalar(by_key))

    return add_unless_taken(db.session, record, stored) is record


def add_note(submission: Submission, staff: StaffUser, body: str, form_key: str) -> bool:
    """Append a note (notes are never edited or deleted); False when the form that carried
    ``form_key`` was already sent."""
    note = Note(submission_id=submission.id, staff_id=staff.id, body=body, form_key=form_key)
    if not _append_once(note):
        return False
    audit.record("submission.note", submission_id=submission.id, detail={"note_id": note.id})
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
    refresh_attention(submission)
    return True
