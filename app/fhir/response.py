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

    def given(self) -> dict[str, Any]:
        """Every answer, by question id: the clinical answers, the contact details, consent."""
        return {
            **self.answers,
            "full_name": self.full_name,
            "email": self.email,
            "phone": self.phone,
            "contact_preference": self.contact_preference,
            "comments": self.comments,
            "consent": True if self.consented else None,
        }


# Each step's question ids, in order: the items of its group.
_STEP_QUESTIONS = tuple((step.id, tuple(q.id for q in step.questions)) for step in STEPS)
# Each kind of question with free text: the type of its answers' value.
_TYPED = {Kind.TEXT: "valueString", Kind.EMAIL: "valueString", Kind.PHONE: "valueString"}
_TYPED |= {Kind.LONG_TEXT: "valueString", Kind.CONSENT: "valueBoolean"}


class _Items(dict[Any, dict[str, Any]]):
    """One question's answered items, by stored answer (a code, a tuple of codes, a number):
    each made when first met, and then shared by every response that gives that answer."""

    def __init__(self, question: Question, codings: Mapping[str, dict[str, str]]) -> None:
        super().__init__()
        self.question, self.codings = question, codings

    def __missing__(self, value: Any) -> dict[str, Any]:
        if self.question.kind is Kind.SCALE:
            answers: list[dict[str, Any]] = [{"valueInteger": value}]
        else:
            codes = value if isinstance(value, tuple) else (value,)
            answers = [{"valueCoding": self._coding(code)} for code in codes]
        item = self[value] = {"linkId": self.question.id, "answer": answers}
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
    """The items of a question answered in free text, or consent: one for each answer."""

    def __init__(self, question: Question) -> None:
        self.link_id, self.value_type = question.id, _TYPED[question.kind]

    def __getitem__(self, value: Any) -> dict[str, Any]:
        return {"linkId": self.link_id, "answer": [{self.value_type: value}]}


def _coding(system: str, code: str, display: str) -> dict[str, str]:
    return {"system": system, "code": code, "display": display}


@dataclass(frozen=True)
class Vocabulary:
    """Every Coding a response may hold, made once: ``outcomes`` by code (``outcome_words``:
    the outcomes' English labels), ``rules`` by rule id; and ``items``, each question's answered
    items by stored answer."""

    canonical: Canonical
    outcomes: Mapping[str, dict[str, str]]
    rules: Mapping[str, dict[str, str]]
    items: Mapping[str, _Items | _Typed]

    @classmethod
    def make(cls, canonical: Canonical, outcome_words: Mapping[str, str]) -> Vocabulary:
        answers, outcomes, rules = (
            canonical.code_system(s) for s in (ANSWER_CODES, OUTCOME_CODES, RULE_CODES)
        )
        codings = {code: _coding(answers, code, label) for code, label in answer_concepts().items()}
        return cls(
            canonical,
            {code: _coding(outcomes, code, words) for code, words in outcome_words.items()},
            {r.id: _coding(rules, r.id, RULE_TEXTS[r.id].staff) for r in RULES},
            {
                q.id: _Typed(q) if q.kind in _TYPED else _Items(q, codings)
                for q in QUESTIONS.values()
            },
        )


def questionnaire_response(record: Record, words: Vocabulary) -> dict[str, Any]:
    """The submission ``record`` as a ``QuestionnaireResponse``: a group a step answered,
    an item a question answered (a multi-select's codes as stored: in the questionnaire's
    order)."""
    canonical, items, given = words.canonical, words.items, record.given()
    groups = []
    for step_id, question_ids in _STEP_QUESTIONS:
        answered = []
        for question_id in question_ids:
            value = given.get(question_id)
            if not value and type(value) is not int:
                continue  # not answered (None, no text, no codes); a pain score of 0 is
            answered.append(items[question_id][tuple(value) if type(value) is list else value])
        if answered:
            groups.append({"linkId": step_id, "item": answered})
    decision = [
        {"url": "outcome", "valueCoding": words.outcomes[record.outcome]},
        *({"url": "reason", "valueCoding": words.rules[r]} for r in record.reasons),
        {"url": "rulesVersion", "valueString": record.rules_version},
    ]
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
