"""What the submission page shows: answers in the patient's language, reasons, history (with
the names of the staff it mentions), and the follow-up forms."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import session, url_for
from flask_babel import force_locale, gettext
from sqlalchemy import select

from app.database import utcnow
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
from app.screening.codes import StepId
from app.screening.presenters import answer_rows
from app.screening.rule_texts import RULE_TEXTS
from app.screening.rules import RULES_BY_ID, flagged_questions
from app.staff.forms import AssignForm, AttemptForm, ClearanceForm, NoteForm, StatusForm
from app.staff.rows import Words, due_of

# The last queue page a staff member looked at: "Back to the queue" returns to it.
LAST_QUEUE_PAGE = "staff_queue_page"


def back_to_queue() -> str:
    """The queue page last seen (its view, filters and page), or To do."""
    last = session.get(LAST_QUEUE_PAGE)
    return last if isinstance(last, str) and last.startswith("/staff/") else url_for("staff.queue")


@dataclass(frozen=True, slots=True)
class Answer:
    """A question as the patient saw it and their answer, both in the patient's language."""

    question_id: str
    question: str
    answer: str
    flagged: bool  # the answer fired one of the submission's rules


def patient_answers(submission: Submission) -> list[tuple[str, list[Answer]]]:
    """Every answered step, worded in the language the patient used, with the answers that
    fired a rule flagged."""
    answers = dict(submission.answers)
    flagged = flagged_questions(submission.reasons, answers)
    with force_locale(submission.locale):
        sections = []
        for step, rows in answer_rows(answers):
            if not any(q.id in answers for q in step.questions):
                continue  # a safety stop has no later steps
            if step.id is StepId.CONTACT:
                continue  # contact details are shown on their own
            sections.append(
                (
                    gettext(step.title),
                    [
                        Answer(
                            row.question.id,
                            gettext(row.question.label),
                            "; ".join(row.lines()),
                            row.question.id in flagged,
                        )
                        for row in rows
                    ],
                )
            )
        return sections


def phone_uri(phone: str | None) -> str | None:
    """A ``tel:`` link to ``phone`` as the patient typed it: its digits, and a leading +."""
    if not phone:
        return None
    digits = re.sub(r"\D", "", phone)
    return f"tel:{'+' if phone.lstrip().startswith('+') else ''}{digits}"


@dataclass(frozen=True, slots=True)
class Reason:
    """A rule that fired, with its group and clinical text."""

    rule_id: str
    group: str
    text: str


@dataclass(frozen=True, slots=True)
class Event:
    """One line of a submission's history."""

    at: datetime
    staff: str
    kind: str  # status, note, clearance, attempt or assignment
    item: Any


def history(submission: Submission) -> tuple[list[Event], dict[int, str]]:
    """Status changes, notes, clearance decisions, contact attempts and assignments, oldest
    first."""
    items: list[tuple[str, Any]] = []
    models: tuple[tuple[str, Any], ...] = (
        ("status", StatusChange),
        ("note", Note),
        ("clearance", Clearance),
        ("attempt", ContactAttempt),
        ("assignment", Assignment),
    )
    for kind, model in models:
        found: Iterable[Any] = db.session.scalars(
            select(model).where(model.submission_id == submission.id)
        )
        items.extend((kind, row) for row in found)
    names = dict(
        db.session.execute(
            select(StaffUser.id, StaffUser.name).where(
                StaffUser.id.in_(
                    {row.staff_id for _, row in items}
                    | {row.assignee_id for kind, row in items if kind == "assignment"}
                    | ({submission.assignee_id} - {None})
                )
            )
        ).all()
    )
    events = [Event(row.at, names.get(row.staff_id, "?"), kind, row) for kind, row in items]
    return sorted(events, key=lambda e: e.at), names


def record_context(submission: Submission) -> dict[str, Any]:
    """What the submission page and its chart copies (print view, PDF) show of the record."""
    reasons = [
        Reason(rule_id, RULES_BY_ID[rule_id].group.value, RULE_TEXTS[rule_id].staff)
        for rule_id in submission.reasons
    ]
    events, names = history(submission)
    sections = patient_answers(submission)
    now = utcnow()
    return {
        "now": now,
        "names": names,
        "due": due_of(submission, now),
        "received_ago": Words(now).ago(submission.created_at),
        "phone_uri": phone_uri(submission.phone),
        "submission": submission,
        # The answers that fired a rule first, then the rest by step.
        "flagged": [answer for _title, rows in sections for answer in rows if answer.flagged],
        "sections": [
            (title, rest)
            for title, rows in sections
            if (rest := [answer for answer in rows if not answer.flagged])
        ],
        "reasons": reasons,
        "events": events,
        # The decision in force: the latest a clinician recorded.
        "decision": next((e for e in reversed(events) if e.kind == "clearance"), None),
    }


def submission_page_context(
    submission: Submission,
    note_form: NoteForm | None = None,
    clearance_form: ClearanceForm | None = None,
    attempt_form: AttemptForm | None = None,
) -> dict[str, Any]:
    """Everything the submission page template needs: the record and the forms."""
    return {
        **record_context(submission),
        "back_url": back_to_queue(),
        "status_form": StatusForm(status=submission.status),
        "note_form": note_form or NoteForm(),
        "clearance_form": clearance_form or ClearanceForm(),
        "attempt_form": attempt_form or AttemptForm(),
        "assign_form": AssignForm(),
    }
