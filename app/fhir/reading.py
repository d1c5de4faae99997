"""A ``QuestionnaireResponse`` to our questionnaire read into the answers the rules take.

``answers_from_response`` reads ours, or one another system made from our ``Questionnaire``
(LHC-Forms, say), into the mapping ``rules.evaluate`` takes. What comes from elsewhere is
checked as the forms check a patient's answers, and anything that does not fit (a shape FHIR
does not allow, a code from another code system, a question answered twice, a finished
response with a question left out) is refused with ``ResponseError`` rather than read as "not
reported": the rules take a safety question not reported as a no. Pure: no Flask.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from app.fhir.canonical import ANSWER_CODES, QUESTIONNAIRE
from app.fhir.questionnaire import ANSWER_VALUES, ITEM_TYPES, display_ids
from app.screening.answers import AnswerError, check_answers
from app.screening.catalogue import Kind, Question
from app.screening.codes import StepId
from app.screening.questions import (
    CLINICAL_QUESTIONS,
    QUESTIONNAIRE_VERSION,
    QUESTIONS,
    STEP_IDS,
    STEPS_BY_ID,
)

# A finished response, as FHIR says one is: "stopped" is ours for a safety stop.
FINISHED = frozenset({"completed", "amended", "stopped"})
# Groups hold questions, and a question's answer may hold items: ours nest two deep.
DEEPEST = 4
_NO_ANSWER = frozenset(STEP_IDS) | display_ids()
_SAFETY = tuple(q.id for q in STEPS_BY_ID[StepId.SAFETY].questions)
_REQUIRED = tuple(q.id for q in CLINICAL_QUESTIONS.values() if q.required)


class ResponseError(ValueError):
    """A ``QuestionnaireResponse`` that is not one to our questionnaire, or holds an answer it
    does not allow."""


def answers_from_response(resource: Any) -> dict[str, Any]:
    """The answers a finished ``QuestionnaireResponse`` to our questionnaire holds, as
    ``rules.evaluate`` takes them: a code, a list of codes (in the questionnaire's order), a
    whole number or text, by question id; consent as ``"y"``.

    Raises ``ResponseError`` for a resource that is not a finished response to this version of
    the questionnaire; for an item or answer FHIR or the questionnaire does not allow (which a
    form that does not enforce all of it may send: "None of these" with another choice, a pain
    score out of range, text past its length); for a question answered twice; and for a
    clinical question left unanswered (of the safety step, for a safety stop).
    """
    if not isinstance(resource, Mapping) or resource.get("resourceType") != (
        "QuestionnaireResponse"
    ):
        raise ResponseError("not a QuestionnaireResponse")
    canonical, _, version = str(resource.get("questionnaire", "")).partition("|")
    if not canonical.endswith(f"/Questionnaire/{QUESTIONNAIRE}") or version not in (
        "",
        QUESTIONNAIRE_VERSION,
    ):
        raise ResponseError(f"not a response to questionnaire {QUESTIONNAIRE} {version}")
    status = resource.get("status")
    if status not in FINISHED:
        raise ResponseError(f"a response not finished (status {status!r})")
    answers = _answers(resource)
    try:
        check_answers(answers)
    except AnswerError as refused:
        raise ResponseError(str(refused)) from refused
    needed = _SAFETY if status == "stopped" else _REQUIRED
    if missing := [question_id for question_id in needed if question_id not in answers]:
        raise ResponseError(f"not answered: {', '.join(missing)}")
    return answers


def _answers(resource: Mapping[str, Any]) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    seen: set[str] = set()
    for item in _items(resource.get("item", []), 0):
        link_id = item.get("linkId")
        question = QUESTIONS.get(link_id) if isinstance(link_id, str) else None
        if question is None:
            if link_id in _NO_ANSWER:
                continue  # a step's group, its introduction, a question's hint
            raise ResponseError(f"{link_id!r}: not a question of this questionnaire")
        if question.id in seen:
            raise ResponseError(f"{question.id}: answered twice")
        seen.add(question.id)
        values = [_value(question, answer) for answer in _objects(item.get("answer", []), "answer")]
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
    return answers


def _items(items: Any, depth: int) -> Iterator[Mapping[str, Any]]:
    """Every item, nested ones too (under a group, or under an answer), each an object."""
    if depth > DEEPEST:
        raise ResponseError("items nested deeper than the questionnaire's")
    for item in _objects(items, "item"):
        yield item
        yield from _items(item.get("item", []), depth + 1)
        for answer in _objects(item.get("answer", []), "answer"):
            yield from _items(answer.get("item", []), depth + 1)


def _objects(given: Any, name: str) -> list[Mapping[str, Any]]:
    if not isinstance(given, list) or not all(isinstance(each, Mapping) for each in given):
        raise ResponseError(f"{name}: expected a list of objects")
    return given


def _value(question: Question, answer: Mapping[str, Any]) -> Any:
    """The answer's value as the rules take it; None for consent not given."""
    value_type = ANSWER_VALUES[ITEM_TYPES[question.kind]]
    value = answer.get(value_type)
    if value_type == "valueCoding":
        if not isinstance(value, Mapping) or not isinstance(value.get("code"), str):
            raise ResponseError(f"{question.id}: expected a Coding")
        if not str(value.get("system", "")).endswith(f"/CodeSystem/{ANSWER_CODES}"):
            raise ResponseError(f"{question.id}: a code from another code system")
        if value["code"] not in question.codes:
            raise ResponseError(f"{question.id}: not a code this question offers")
        return value["code"]
    expected = {"valueInteger": int, "valueBoolean": bool, "valueString": str}[value_type]
    if type(value) is not expected:
        raise ResponseError(f"{question.id}: expected {value_type}")
    if question.kind is Kind.CONSENT:
        return "y" if value else None
    if isinstance(value, str) and len(value) > (question.max_length or len(value)):
        raise ResponseError(f"{question.id}: longer than {question.max_length} characters")
    return value
