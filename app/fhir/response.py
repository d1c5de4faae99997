"""One submission as a FHIR R4 ``QuestionnaireResponse``, and one read back into answers.

``response_json`` writes a submission's answers in the questionnaire's shape (a group
item per step answered, in order), each answer a Coding of our answer code system, an integer
or a string; its status is ``completed``, or ``stopped`` for a safety stop. The rules' decision
travels in one extension of ours, ``screening-decision``: the outcome, every reason and the
rules version (docs/interoperability.md says why an extension and not a ``RiskAssessment``).
The same function writes the staff download and each line of the bulk export.

``answers_from_response`` reads any ``QuestionnaireResponse`` to our questionnaire (ours, or
one another system such as LHC-Forms made) into the mapping ``rules.evaluate`` takes.
Pure: no Flask or SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC
from operator import itemgetter
from typing import Any, NamedTuple

import orjson

from app.fhir.canonical import (
    ANSWER_CODES,
    LANGUAGES,
    OUTCOME_CODES,
    QUESTIONNAIRE,
    RULE_CODES,
    Canonical,
)
from app.fhir.questionnaire import answer_concepts, display_ids
from app.screening.answers import AnswerError, check_answers
from app.screening.catalogue import Kind, Question, Step
from app.screening.questions import QUESTIONNAIRE_VERSION, QUESTIONS, STEP_IDS, STEPS
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
            "contact_preference": self.contact_preference,
            "comments": self.comments or None,
            "consent": True if self.consented else None,
        }
        for question_id in _MULTI_SELECT:
            if given[question_id] is not None:
                given[question_id] = tuple(given[question_id]) or None
        return _pick(given)


_dumps = orjson.dumps
GROUPS_KEPT = 2000  # a step's groups kept: a few megabytes at most
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


# Each kind of question with free text: the type of its answers' value.
_TYPED = {Kind.TEXT: "valueString", Kind.EMAIL: "valueString", Kind.PHONE: "valueString"}
_TYPED |= {Kind.LONG_TEXT: "valueString", Kind.CONSENT: "valueBoolean"}


class _Items(dict[Any, bytes]):
    """One question's answered items in JSON, by stored answer (a code, a tuple of codes, a
    number): each encoded when first met, then reused by every response that gives it."""

    def __init__(self, question: Question, codings: Mapping[str, dict[str, str]]) -> None:
        super().__init__()
        self.question, self.codings = question, codings

    def __missing__(self, value: Any) -> bytes:
        if self.question.kind is Kind.SCALE:
            answers: list[dict[str, Any]] = [{"valueInteger": value}]
        else:
            codes = value if isinstance(value, tuple) else (value,)
            answers = [{"valueCoding": self._coding(code)} for code in codes]
        item = self[value] = _dumps({"linkId": self.question.id, "answer": answers})
        return item

    def _coding(self, code: str) -> dict[str, str]:
        """The code's Coding; without a display for a code the questionnaire does not offer
        (none is stored: the forms and the rules refuse them)."""
        found = self.codings.get(code)
        if found is None:
            system = next(iter(self.codings.values()))["system"]
            return {"system": system, "code": str(code)}
        return found


class _Typed:
    """The items of a question answered in free text, or consent, in JSON: one each answer."""

    def __init__(self, question: Question) -> None:
        self.link_id, self.value_type = question.id, _TYPED[question.kind]

    def __getitem__(self, value: Any) -> bytes:
        return _dumps({"linkId": self.link_id, "answer": [{self.value_type: value}]})


class _Group(dict[tuple[Any, ...], bytes]):
    """One step's group item in JSON (nothing, for a step not answered), by the step's answers
    in order: made from its questions' items when first met and, for a step where nothing is
    typed, kept for the many responses that repeat it (``GROUPS_KEPT`` different ones at most:
    most patients answer most questions alike)."""

    def __init__(self, step: Step, codings: Mapping[str, dict[str, str]]) -> None:
        super().__init__()
        self.opening = b'{"linkId":"%s","item":[' % step.id.encode()
        self.tables = tuple(
            _Typed(q) if q.kind in _TYPED else _Items(q, codings) for q in step.questions
        )
        self.keep = not any(q.kind in _TYPED for q in step.questions)

    def __missing__(self, values: tuple[Any, ...]) -> bytes:
        answered = [
            item[value]
            for item, value in zip(self.tables, values, strict=True)
            if value is not None
        ]
        group = self.opening + b",".join(answered) + b"]}" if answered else b""
        if self.keep and len(self) < GROUPS_KEPT:
            self[values] = group
        return group


class _Decisions(dict[tuple[str, tuple[str, ...], str], bytes]):
    """The decision extension in JSON, by outcome, reasons and rules version: each encoded
    when first met (a few hundred in all), then reused."""

    def __init__(self, url: str, outcomes: Mapping[str, Any], rules: Mapping[str, Any]) -> None:
        super().__init__()
        self.url, self.outcomes, self.rules = url, outcomes, rules

    def __missing__(self, key: tuple[str, tuple[str, ...], str]) -> bytes:
        outcome, reasons, rules_version = key
        parts = [
            {"url": "outcome", "valueCoding": self.outcomes[outcome]},
            *({"url": "reason", "valueCoding": self.rules[r]} for r in reasons),
            {"url": "rulesVersion", "valueString": rules_version},
        ]
        encoded = self[key] = _dumps({"url": self.url, "extension": parts})
        return encoded


def _coding(system: str, code: str, display: str) -> dict[str, str]:
    return {"system": system, "code": code, "display": display}


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
        codings = {code: _coding(answers, code, label) for code, label in answer_concepts().items()}
        return cls(
            canonical,
            tuple((_Group(step, codings), where) for step, where in _step_slices()),
            _Decisions(
                canonical.decision,
                {code: _coding(outcomes, code, words) for code, words in outcome_words.items()},
                {r.id: _coding(rules, r.id, RULE_TEXTS[r.id].staff) for r in RULES},
            ),
        )


def response_json(record: Record, words: Vocabulary) -> bytes:
    """The submission ``record`` as a ``QuestionnaireResponse``, in JSON: its own fields, the
    decision extension, then a group a step answered, an item a question answered (a
    multi-select's codes as stored: in the questionnaire's order). The decision and the
    answered items come encoded from ``words``: only what is the submission's own (its
    reference, times, versions, the text its patient typed) is encoded here."""
    canonical, given = words.canonical, record.given()
    groups = [found for group, where in words.steps if (found := group[given[where]])]
    own = _dumps(
        {
            "resourceType": "QuestionnaireResponse",
            "id": record.reference,
            "language": LANGUAGES.get(record.locale, record.locale.replace("_", "-")),
            "identifier": {"system": canonical.references, "value": record.reference},
            "questionnaire": f"{canonical.questionnaire}|{record.questionnaire_version}",
            "status": "stopped" if record.is_safety_stop else "completed",
            "authored": record.authored,
        }
    )
    decision = words.decisions[record.outcome, tuple(record.reasons), record.rules_version]
    return b"".join(
        (own[:-1], b',"extension":[', decision, b'],"item":[', b",".join(groups), b"]}")
    )


_NO_ANSWER = frozenset(STEP_IDS) | display_ids()


class ResponseError(ValueError):
    """A ``QuestionnaireResponse`` that is not one to our questionnaire, or holds an answer it
    does not allow."""


def answers_from_response(resource: Mapping[str, Any]) -> dict[str, Any]:
    """The answers a ``QuestionnaireResponse`` to our questionnaire holds, as ``rules.evaluate``
    takes them: a code, a list of codes (in the questionnaire's order), a whole number or text,
    by question id. Consent reads as ``"y"``. Raises ``ResponseError`` for a resource that is
    not a response to this questionnaire, and for an answer the questionnaire does not allow,
    which a form that does not enforce all of it may send: "None of these" with another choice,
    a pain score out of range, text longer than its question allows."""
    if resource.get("resourceType") != "QuestionnaireResponse":
        raise ResponseError("not a QuestionnaireResponse")
    canonical, _, version = str(resource.get("questionnaire", "")).partition("|")
    if not canonical.endswith(f"/Questionnaire/{QUESTIONNAIRE}") or version not in (
        "",
        QUESTIONNAIRE_VERSION,
    ):
        raise ResponseError(
            f"not a response to questionnaire {QUESTIONNAIRE} {QUESTIONNAIRE_VERSION}"
        )
    answers: dict[str, Any] = {}
    for item in _items(resource.get("item", ())):
        link_id = str(item.get("linkId"))
        question = QUESTIONS.get(link_id)
        if question is None:
            if link_id in _NO_ANSWER:
                continue  # a step's group, its introduction, a question's hint
            raise ResponseError(f"{link_id}: not a question of this questionnaire")
        values = [_value(question, answer) for answer in item.get("answer", ())]
        values = [value for value in values if value is not None]
        if not values:
            continue
        if question.kind is Kind.MULTI:
            order = [choice.code for choice in question.choices]
            answers[question.id] = sorted(set(values), key=order.index)
        elif len(values) > 1:
            raise ResponseError(f"{question.id}: more than one answer")
        else:
            answers[question.id] = values[0]
    try:
        check_answers(answers)
    except AnswerError as refused:
        raise ResponseError(str(refused)) from refused
    return answers


def _items(items: Any) -> Iterator[Mapping[str, Any]]:
    """Every item, nested ones too (under a group, or under an answer)."""
    for item in items:
        yield item
        yield from _items(item.get("item", ()))
        for answer in item.get("answer", ()):
            yield from _items(answer.get("item", ()))


def _value(question: Question, answer: Mapping[str, Any]) -> Any:
    kind = question.kind
    if kind in (Kind.YES_NO, Kind.SINGLE, Kind.MULTI):
        coding = answer.get("valueCoding") or {}
        if not str(coding.get("system", "")).endswith(f"/CodeSystem/{ANSWER_CODES}"):
            raise ResponseError(f"{question.id}: a code from another code system")
        if coding.get("code") not in question.codes:
            raise ResponseError(f"{question.id}: not a code this question offers")
        return coding["code"]
    if kind is Kind.SCALE:
        return answer.get("valueInteger")
    if kind is Kind.CONSENT:
        return "y" if answer.get("valueBoolean") is True else None
    text = answer.get("valueString")
    if text is not None and len(text) > (question.max_length or len(text)):
        raise ResponseError(f"{question.id}: longer than {question.max_length} characters")
    return text
