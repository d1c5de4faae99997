"""What the submission page shows: answers in the patient's language, reasons, history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import force_locale, gettext
from sqlalchemy import select

from app.extensions import db
from app.models import Clearance, Note, StaffUser, StatusChange, Submission
from app.screening.codes import StepId
from app.screening.presenters import answer_rows
from app.screening.rule_texts import RULE_TEXTS
from app.screening.rules import RULES_BY_ID
from app.staff.forms import ClearanceForm, NoteForm, StatusForm


@dataclass(frozen=True, slots=True)
class Answer:
    """A question as the patient saw it and their answer, both in the patient's language."""

    question_id: str
    question: str
    answer: str


def patient_answers(submission: Submission) -> list[tuple[str, list[Answer]]]:
    """Every answered step, worded in the language the patient used."""
    answers = dict(submission.answers)
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
                        Answer(row.question.id, gettext(row.question.label), "; ".join(row.lines()))
                        for row in rows
                    ],
                )
            )
        return sections


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
    kind: str  # status, note or clearance
    item: Any


def history(submission: Submission) -> list[Event]:
    """Status changes, notes and clearance decisions, oldest first."""
    items: list[tuple[str, Any]] = []
    for kind, model in (("status", StatusChange), ("note", Note), ("clearance", Clearance)):
        rows = db.session.scalars(select(model).where(model.submission_id == submission.id))
        items.extend((kind, row) for row in rows)
    names = dict(
        db.session.execute(
            select(StaffUser.id, StaffUser.name).where(
                StaffUser.id.in_({row.staff_id for _, row in items})
            )
        ).all()
    )
    events = [Event(row.at, names.get(row.staff_id, "?"), kind, row) for kind, row in items]
    return sorted(events, key=lambda e: e.at)


def submission_page_context(
    submission: Submission,
    note_form: NoteForm | None = None,
    clearance_form: ClearanceForm | None = None,
) -> dict[str, Any]:
    """Everything the submission page template needs."""
    reasons = [
        Reason(rule_id, RULES_BY_ID[rule_id].group.value, RULE_TEXTS[rule_id].staff)
        for rule_id in submission.reasons
    ]
    events = history(submission)
    return {
        "submission": submission,
        "sections": patient_answers(submission),
        "reasons": reasons,
        "events": events,
        "clearances": [e for e in events if e.kind == "clearance"],
        "status_form": StatusForm(status=submission.status),
        "note_form": note_form or NoteForm(),
        "clearance_form": clearance_form or ClearanceForm(),
    }
