"""Each submission as a ``QuestionnaireResponse``: valid, shaped like the questionnaire, with
the decision in its extension, read back into the same answers and the same decision, and
downloadable by the staff who see patients, audited."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st

from app.fhir.questionnaire import questionnaire
from app.fhir.reading import answers_from_response
from app.fhir.response import Record, Vocabulary, response_json
from app.screening.codes import Outcome
from app.screening.questions import CLINICAL_QUESTIONS, QUESTIONS
from app.screening.rules import evaluate
from tests.admin import events
from tests.builders import ANSWERS, make_submission
from tests.conftest import sign_in
from tests.fhir import CANONICAL, WORDS, assert_conforms, validated
from tests.screening.test_rules_properties import answer_for

QUESTIONNAIRE = questionnaire(CANONICAL, lambda _locale, text, **values: str(text) % values)
SYSTEM = f"{CANONICAL.base}/CodeSystem/ims-screen-answer"


# Every clinical question answered: no to each yes/no, the first choice of the others.
COMPLETE: dict[str, Any] = {
    **{qid: q.choices[0].code for qid, q in CLINICAL_QUESTIONS.items() if q.kind != "multi"},
    **{qid: "no" for qid, q in CLINICAL_QUESTIONS.items() if q.kind == "yes_no"},
    **ANSWERS,
    "pregnant": "no",
    "age_band": "18_to_64",
}


def record(given: dict[str, Any], **fields: Any) -> Record:
    decision = evaluate(given)
    values: dict[str, Any] = {
        "reference": "IMS-7KQ4-M2XD",
        "authored": "2026-11-24T15:30:00+00:00",
        "locale": "fr_CA",
        "questionnaire_version": "2026.1",
        "rules_version": decision.rules_version,
        "outcome": decision.outcome,
        "reasons": list(decision.reasons),
        "answers": given,
        "full_name": "Marie-Ève Tremblay",
        "email": None,
        "phone": "613-555-0142",
        "contact_preference": "phone",
        "comments": "Evenings, please.\nNot Mondays.",
        "consented": True,
        "is_safety_stop": False,
    }
    return Record(**(values | fields))


def in_catalogue_order(answers: dict[str, Any]) -> dict[str, Any]:
    """Multi-select codes as the form stores them: in the order the question offers them."""
    ordered = {}
    for question_id, value in answers.items():
        if isinstance(value, list):
            order = [c.code for c in QUESTIONS[question_id].choices]
            value = sorted(value, key=order.index)
        ordered[question_id] = value
    return ordered


def test_a_submission_is_a_completed_response_with_its_decision() -> None:
    resource = orjson.loads(response_json(record(COMPLETE), WORDS))
    validated(resource)
    assert_conforms(resource, QUESTIONNAIRE)
    assert resource["id"] == "IMS-7KQ4-M2XD"
    assert resource["identifier"] == {
        "system": "https://screen.example.org/fhir/submission-reference",
        "value": "IMS-7KQ4-M2XD",
    }
    assert resource["questionnaire"] == (
        "https://screen.example.org/fhir/Questionnaire/ims-screen|2026.1"
    )
    assert (resource["status"], resource["language"]) == ("completed", "fr-CA")
    assert resource["authored"] == "2026-11-24T15:30:00+00:00"
    (decision,) = resource["extension"]
    assert (
        decision["url"] == "https://screen.example.org/fhir/StructureDefinition/screening-decision"
    )
    parts = [
        (p["url"], p.get("valueCoding", {}).get("code") or p.get("valueString"))
        for p in decision["extension"]
    ]
    assert parts == [
        ("outcome", "suggest_consult"),
        ("reason", "IND_TENNIS_ELBOW"),
        ("reason", "IND_PERSISTENT_PAIN"),
        ("rulesVersion", "2026.1"),
    ]
    groups = {g["linkId"]: {i["linkId"]: i["answer"] for i in g["item"]} for g in resource["item"]}
    assert list(groups) == ["safety", "pain", "history", "health", "contact"]
    assert groups["pain"]["pain_intensity"] == [{"valueInteger": 6}]
    assert groups["pain"]["pain_areas"] == [
        {"valueCoding": {"system": SYSTEM, "code": "elbow_forearm", "display": "Elbow or forearm"}}
    ]
    assert groups["contact"] == {
        "full_name": [{"valueString": "Marie-Ève Tremblay"}],
        "phone": [{"valueString": "613-555-0142"}],
        "contact_preference": [
            {"valueCoding": {"system": SYSTEM, "code": "phone", "display": "By phone"}}
        ],
        "comments": [{"valueString": "Evenings, please.\nNot Mondays."}],
        "consent": [{"valueBoolean": True}],
    }


def test_a_safety_stop_is_a_stopped_response_without_contact_details() -> None:
    stop = record(
        {"rf_saddle_numbness": "no", "rf_bladder_bowel": "yes"},
        full_name=None,
        phone=None,
        contact_preference=None,
        comments=None,
        consented=False,
        is_safety_stop=True,
    )
    resource = orjson.loads(response_json(stop, WORDS))
    validated(resource)
    assert_conforms(resource, QUESTIONNAIRE)
    assert resource["status"] == "stopped"
    assert [g["linkId"] for g in resource["item"]] == ["safety"]
    assert resource["extension"][0]["extension"][0]["valueCoding"]["code"] == "emergency"


@settings(deadline=None, database=None, max_examples=60)
@given(  # every clinical question answered, as a finished questionnaire has them
    st.fixed_dictionaries(
        {qid: answer_for(q).filter(lambda v: v != []) for qid, q in CLINICAL_QUESTIONS.items()}
    )
)
def test_a_response_reads_back_into_the_same_answers_and_decision(answers: dict[str, Any]) -> None:
    stored = in_catalogue_order(answers)
    resource = orjson.loads(response_json(record(stored), WORDS))
    validated(resource)
    assert_conforms(resource, QUESTIONNAIRE)
    read = answers_from_response(resource)
    contact = {"full_name", "phone", "contact_preference", "comments", "consent"}
    assert {k: v for k, v in read.items() if k not in contact} == stored
    assert read["consent"] == "y"
    assert evaluate(read) == evaluate(stored)


@pytest.fixture
def desk(app: Flask, front_desk) -> FlaskClient:
    client = app.test_client()
    sign_in(client, app, front_desk)
    return client


def test_the_staff_download_it_from_the_submission_page_audited(
    app: Flask, desk: FlaskClient
) -> None:
    made = make_submission(app, locale="fr_CA", answers=COMPLETE)
    page = desk.get(f"/staff/submissions/{made.reference}").text
    assert f'href="/staff/submissions/{made.reference}/fhir"' in page
    response = desk.get(f"/staff/submissions/{made.reference}/fhir")
    assert response.status_code == 200
    assert response.mimetype == "application/fhir+json"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="ims-screen-{made.reference}.json"'
    )
    resource = orjson.loads(response.data)
    validated(resource)
    assert resource["id"] == made.reference
    assert resource["questionnaire"] == "http://localhost/fhir/Questionnaire/ims-screen|2026.1"
    assert resource["authored"] == made.created_at.isoformat(timespec="seconds")
    published = orjson.loads(desk.get("/fhir/Questionnaire/ims-screen").data)
    assert_conforms(resource, published)
    assert answers_from_response(resource)["pain_areas"] == ANSWERS["pain_areas"]
    assert [(e.action, e.submission_id) for e in events(app, "submission.fhir")] == [
        ("submission.fhir", made.id)
    ]


def test_only_staff_who_see_patients_download_it(app: Flask, admin) -> None:
    made = make_submission(app)
    url = f"/staff/submissions/{made.reference}/fhir"
    assert app.test_client().get(url).status_code in (302, 303)  # to the sign-in page
    client = app.test_client()
    sign_in(client, app, admin)
    assert client.get(url).status_code == 403
    assert events(app, "submission.fhir") == []


def test_an_unknown_reference_is_not_found(desk: FlaskClient) -> None:
    assert desk.get("/staff/submissions/IMS-2222-2222/fhir").status_code == 404


def test_a_stored_code_no_choice_has_keeps_its_code_without_a_display() -> None:
    # None is stored (the forms and the rules refuse them), but an export must not stop on one.
    stored = record(dict(ANSWERS), answers={"pain_duration": "forever"})
    resource = orjson.loads(response_json(stored, WORDS))
    (pain,) = (g for g in resource["item"] if g["linkId"] == "pain")
    assert pain["item"] == [
        {
            "linkId": "pain_duration",
            "answer": [{"valueCoding": {"system": SYSTEM, "code": "forever"}}],
        }
    ]


def test_a_pain_score_of_zero_is_an_answer_and_empty_text_is_not() -> None:
    resource = orjson.loads(
        response_json(record({"pain_intensity": 0}, comments="", email=""), WORDS)
    )
    answered = {i["linkId"]: i["answer"] for g in resource["item"] for i in g["item"]}
    assert answered["pain_intensity"] == [{"valueInteger": 0}]
    assert "comments" not in answered
    assert "email" not in answered


def test_a_steps_groups_are_kept_up_to_a_bound_and_typed_ones_never(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("app.fhir.response.GROUPS_KEPT", 2)
    words = Vocabulary.make(CANONICAL, {outcome: outcome for outcome in Outcome})
    written = [
        response_json(record(COMPLETE | {"pain_intensity": score}), words) for score in range(5)
    ]
    groups = {group.link_id: group for group, _ in words.steps}
    assert len(groups["pain"]) == 2  # five different, two kept
    assert len(groups["safety"]) == 1  # the same each time
    assert len(groups["contact"]) == 0  # what a patient typed: never
    for score, encoded in enumerate(written):  # kept or not, each is written in full
        pain = {i["linkId"]: i["answer"] for i in orjson.loads(encoded)["item"][1]["item"]}
        assert pain["pain_intensity"] == [{"valueInteger": score}]


def test_the_download_is_in_the_submissions_access_report(
    app: Flask, desk: FlaskClient, admin
) -> None:
    made = make_submission(app)
    desk.get(f"/staff/submissions/{made.reference}/fhir")
    client = app.test_client()
    sign_in(client, app, admin)
    report = client.get(f"/admin/audit/submissions/{made.reference}/csv").get_data(as_text=True)
    lines = report.removeprefix("\ufeff").splitlines()[1:]
    assert [line.split(",")[3:5] for line in lines] == [
        ["FHIR record downloaded", "submission.fhir"]
    ]


def test_a_record_with_nothing_answered_has_no_empty_item_list() -> None:
    nothing = record(
        {}, full_name=None, phone=None, contact_preference="", comments=None, consented=False
    )
    resource = orjson.loads(response_json(nothing, WORDS))
    assert "item" not in resource  # FHIR allows no empty list
    validated(resource)


def test_an_outcome_or_reason_the_rules_no_longer_hold_keeps_its_code(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("app.fhir.response.DECISIONS_KEPT", 1)
    words = Vocabulary.make(CANONICAL, {outcome: outcome for outcome in Outcome})
    older = record(COMPLETE, outcome="retired_outcome", reasons=["IND_RETIRED"])
    (decision,) = orjson.loads(response_json(older, words))["extension"]
    assert [p.get("valueCoding", {}).get("code") for p in decision["extension"]] == [
        "retired_outcome",
        "IND_RETIRED",
        None,
    ]
    assert "display" not in decision["extension"][1]["valueCoding"]
    response_json(record(COMPLETE), words)
    assert len(words.decisions) == 1  # kept up to its bound, and written all the same
