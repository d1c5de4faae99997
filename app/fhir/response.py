"""One submission as a FHIR R4 ``QuestionnaireResponse``, in JSON.

``response_json`` writes a submission's answers in the questionnaire's shape (a group
item per step answered, in order), each answer a Coding of our answer code system, an integer
or a string; its status is ``completed``, or ``stopped`` for a safety stop. The rules' decision
travels in one extension of ours, ``screening-decision``: the outcome, every reason and the
rules version (docs/interoperability.md says why an extension and not a ``RiskAssessment``).
The same function writes the staff download and each line of the bulk export.

``app.fhir.reading`` reads one back. Pure: no Flask or SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC
from operator import itemgetter
from typing import Any, NamedTuple

import orjson
from orjson import Fragment

from app.fhir.canonical import (
    ANSWER_CODES,
    OUTCOME_CODES,
    RULE_CODES,
    Canonical,
)
from app.fhir.extension import OUTCOME_PART, REASON_PART, RULES_PART
from app.fhir.questionnaire import ANSWER_VALUES, CODED, ITEM_TYPES, answer_concepts
from app.screening.catalogue import Kind, Question, Step
from app.screening.questions import QUESTIONS, STEPS
from app.screening.rule_texts import RULE_TEXTS
from app.screening.rules import RULES


class Record(NamedTuple):
    """What a ``QuestionnaireResponse`` says of a submission. ``authored``: UTC, ISO 8601."""

    reference: str
    authored: str
    locale: str
    questionnaire_version: str
    rules_version: str
    outcome: str
    reasons: list[str]
    answers: Mapping[str, Any]
    full_name: str | None
    email: str | None
    phone: str | None
    contact_preference: str | None
    comments: str | None
    consented: bool
    is_safety_stop: bool

    @classmethod
    def of(cls, submission: Any) -> Record:
        """The record of a stored ``Submission``."""
        authored = submission.created_at.astimezone(UTC).isoformat(timespec="seconds")
        return cls(
            submission.reference,
            authored,
            submission.locale,
            submission.questionnaire_version,
            submission.rules_version,
            submission.outcome,
            submission.reasons,
            submission.answers,
            submission.full_name,
            submission.email,
            submission.phone,
            submission.contact_preference,
            submission.comments,
            submission.consented_at is not None,
            submission.is_safety_stop,
        )

    def given(self) -> tuple[Any, ...]:
        """Every answer in the questionnaire's order (``QUESTION_IDS``): a clinical answer (a
        multi-select's codes as a tuple), a contact detail, consent; None where none was given
        (no text, no codes)."""
        given = {
            **_NOT_GIVEN,
            **self.answers,
            "full_name": self.full_name or None,
            "email": self.email or None,
            "phone": self.phone or None,
            "contact_preference": self.contact_preference or None,
            "comments": self.comments or None,
            "consent": True if self.consented else None,
        }
        for question_id in _MULTI_SELECT:
            if given[question_id] is not None:
                given[question_id] = tuple(given[question_id]) or None
        return _pick(given)


_dumps = orjson.dumps
# The most parts kept of each kind: a step's groups, and decisions (a few megabytes at most).
GROUPS_KEPT = DECISIONS_KEPT = 2000
QUESTION_IDS = tuple(q.id for step in STEPS for q in step.questions)
_NOT_GIVEN = dict.fromkeys(QUESTION_IDS)
_MULTI_SELECT = tuple(q.id for q in QUESTIONS.values() if q.kind is Kind.MULTI)
_pick = itemgetter(*QUESTION_IDS)


def _step_slices() -> tuple[tuple[Step, slice], ...]:
    """Each step, and where its questions are in ``QUESTION_IDS``."""
    slices, start = [], 0
    for step in STEPS:
        slices.append((step, slice(start, start + len(step.questions))))
        start += len(step.questions)
    return tuple(slices)


# The kinds of question answered in free text, and consent: what their answers hold.
_TYPED: dict[Kind, str] = {
    kind: ANSWER_VALUES[ITEM_TYPES[kind]]
    for kind in Kind
    if kind not in CODED and kind is not Kind.SCALE
}


class _Codings(dict[str, dict[str, str]]):
    """A code system's Codings, by code. A code it does not hold (none is stored: the forms
    and the rules refuse them; a rule a later version retired, say) gets a Coding without a
    display, so that an export never stops on one."""

    def __init__(self, system: str, displays: Mapping[str, str]) -> None:
        super().__init__(
            {code: {"system": system, "code": code, "display": d} for code, d in displays.items()}
        )
        self.system = system

    def __missing__(self, code: Any) -> dict[str, str]:
        return {"system": self.system, "code": str(code)}


class _Items(dict[Any, Fragment]):
    """One question's answered items in JSON, by stored answer (a code, a tuple of codes, a
    number): each encoded when first met, then reused by every response that gives it."""

    def __init__(self, question: Question, codings: _Codings) -> None:
        super().__init__()
        self.question, self.codings = question, codings

    def __missing__(self, value: Any) -> Fragment:
        if self.question.kind is Kind.SCALE:
            answers: list[dict[str, Any]] = [{"valueInteger": value}]
        else:
            codes = value if isinstance(value, tuple) else (value,)
            answers = [{"valueCoding": self.codings[code]} for code in codes]
        item = self[value] = Fragment(_dumps({"linkId": self.question.id, "answer": answers}))
        return item


class _Typed:
    """The items of a question answered in free text, or consent: one each answer."""

    def __init__(self, question: Question) -> None:
        self.link_id, self.value_type = question.id, _TYPED[question.kind]

    def __getitem__(self, value: Any) -> dict[str, Any]:
        return {"linkId": self.link_id, "answer": [{self.value_type: value}]}


class _Group(dict[tuple[Any, ...], Fragment | None]):
    """One step's group item in JSON (None, for a step not answered), by the step's answers in
    order: made from its questions' items when first met and, for a step where nothing is
    typed, kept for the many responses that repeat it (``GROUPS_KEPT`` different ones at most:
    most patients answer most questions alike)."""

    def __init__(self, step: Step, codings: _Codings) -> None:
        super().__init__()
        self.link_id = step.id
        self.tables = tuple(
            _Typed(q) if q.kind in _TYPED else _Items(q, codings) for q in step.questions
        )
        self.keep = not any(q.kind in _TYPED for q in step.questions)

    def __missing__(self, values: tuple[Any, ...]) -> Fragment | None:
        answered = [
            item[value]
            for item, value in zip(self.tables, values, strict=True)
            if value is not None
        ]
        group = Fragment(_dumps({"linkId": self.link_id, "item": answered})) if answered else None
        if self.keep and len(self) < GROUPS_KEPT:
            self[values] = group
        return group


class _Decisions(dict[tuple[str, tuple[str, ...], str], Fragment]):
    """The decision extension in JSON, by outcome, reasons and rules version: each encoded
    when first met, and kept (``DECISIONS_KEPT`` different ones at most) for the responses
    that repeat it."""

    def __init__(self, url: str, outcomes: _Codings, rules: _Codings) -> None:
        super().__init__()
        self.url, self.outcomes, self.rules = url, outcomes, rules

    def __missing__(self, key: tuple[str, tuple[str, ...], str]) -> Fragment:
        outcome, reasons, rules_version = key
        parts = [
            {"url": OUTCOME_PART, "valueCoding": self.outcomes[outcome]},
            *({"url": REASON_PART, "valueCoding": self.rules[r]} for r in reasons),
            {"url": RULES_PART, "valueString": rules_version},
        ]
        encoded = Fragment(_dumps({"url": self.url, "extension": parts}))
        if len(self) < DECISIONS_KEPT:
            self[key] = encoded
        return encoded


@dataclass(frozen=True)
class Vocabulary:
    """The parts many responses share, each encoded once: ``steps``, each step's group by its
    answers; ``decisions``, the decision extension by outcome and reasons
    (``outcome_words``: the outcomes' English labels, their Codings' displays)."""

    canonical: Canonical
    steps: tuple[tuple[_Group, slice], ...]  # each step's group, and where its answers are
    decisions: _Decisions

    @classmethod
    def make(cls, canonical: Canonical, outcome_words: Mapping[str, str]) -> Vocabulary:
        answers, outcomes, rules = (
            canonical.code_system(s) for s in (ANSWER_CODES, OUTCOME_CODES, RULE_CODES)
        )
        codings = _Codings(answers, answer_concepts())
        return cls(
            canonical,
            tuple((_Group(step, codings), where) for step, where in _step_slices()),
            _Decisions(
                canonical.decision,
                _Codings(outcomes, outcome_words),
                _Codings(rules, {rule.id: RULE_TEXTS[rule.id].staff for rule in RULES}),
            ),
        )


def response_json(record: Record, words: Vocabulary) -> bytes:
    """The submission ``record`` as a ``QuestionnaireResponse``, in JSON: its own fields, the
    decision extension, then a group a step answered, an item a question answered (a
    multi-select's codes as stored: in the questionnaire's order). The decision and the
    answered steps come from ``words`` already encoded (``orjson.Fragment``): only what is the
    submission's own (its reference, times, versions, the text its patient typed) is encoded
    here."""
    canonical, given = words.canonical, record.given()
    decision = words.decisions[record.outcome, tuple(record.reasons), record.rules_version]
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": record.reference,
        "language": record.locale.replace("_", "-"),  # BCP 47: fr-CA
        "extension": [decision],
        "identifier": {"system": canonical.references, "value": record.reference},
        "questionnaire": f"{canonical.questionnaire}|{record.questionnaire_version}",
        "status": "stopped" if record.is_safety_stop else "completed",
        "authored": record.authored,
    }
    groups = [found for group, where in words.steps if (found := group[given[where]])]
    if groups:  # FHIR allows no empty list
        resource["item"] = groups
    return _dumps(resource)
