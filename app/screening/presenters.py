"""What the patient pages show, prepared from catalogue data, answers and configuration."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import get_locale, gettext, ngettext
from flask_babel import lazy_gettext as _l

from app.screening.catalogue import Kind, Question, Step
from app.screening.codes import Group, Outcome
from app.screening.forms import RECEIPT_FIELD, StepForm
from app.screening.missing_answers import MISSING
from app.screening.questions import STEPS
from app.screening.rule_texts import RULE_TEXTS
from app.screening.rules import RULES_BY_ID
from app.settings.store import current


def anchor_id(question: Question) -> str:
    """The id of a question's first input: where the error summary's link lands."""
    if question.choices and question.kind is not Kind.CONSENT:
        return f"{question.id}-{question.choices[0].code}"
    return question.id


# From this many questions left unanswered on a page, the error summary says how many in one
# line (linking to the first) instead of listing each: a page sent empty gives a short summary,
# and each question still says what it needs beside it.
COMPACT_FROM = 3


def field_errors(form: StepForm) -> list[tuple[str, str]]:
    """``(input id, message)`` for the error summary, in page order: the first error of each
    question, each message its own (``missing_answers``); several questions left unanswered
    make one line."""
    errors = [(q, str(form[q.id].errors[0])) for q in form.step.questions if form[q.id].errors]
    unanswered = [q for q, message in errors if message == gettext(MISSING.get(q.id, ""))]
    if len(unanswered) < COMPACT_FROM:
        listed = [(anchor_id(q), message) for q, message in errors]
    else:
        count = ngettext(
            "%(num)d question on this page is not answered yet.",
            "%(num)d questions on this page are not answered yet.",
            len(unanswered),
        )
        summary = [(anchor_id(unanswered[0]), count)]
        listed = summary + [(anchor_id(q), m) for q, m in errors if q not in unanswered]
    if RECEIPT_FIELD in form and form[RECEIPT_FIELD].errors:
        # The receipt's box sits under the email address: its error comes after the name's
        # and the address's.
        before = ("full_name", "email")
        after = max((i + 1 for i, (id_, _) in enumerate(listed) if id_ in before), default=0)
        listed.insert(after, (RECEIPT_FIELD, str(form[RECEIPT_FIELD].errors[0])))
    return listed


@dataclass(frozen=True, slots=True)
class AnswerRow:
    """One answer, for the check page and the staff's submission page: catalogue labels to
    translate, the patient's own text, or a number on the pain scale."""

    question: Question
    labels: tuple[str, ...] = ()
    text: str | None = None
    number: int | None = None

    @property
    def given(self) -> bool:
        """Whether the question was answered (the check page mutes "Not given")."""
        return self.number is not None or bool(self.text) or bool(self.labels)

    def lines(self) -> list[str]:
        """The answer in words, in the current locale: a line for each chosen option, else one
        line; "Not given" when the question was left empty."""
        if self.number is not None:
            return [gettext("%(number)d out of 10", number=self.number)]
        if self.text:
            return [self.text]
        if self.labels:
            return [gettext(label) for label in self.labels]
        return [gettext("Not given")]


def _row(question: Question, value: Any) -> AnswerRow:
    if value is None or value == []:
        return AnswerRow(question)
    if question.kind is Kind.SCALE:
        return AnswerRow(question, number=value)
    if question.kind is Kind.CONSENT:
        return AnswerRow(question, labels=(question.choices[0].label,))
    if question.choices:
        codes = value if isinstance(value, list) else [value]
        return AnswerRow(question, labels=tuple(question.choice_label(c) for c in codes))
    return AnswerRow(question, text=value)


def answer_rows(answers: dict[str, Any]) -> list[tuple[Step, list[AnswerRow]]]:
    """Every step with the rows of its answers, in questionnaire order."""
    return [(step, [_row(q, answers.get(q.id)) for q in step.questions]) for step in STEPS]


def clinic_details() -> dict[str, Any]:
    """The clinic's name and contact points (its settings, ``app.settings``), the texts it
    wrote for patients in the page's language, and the numbers for urgent help (from the
    configuration: the operator sets them for the region)."""
    settings = current()
    config = current_app.config
    language = str(get_locale())
    return {
        "name": settings.name,
        "site_name": settings.site_name,
        "phone": settings.phone,
        "email": settings.email,
        "address": settings.address,
        "hours": settings.in_language("hours", language),
        "booking_url": settings.booking_url,
        "next_steps": settings.in_language("next_steps", language),
        "response_target_days": settings.response_target_days,
        "finished": settings.finished,
        "emergency_number": config["EMERGENCY_NUMBER"],
        "health_line": config["HEALTH_LINE"] or gettext("Health811 (call 811)"),
        "health_line_number": config["HEALTH_LINE_NUMBER"],
    }


# The reasons each result shows, by rule group, each group under its own heading: only those
# that explain that result (under "IMS is not the right fit", the reasons IMS might have
# helped would contradict the heading).
REASON_SECTIONS: dict[Outcome, tuple[tuple[Group, Any], ...]] = {
    Outcome.EMERGENCY: ((Group.EMERGENCY, _l("Why you need emergency care")),),
    Outcome.SEE_DOCTOR: ((Group.URGENT, _l("Why a doctor should check you first")),),
    Outcome.NOT_SUITABLE: ((Group.CONTRAINDICATION, _l("Why IMS is not the right fit")),),
    Outcome.NOT_INDICATED: (),
    Outcome.CLINICIAN_REVIEW: (
        (Group.PRECAUTION, _l("Why a physiotherapist will check first")),
        (Group.INDICATION, _l("Why IMS may help you")),
        (Group.NOTE, _l("Good to know")),
    ),
    Outcome.SUGGEST_CONSULT: (
        (Group.INDICATION, _l("Why we suggest this")),
        (Group.NOTE, _l("Good to know")),
    ),
}


@dataclass(frozen=True, slots=True)
class ReasonSection:
    heading: Any
    texts: list[str]  # the patient texts of its rules, to translate


def reason_sections(outcome: str, reasons: list[str]) -> list[ReasonSection]:
    """The result page's reasons: for each group its outcome shows, the reasons of that group
    that fired, in reason order (a group with none is left out)."""
    sections = []
    for group, heading in REASON_SECTIONS[Outcome(outcome)]:
        texts = [RULE_TEXTS[r].patient for r in reasons if RULES_BY_ID[r].group is group]
        if texts:
            sections.append(ReasonSection(heading, texts))
    return sections
