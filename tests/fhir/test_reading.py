"""A ``QuestionnaireResponse`` read back into the rules' answers: ours and other forms', and
everything that does not fit the questionnaire refused, never read as "not reported"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
import pytest

from app.fhir.reading import ResponseError, answers_from_response
from app.fhir.response import response_json
from app.screening.rules import evaluate
from tests.fhir import WORDS
from tests.fhir.test_response import COMPLETE, SYSTEM, record

Resource = dict[str, Any]


def complete() -> Resource:
    """A finished response, as another deployment of the app would write it."""
    resource: Resource = orjson.loads(response_json(record(COMPLETE), WORDS))
    return resource | {"questionnaire": "https://elsewhere.example/fhir/Questionnaire/ims-screen"}


def item_of(resource: Resource, link_id: str) -> dict[str, Any]:
    return next(i for g in resource["item"] for i in g["item"] if i["linkId"] == link_id)


def answering(link_id: str, *answers: Any) -> Callable[[], Resource]:
    """A finished response whose question ``link_id`` has ``answers`` instead of its own (a
    question not ours is added to the pain step)."""

    def make() -> Resource:
        resource = complete()
        try:
            item_of(resource, link_id)["answer"] = list(answers)
        except StopIteration:
            resource["item"][1]["item"].append({"linkId": link_id, "answer": list(answers)})
        return resource

    return make


def changed(change: Callable[[Resource], Any]) -> Callable[[], Resource]:
    def make() -> Resource:
        resource = complete()
        change(resource)
        return resource

    return make


def coded(code: Any, system: str = SYSTEM) -> dict[str, Any]:
    return {"valueCoding": {"system": system, "code": code}}


def test_a_finished_response_reads_whatever_its_deployment_and_without_displays() -> None:
    resource = complete()
    for group in resource["item"]:
        for item in group["item"]:
            for answer in item["answer"]:
                answer.get("valueCoding", {}).pop("display", None)
    read = answers_from_response(resource)
    assert {k: read[k] for k in COMPLETE} == COMPLETE
    assert evaluate(read) == evaluate(COMPLETE)


def test_a_safety_stop_reads_its_safety_step_alone() -> None:
    stop = {q: "no" for q in COMPLETE if q.startswith("rf_")} | {"rf_bladder_bowel": "yes"}
    resource = orjson.loads(response_json(record(stop, is_safety_stop=True), WORDS))
    assert answers_from_response(resource) == stop | {
        "full_name": "Marie-Ève Tremblay",
        "phone": "613-555-0142",
        "contact_preference": "phone",
        "comments": "Evenings, please.\nNot Mondays.",
        "consent": "y",
    }
    del resource["item"][0]["item"][3]  # rf_stroke_signs
    with pytest.raises(ResponseError, match="not answered: rf_stroke_signs"):
        answers_from_response(resource)


def test_consent_not_given_is_not_consent() -> None:
    resource = answering("consent", {"valueBoolean": False})()
    assert "consent" not in answers_from_response(resource)


def nested(depth: int) -> Resource:
    resource = complete()
    inner: list[Any] = []
    resource["item"].append({"linkId": "pain", "item": inner})
    for _ in range(depth):
        deeper: list[Any] = []
        inner.append({"linkId": "pain", "item": deeper})
        inner = deeper
    return resource


REFUSED: list[tuple[Callable[[], Any], str]] = [
    (lambda: {"resourceType": "Patient"}, "not a QuestionnaireResponse"),
    (lambda: [complete()], "not a QuestionnaireResponse"),
    (changed(lambda r: r.update(questionnaire="x|2026.1")), "not a response to questionnaire"),
    (
        changed(lambda r: r.update(questionnaire=r["questionnaire"] + "|2025.9")),
        "not a response to questionnaire",
    ),
    (changed(lambda r: r.update(status="in-progress")), "not finished"),
    (changed(lambda r: r.pop("status")), "not finished"),
    # Every question of a finished response is answered: a safety question left out is not
    # a no (the rules would take it for one).
    (changed(lambda r: r["item"][0]["item"].pop(2)), "not answered: rf_chest_breathing"),
    (changed(lambda r: r.update(item=[])), "not answered: rf_saddle_numbness"),
    (answering("pain_duration", coded("over_12_months", "http://loinc.org")), "another code"),
    (answering("pain_duration", coded("forever")), "not a code this question offers"),
    (answering("pain_duration", coded("yes")), "not a code this question offers"),
    (answering("pain_duration", coded(["over_12_months"])), "expected a Coding"),
    (answering("pain_duration", {"valueCoding": "over_12_months"}), "expected a Coding"),
    (answering("pain_duration", {"valueString": "over_12_months"}), "expected a Coding"),
    (answering("shoe_size", {"valueInteger": 9}), "not a question of this questionnaire"),
    # What a form that does not enforce the whole questionnaire may send (LHC-Forms lets
    # "None of these" go with another choice, and text past its length):
    (answering("diagnoses", coded("tennis_elbow"), coded("none")), "cannot be combined"),
    (answering("pain_intensity", {"valueInteger": 11}), "whole number from 0 to 10"),
    (answering("pain_intensity", {"valueInteger": "6"}), "expected valueInteger"),
    (answering("pain_intensity", {"valueInteger": True}), "expected valueInteger"),
    (answering("full_name", {"valueString": "x" * 101}), "longer than 100 characters"),
    (answering("comments", {"valueString": ["a", "list"]}), "expected valueString"),
    (answering("consent", {"valueBoolean": "true"}), "expected valueBoolean"),
    (
        answering("pain_duration", coded("over_12_months"), coded("under_6_weeks")),
        "more than one answer",
    ),
    # The same question twice: an emergency answer must not be overwritten by a later no.
    (
        changed(
            lambda r: r["item"][0]["item"].append(
                {"linkId": "rf_bladder_bowel", "answer": [coded("no")]}
            )
        ),
        "rf_bladder_bowel: answered twice",
    ),
    (changed(lambda r: r.update(item="safety")), "item: expected a list of objects"),
    (changed(lambda r: r.update(item={"linkId": "safety"})), "item: expected a list of objects"),
    (changed(lambda r: r["item"][0].update(item=None)), "item: expected a list of objects"),
    (answering("pain_duration", "over_12_months"), "answer: expected a list of objects"),
    (changed(lambda r: item_of(r, "diabetes").update(answer={})), "answer: expected a list"),
    (lambda: nested(3000), "nested deeper"),
]


@pytest.mark.parametrize(("make", "problem"), REFUSED)
def test_what_does_not_fit_the_questionnaire_is_refused(
    make: Callable[[], Any], problem: str
) -> None:
    resource = make()
    with pytest.raises(ResponseError, match=problem):
        answers_from_response(resource)


def test_the_cases_refused_would_otherwise_be_read() -> None:
    # Each refusal above starts from this response, which reads.
    assert answers_from_response(complete())["rf_bladder_bowel"] == "no"
