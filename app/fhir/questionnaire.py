"""The questionnaire as a FHIR R4 ``Questionnaire``, and its codes as ``CodeSystem`` resources.

Built from the catalogue (``app.screening.questions``), as the forms and the pages are: every
step a group item, every question an item whose ``linkId`` is its id, every choice an answer
option coded in our answer code system. English is the resources' language; each text carries
its French in FHIR's translation extension (a ``CodeSystem``: in a designation). ``say`` gives
a text in a locale (``app.fhir.resources`` passes Flask-Babel's catalogue), so this module
needs no request and no Flask.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from app.fhir.canonical import (
    ANSWER_CODES,
    LANGUAGES,
    MAX_VALUE,
    MIN_VALUE,
    OPTION_EXCLUSIVE,
    OUTCOME_CODES,
    QUESTIONNAIRE,
    RULE_CODES,
    TRANSLATION,
    Canonical,
)
from app.screening.catalogue import N_, NONE_CODE, SCALE_MAX, SCALE_MIN, Kind, Question, Step
from app.screening.codes import Outcome
from app.screening.questions import QUESTIONNAIRE_VERSION, QUESTIONS, STEPS
from app.screening.rule_texts import RULE_TEXTS
from app.screening.rules import RULES, RULES_VERSION

ENGLISH, FRENCH = "en", "fr_CA"
TITLE = N_("IMS screening questionnaire")

# Each kind of question as a FHIR item type.
ITEM_TYPES = {
    Kind.YES_NO: "choice",
    Kind.SINGLE: "choice",
    Kind.MULTI: "choice",
    Kind.SCALE: "integer",
    Kind.TEXT: "string",
    Kind.EMAIL: "string",
    Kind.PHONE: "string",
    Kind.LONG_TEXT: "text",
    Kind.CONSENT: "boolean",
}
CODED = frozenset({Kind.YES_NO, Kind.SINGLE, Kind.MULTI})
# What each item type's answers hold (QuestionnaireResponse.item.answer.value[x]).
ANSWER_VALUES = {
    "choice": "valueCoding",
    "integer": "valueInteger",
    "string": "valueString",
    "text": "valueString",
    "boolean": "valueBoolean",
}


class Say(Protocol):
    """A text (a catalogue message, or a lazily translated label) in ``locale``, with
    ``values`` put into its placeholders."""

    def __call__(self, locale: str, text: Any, **values: Any) -> str: ...


def translated(key: str, english: str, french: str) -> dict[str, Any]:
    """``{key: english}``, with ``french`` in the translation extension of ``_key``."""
    element: dict[str, Any] = {key: english}
    if french != english:
        content = [
            {"url": "lang", "valueCode": LANGUAGES[FRENCH]},
            {"url": "content", "valueString": french},
        ]
        element[f"_{key}"] = {"extension": [{"url": TRANSLATION, "extension": content}]}
    return element


def _text(say: Say, key: str, text: Any, **values: Any) -> dict[str, Any]:
    return translated(key, say(ENGLISH, text, **values), say(FRENCH, text, **values))


def questionnaire(canonical: Canonical, say: Say) -> dict[str, Any]:
    """The whole questionnaire, every step in order."""
    return {
        "resourceType": "Questionnaire",
        "id": QUESTIONNAIRE,
        "language": LANGUAGES[ENGLISH],
        "url": canonical.questionnaire,
        "version": QUESTIONNAIRE_VERSION,
        "name": "IMSScreen",
        **_text(say, "title", TITLE),
        "status": "active",
        "subjectType": ["Patient"],
        "item": [_group(step, canonical, say) for step in STEPS],
    }


def _intro_id(step: Step) -> str:
    return f"{step.id}-intro"


def _hints(question: Question) -> dict[str, Any]:
    """The question's hints, by the linkId of the display item each is."""
    hints = [question.hint] if question.hint else []
    hints += question.hint_items
    return {f"{question.id}-hint-{n}": hint for n, hint in enumerate(hints, 1)}


def display_ids() -> frozenset[str]:
    """The linkIds of the display items: texts, never answered."""
    return frozenset(_intro_id(step) for step in STEPS) | frozenset(
        link_id for question in QUESTIONS.values() for link_id in _hints(question)
    )


def _group(step: Step, canonical: Canonical, say: Say) -> dict[str, Any]:
    intro = {"linkId": _intro_id(step), **_text(say, "text", step.intro), "type": "display"}
    questions = [_item(question, canonical, say) for question in step.questions]
    return {
        "linkId": step.id,
        **_text(say, "text", step.title),
        "type": "group",
        "item": [intro, *questions],
    }


def _item(question: Question, canonical: Canonical, say: Say) -> dict[str, Any]:
    item: dict[str, Any] = {
        "linkId": question.id,
        **_text(say, "text", question.label),
        "type": ITEM_TYPES[question.kind],
        "required": question.required,
    }
    if question.kind is Kind.MULTI:
        item["repeats"] = True
    if question.max_length is not None:
        item["maxLength"] = question.max_length
    if question.kind is Kind.SCALE:
        item["extension"] = [
            {"url": MIN_VALUE, "valueInteger": SCALE_MIN},
            {"url": MAX_VALUE, "valueInteger": SCALE_MAX},
        ]
    if question.kind in CODED:
        system = canonical.code_system(ANSWER_CODES)
        item["answerOption"] = [
            _option(system, choice.code, choice.label, say) for choice in question.choices
        ]
    if hints := _hints(question):
        # A hint may name the question's limit ("Up to %(max)s characters.").
        limit = {"max": question.max_length} if question.max_length else {}
        item["item"] = [
            {"linkId": link_id, **_text(say, "text", hint, **limit), "type": "display"}
            for link_id, hint in hints.items()
        ]
    return item


def _option(system: str, code: str, label: str, say: Say) -> dict[str, Any]:
    option: dict[str, Any] = {
        "valueCoding": {"system": system, "code": code, **_text(say, "display", label)}
    }
    if code == NONE_CODE:  # "None of these" cannot be chosen with another answer
        option["extension"] = [{"url": OPTION_EXCLUSIVE, "valueBoolean": True}]
    return option


def answer_concepts() -> dict[str, str]:
    """Every answer code the questionnaire offers, with its label: each code means one thing
    wherever it is offered (``yes``, ``none``, ``not_tried``...; a test checks)."""
    return {
        choice.code: choice.label
        for question in QUESTIONS.values()
        if question.kind in CODED
        for choice in question.choices
    }


def code_systems(
    canonical: Canonical, say: Say, outcome_labels: Mapping[Outcome, Any]
) -> dict[str, dict[str, Any]]:
    """Our three code systems, by id: the answers, the outcomes (``outcome_labels``: the
    staff's words for each, as ``say`` takes them), the rules."""
    answers = _code_system(
        canonical,
        say,
        ANSWER_CODES,
        "IMSScreenAnswer",
        QUESTIONNAIRE_VERSION,
        ((code, label, None) for code, label in answer_concepts().items()),
    )
    outcomes = _code_system(
        canonical,
        say,
        OUTCOME_CODES,
        "IMSScreenOutcome",
        RULES_VERSION,
        ((str(code), label, None) for code, label in outcome_labels.items()),
    )
    rules = _code_system(
        canonical,
        say,
        RULE_CODES,
        "IMSScreenRule",
        RULES_VERSION,
        ((rule.id, RULE_TEXTS[rule.id].staff, str(rule.group)) for rule in RULES),
    )
    rules["property"] = [
        {"code": "group", "description": "The rule's group (SPEC section 4)", "type": "code"}
    ]
    return {ANSWER_CODES: answers, OUTCOME_CODES: outcomes, RULE_CODES: rules}


def _code_system(
    canonical: Canonical,
    say: Say,
    system_id: str,
    name: str,
    version: str,
    concepts: Iterable[tuple[str, Any, str | None]],
) -> dict[str, Any]:
    """A complete code system; each concept a code, its English display, its French as a
    designation and, given a group, the rule's group as a property."""
    concept = []
    for code, label, group in concepts:
        entry: dict[str, Any] = {"code": code, "display": say(ENGLISH, label)}
        french = say(FRENCH, label)
        if french != entry["display"]:
            entry["designation"] = [{"language": LANGUAGES[FRENCH], "value": french}]
        if group is not None:
            entry["property"] = [{"code": "group", "valueCode": group}]
        concept.append(entry)
    return {
        "resourceType": "CodeSystem",
        "id": system_id,
        "language": LANGUAGES[ENGLISH],
        "url": canonical.code_system(system_id),
        "version": version,
        "name": name,
        "status": "active",
        "caseSensitive": True,
        "content": "complete",
        "count": len(concept),
        "concept": concept,
    }
