"""The public FHIR resources: the questionnaire as a ``Questionnaire`` and its codes as
``CodeSystem`` resources, valid, complete, bilingual, at canonical URLs from the configuration."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import orjson
import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale, gettext

from app.fhir.canonical import OPTION_EXCLUSIVE, TRANSLATION
from app.fhir.response import response_json
from app.screening.catalogue import NONE_CODE, Kind
from app.screening.questions import QUESTIONNAIRE_VERSION, QUESTIONS, STEPS
from app.screening.rules import RULES, RULES_VERSION
from tests.conftest import make_app, make_staff, sign_in
from tests.fhir import WORDS, validated
from tests.fhir.test_response import COMPLETE, record

BASE = "http://localhost/fhir"  # the test client's address, PUBLIC_URL not being set
SYSTEMS = ("ims-screen-answer", "ims-screen-outcome", "ims-screen-rule")


def fetch(client: FlaskClient, path: str) -> dict[str, Any]:
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "application/fhir+json"
    resource: dict[str, Any] = orjson.loads(response.data)
    validated(resource)
    return resource


def french(element: dict[str, Any], key: str) -> str:
    """The French of ``element[key]`` from its translation extension."""
    (translation,) = element[f"_{key}"]["extension"]
    assert translation["url"] == TRANSLATION
    parts = {part["url"]: part for part in translation["extension"]}
    assert parts["lang"]["valueCode"] == "fr-CA"
    return str(parts["content"]["valueString"])


def test_the_questionnaire_is_valid_and_holds_every_step_and_question_in_order(
    client: FlaskClient,
) -> None:
    questionnaire = fetch(client, "/fhir/Questionnaire/ims-screen")
    assert questionnaire["url"] == f"{BASE}/Questionnaire/ims-screen"
    assert questionnaire["version"] == QUESTIONNAIRE_VERSION == "2026.1"
    assert questionnaire["status"] == "active"
    groups = questionnaire["item"]
    assert [g["linkId"] for g in groups] == [s.id for s in STEPS]
    for group, step in zip(groups, STEPS, strict=True):
        assert group["type"] == "group"
        assert group["text"] == step.title
        intro, *items = group["item"]
        assert (intro["type"], intro["text"]) == ("display", step.intro)
        assert [i["linkId"] for i in items] == [q.id for q in step.questions]
    link_ids = [i["linkId"] for g in groups for i in g["item"]]
    link_ids += [h["linkId"] for g in groups for i in g["item"] for h in i.get("item", ())]
    assert len(link_ids) == len(set(link_ids))  # que-2: unique linkIds


def items(client: FlaskClient) -> dict[str, dict[str, Any]]:
    questionnaire = fetch(client, "/fhir/Questionnaire/ims-screen")
    return {i["linkId"]: i for g in questionnaire["item"] for i in g["item"]}


TYPES = {
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


def test_each_question_has_its_type_requirement_repeats_limit_and_options(
    client: FlaskClient,
) -> None:
    found = items(client)
    for question in QUESTIONS.values():
        item = found[question.id]
        assert item["text"] == question.label
        assert item["type"] == TYPES[question.kind]
        assert item["required"] is question.required
        assert item.get("repeats", False) is (question.kind is Kind.MULTI)
        assert item.get("maxLength") == question.max_length
        if item["type"] == "choice":
            codings = [o["valueCoding"] for o in item["answerOption"]]
            assert [(c["code"], c["display"]) for c in codings] == [
                (c.code, c.label) for c in question.choices
            ]
            assert {c["system"] for c in codings} == {f"{BASE}/CodeSystem/ims-screen-answer"}
            exclusive = [o["valueCoding"]["code"] for o in item["answerOption"] if "extension" in o]
            assert exclusive == ([NONE_CODE] if question.has_none else [])
        else:
            assert "answerOption" not in item
    assert found["pain_intensity"]["extension"] == [
        {"url": "http://hl7.org/fhir/StructureDefinition/minValue", "valueInteger": 0},
        {"url": "http://hl7.org/fhir/StructureDefinition/maxValue", "valueInteger": 10},
    ]
    none = found["diagnoses"]["answerOption"][-1]
    assert none["extension"] == [{"url": OPTION_EXCLUSIVE, "valueBoolean": True}]


def test_hints_are_display_items_under_their_question(client: FlaskClient) -> None:
    found = items(client)
    (hint,) = found["blood_thinners"]["item"]
    assert hint["type"] == "display"
    assert hint["text"].startswith("Common blood thinners are Eliquis")
    assert [h["text"] for h in found["rf_stroke_signs"]["item"]] == [
        "The worst headache of your life",
        "Trouble speaking, seeing or swallowing",
        "A face that droops or feels numb",
    ]
    (limit,) = found["comments"]["item"]
    assert limit["text"] == "Up to 1,000 characters."
    assert french(limit, "text") == "Jusqu’à 1\u00a0000 caractères."
    assert "item" not in found["rf_saddle_numbness"]


def test_every_text_carries_its_french(app: Flask, client: FlaskClient) -> None:
    questionnaire = fetch(client, "/fhir/Questionnaire/ims-screen")
    texts = 0
    with app.test_request_context(), force_locale("fr_CA"):
        for group, step in zip(questionnaire["item"], STEPS, strict=True):
            assert french(group, "text") == gettext(step.title)
            for item in group["item"]:
                question = QUESTIONS.get(item["linkId"])
                if question is None:
                    continue
                assert french(item, "text") == gettext(question.label)
                texts += 1
                if item["type"] != "choice":
                    continue
                for option, choice in zip(item["answerOption"], question.choices, strict=True):
                    assert french(option["valueCoding"], "display") == gettext(choice.label)
    assert texts == len(QUESTIONS)
    assert french(questionnaire, "title") == "Questionnaire de dépistage IMS"


def test_the_code_systems_hold_every_code_once_with_its_french(client: FlaskClient) -> None:
    answers, outcomes, rules = (fetch(client, f"/fhir/CodeSystem/{s}") for s in SYSTEMS)
    for system in (answers, outcomes, rules):
        assert system["url"] == f"{BASE}/CodeSystem/{system['id']}"
        assert system["content"] == "complete"
        assert system["count"] == len(system["concept"])
        codes = [c["code"] for c in system["concept"]]
        assert len(codes) == len(set(codes))
        assert all(c["designation"][0]["language"] == "fr-CA" for c in system["concept"])
    assert answers["version"] == QUESTIONNAIRE_VERSION
    assert outcomes["version"] == rules["version"] == RULES_VERSION
    offered = {
        c.code for q in QUESTIONS.values() if q.kind in TYPES and q.choices for c in q.choices
    }
    offered -= {str(n) for n in range(11)} | {"y"}  # the scale's numbers; consent (a boolean)
    assert {c["code"] for c in answers["concept"]} == offered
    assert [c["code"] for c in outcomes["concept"]] == [
        "emergency",
        "see_doctor",
        "not_suitable",
        "not_indicated",
        "clinician_review",
        "suggest_consult",
    ]
    assert [(c["code"], c["property"][0]["valueCode"]) for c in rules["concept"]] == [
        (rule.id, rule.group) for rule in RULES
    ]


def test_each_answer_code_means_one_thing_wherever_it_is_offered() -> None:
    # One code system for every question's choices holds only if a code shared by several
    # questions (yes, none, not_tried, helped...) has one label everywhere.
    labels: dict[str, set[str]] = defaultdict(set)
    for question in QUESTIONS.values():
        for choice in question.choices:
            labels[choice.code].add(choice.label)
    assert {code: found for code, found in labels.items() if len(found) > 1} == {}


def test_canonical_urls_come_from_the_public_address(tmp_path: Path) -> None:
    app = make_app(tmp_path, PUBLIC_URL="https://screen.example.org/")
    client = app.test_client()
    questionnaire = fetch(client, "/fhir/Questionnaire/ims-screen")
    base = "https://screen.example.org/fhir"
    assert questionnaire["url"] == f"{base}/Questionnaire/ims-screen"
    coding = questionnaire["item"][0]["item"][1]["answerOption"][0]["valueCoding"]
    assert coding["system"] == f"{base}/CodeSystem/ims-screen-answer"
    assert fetch(client, "/fhir/CodeSystem/ims-screen-rule")["url"].startswith(base)


def test_the_public_resources_may_be_cached_and_read_from_other_sites(tmp_path: Path) -> None:
    client = make_app(tmp_path, PUBLIC_URL="https://screen.example.org").test_client()
    response = client.get("/fhir/Questionnaire/ims-screen")  # nobody signed in
    assert response.headers["Cache-Control"] == "public, max-age=3600"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Set-Cookie" not in response.headers
    again = client.get(
        "/fhir/Questionnaire/ims-screen", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304
    assert client.get("/").headers["Cache-Control"] == "no-store"  # pages still never cached


def test_without_a_public_address_no_cache_keeps_them(client: FlaskClient) -> None:
    # Their canonical URLs would then be made of the request's Host header, which anyone can
    # forge: a shared cache must not keep one such copy for everybody.
    response = client.get("/fhir/Questionnaire/ims-screen", headers={"Host": "evil.example"})
    assert orjson.loads(response.data)["url"] == "http://evil.example/fhir/Questionnaire/ims-screen"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_a_response_that_sets_the_session_cookie_is_never_cached(tmp_path: Path) -> None:
    app = make_app(tmp_path, PUBLIC_URL="https://screen.example.org")
    client = app.test_client()
    assert client.get("/fhir/Questionnaire/ims-screen?lang=fr").headers["Cache-Control"] == (
        "no-store"  # the language remembered in the session's cookie
    )
    staff = make_staff(app, email="desk@clinic.example")
    sign_in(client, app, staff)
    response = client.get("/fhir/CodeSystem/ims-screen-rule?lang=en")
    assert "Set-Cookie" in response.headers
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "path", ["/fhir/Questionnaire/other", "/fhir/CodeSystem/ims-screen", "/fhir/CodeSystem/x%00"]
)
def test_an_unknown_resource_is_a_fhir_not_found(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.mimetype == "application/fhir+json"
    outcome = orjson.loads(response.data)
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["issue"][0]["code"] == "not-found"
    assert "no-store" in response.headers["Cache-Control"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"  # another site can read why


def test_the_decision_extension_is_defined_where_its_url_points(client: FlaskClient) -> None:
    definition = fetch(client, "/fhir/StructureDefinition/screening-decision")
    assert definition["url"] == f"{BASE}/StructureDefinition/screening-decision"
    assert (definition["type"], definition["kind"]) == ("Extension", "complex-type")
    assert definition["context"] == [{"type": "element", "expression": "QuestionnaireResponse"}]
    elements = {e["id"]: e for e in definition["differential"]["element"]}
    assert elements["Extension.url"]["fixedUri"] == definition["url"]
    parts = {
        e["sliceName"]: (e["min"], e["max"], elements[f"{e['id']}.value[x]"]["type"][0]["code"])
        for e in elements.values()
        if "sliceName" in e
    }
    assert parts == {
        "outcome": (1, "1", "Coding"),
        "reason": (0, "*", "Coding"),
        "rulesVersion": (1, "1", "string"),
    }
    # What a response writes is what the definition allows: each part by its url, each
    # value of its type, as many as it says.
    written = orjson.loads(response_json(record(COMPLETE), WORDS))["extension"][0]
    assert written["url"].endswith("/StructureDefinition/screening-decision")
    counts: dict[str, int] = defaultdict(int)
    for part in written["extension"]:
        least, most, value_type = parts[part["url"]]
        assert f"value{value_type[0].upper()}{value_type[1:]}" in part
        counts[part["url"]] += 1
    for name, (least, most, _) in parts.items():
        assert least <= counts[name] <= (10**6 if most == "*" else int(most))
