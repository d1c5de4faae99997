"""One submission as a FHIR R4 ``QuestionnaireResponse``, and one read back into answers.

``questionnaire_response`` writes a submission's answers in the questionnaire's shape (a group
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
from typing import Any, NamedTuple

from app.fhir.canonical import (
    ANSWER_CODES,
    LANGUAGES,
    OUTCOME_CODES,
    QUESTIONNAIRE,
    RULE_CODES,
    Canonical,
)
from app.fhir.questionnaire import answer_concepts, display_ids
from app.screening.catalogue import Kind, Question
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

    def answer(self, question: Question) -> Any:
        """The stored answer to ``question``: a clinical answer, a contact detail, consent."""
        if question.kind is Kind.CONSENT:
            return True if self.consented else None
        if question.id in self.answers:
            return self.answers[question.id]
        return getattr(self, question.id, None)


def _coding(system: str, code: str, display: str) -> dict[str, str]:
    return {"system": system, "code": code, "display": display}


@dataclass(frozen=True)
class Vocabulary:
    """Every Coding a response may hold, made once: ``answers`` by code, ``outcomes`` by code
    (``outcome_words``: the outcomes' English labels), ``rules`` by rule id."""

    canonical: Canonical
    answers: Mapping[str, dict[str, str]]
    outcomes: Mapping[str, dict[str, str]]
    rules: Mapping[str, dict[str, str]]

    @classmethod
    def make(cls, canonical: Canonical, outcome_words: Mapping[str, str]) -> Vocabulary:
        answers, outcomes, rules = (
            canonical.code_system(s) for s in (ANSWER_CODES, OUTCOME_CODES, RULE_CODES)
        )
        return cls(
            canonical,
            {code: _coding(answers, code, label) for code, label in answer_concepts().items()},
            {code: _coding(outcomes, code, words) for code, words in outcome_words.items()},
            {r.id: _coding(rules, r.id, RULE_TEXTS[r.id].staff) for r in RULES},
        )


def questionnaire_response(record: Record, words: Vocabulary) -> dict[str, Any]:
    """The submission ``record`` as a ``QuestionnaireResponse``."""
    canonical = words.canonical
    decision = [
        {"url": "outcome", "valueCoding": words.outcomes[record.outcome]},
        *({"url": "reason", "valueCoding": words.rules[r]} for r in record.reasons),
        {"url": "rulesVersion", "valueString": record.rules_version},
    ]
    groups = []
    for step in STEPS:
        items = [
            {"linkId": question.id, "answer": answers}
            for question in step.questions
            if (answers := _answers(question, record.answer(question), words))
        ]
        if items:
            groups.append({"linkId": step.id, "item": items})
    return {
        "resourceType": "QuestionnaireResponse",
        "id": record.reference,
        "language": LANGUAGES.get(record.locale, record.locale.replace("_", "-")),
        "extension": [{"url": canonical.decision, "extension": decision}],
        "identifier": {"system": canonical.references, "value": record.reference},
        "questionnaire": f"{canonical.questionnaire}|{record.questionnaire_version}",
        "status": "stopped" if record.is_safety_stop else "completed",
        "authored": record.authored,
        "item": groups,
    }


def _answers(question: Question, value: Any, words: Vocabulary) -> list[dict[str, Any]]:
    """The answers to ``question`` as FHIR writes them: none for a question not answered."""
    if value is None or value == "":
        return []
    kind = question.kind
    if kind is Kind.MULTI:
        return [{"valueCoding": words.answers[code]} for code in value]
    if kind in (Kind.YES_NO, Kind.SINGLE):
        return [{"valueCoding": words.answers[value]}]
    if kind is Kind.SCALE:
        return [{"valueInteger": value}]
    if kind is Kind.CONSENT:
        return [{"valueBoolean": True}]
    return [{"valueString": value}]


_NO_ANSWER = frozenset(STEP_IDS) | display_ids()


class ResponseError(ValueError):
    """A ``QuestionnaireResponse`` that is not one to our questionnaire, or holds an answer it
    does not allow."""


def answers_from_response(resource: Mapping[str, Any]) -> dict[str, Any]:
    """The answers a ``QuestionnaireResponse`` to our questionnaire holds, as ``rules.evaluate``
    takes them: a code, a list of codes (in the questionnaire's order), a whole number or text,
    by question id. Consent reads as ``"y"``. Items of other questionnaires are refused."""
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
        else:
            answers[question.id] = values[0]
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
    return answer.get("valueString")
