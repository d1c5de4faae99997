"""Tests of the FHIR resources, with the helpers they share: validation by ``fhir.resources``
(its R4B models: required elements, value types, codes of FHIR's own value sets, one value
per ``value[x]``) and the structural rules of a ``QuestionnaireResponse`` that the models do
not check (FHIR R4, QuestionnaireResponse: "the response mirrors the questionnaire")."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

import orjson
from fhir.resources.R4B.codesystem import CodeSystem
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from fhir.resources.R4B.structuredefinition import StructureDefinition

from app.fhir.canonical import Canonical
from app.fhir.response import Vocabulary
from app.screening.codes import Outcome

MODELS = {
    "StructureDefinition": StructureDefinition,
    "Questionnaire": Questionnaire,
    "QuestionnaireResponse": QuestionnaireResponse,
    "CodeSystem": CodeSystem,
}
CANONICAL = Canonical.at("https://screen.example.org")
# Outcome labels, as the app's English catalogue gives them (the tests without an app).
WORDS = Vocabulary.make(CANONICAL, {outcome: outcome.replace("_", " ") for outcome in Outcome})


def validated(resource: Mapping[str, Any]) -> Any:
    """The resource parsed and validated by its ``fhir.resources`` R4B model (raises if not);
    what it writes back must be what it read, but for how it writes a UTC time."""
    model = MODELS[resource["resourceType"]].model_validate(resource)
    written = orjson.dumps(model.model_dump(mode="json", exclude_none=True))
    assert _utc_as_one(written) == _utc_as_one(orjson.dumps(resource))
    return model


_UTC_TIME = re.compile(rb'(T\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?(?:Z|\+00:00)"')


def _utc_as_one(encoded: bytes) -> Any:
    """JSON with each UTC time written one way (``.953Z``, ``.953000Z`` and, for a whole
    second, ``+00:00`` and ``Z`` are the same moment)."""
    return orjson.loads(
        _UTC_TIME.sub(lambda m: m[1] + b"." + (m[2] or b"").ljust(6, b"0") + b'Z"', encoded)
    )


def _by_link_id(items: Any) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for item in items:
        yield item["linkId"], item
        yield from _by_link_id(item.get("item", ()))


ANSWER_TYPES = {
    "choice": "valueCoding",
    "integer": "valueInteger",
    "string": "valueString",
    "text": "valueString",
    "boolean": "valueBoolean",
}


def assert_conforms(
    response: Mapping[str, Any], questionnaire: Mapping[str, Any], *, all_required: bool = True
) -> None:
    """``response`` follows ``questionnaire``: each item under its parent and in its order;
    groups hold items and questions answers (qrs-1); one answer unless the question repeats;
    each answer of the question's type, a Coding among its options; every required question
    answered when the response is completed (``all_required``); nothing for a display item."""
    items = dict(_by_link_id(questionnaire["item"]))
    _check_items(response["item"], questionnaire["item"], items)
    if all_required and response["status"] == "completed":
        answered = {link_id for link_id, _ in _by_link_id(response["item"])}
        required = {
            k for k, item in items.items() if item.get("required") and item["type"] != "group"
        }
        assert required <= answered, required - answered


def _check_items(given: Any, expected: Any, items: Mapping[str, Any]) -> None:
    order = [item["linkId"] for item in expected]
    link_ids = [item["linkId"] for item in given]
    assert link_ids == sorted(link_ids, key=order.index), link_ids  # known, in order
    assert len(set(link_ids)) == len(link_ids)
    for item in given:
        definition = items[item["linkId"]]
        kind = definition["type"]
        assert kind != "display"
        if kind == "group":
            assert "answer" not in item
            assert item["item"]
            _check_items(item["item"], definition["item"], items)
            continue
        answers = item["answer"]
        assert answers
        assert "item" not in item
        assert len(answers) == 1 or definition.get("repeats"), item
        for answer in answers:
            (value_type,) = (key for key in answer if key.startswith("value"))
            assert value_type == ANSWER_TYPES[kind], item
            if kind == "choice":
                options = [option["valueCoding"] for option in definition["answerOption"]]
                assert any(
                    (o["system"], o["code"], o["display"])
                    == (
                        answer["valueCoding"]["system"],
                        answer["valueCoding"]["code"],
                        answer["valueCoding"]["display"],
                    )
                    for o in options
                ), answer
            if "maxLength" in definition:
                assert len(answer[value_type]) <= definition["maxLength"]
