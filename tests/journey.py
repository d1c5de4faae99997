"""Helpers that walk the questionnaire through the test client, as a browser would."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from app.screening.questions import STEPS
from tests.forms import csrf_token

# A complete set of answers that gives ``suggest_consult`` with no precaution.
BASE_ANSWERS: dict[str, Any] = {
    **{q.id: "no" for q in STEPS[0].questions},
    "pain_areas": ["elbow_forearm"],
    "pain_duration": "over_12_months",
    "pain_intensity": "6",
    "diagnoses": ["tennis_elbow"],
    "nerve_symptoms": ["none"],
    "manual_therapy": "no_lasting_relief",
    "active_therapy": "no_change",
    **{q.id: "no" for q in STEPS[3].questions},
    "pregnant": "no",
    "needle_attitude": "comfortable",
    "age_band": "18_to_64",
    "full_name": "Alex Tremblay",
    "email": "alex@example.org",
    "phone": "613-555-0199",
    "contact_preference": "phone",
    "comments": "",
    "consent": "y",
}


def step_data(step_id: str, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The form fields of one step, taken from ``answers``."""
    step = next(s for s in STEPS if s.id == step_id)
    return {q.id: answers[q.id] for q in step.questions if answers.get(q.id) not in (None, "")}


def post_step(
    client: FlaskClient, step_id: str, data: Mapping[str, Any], with_token: bool = True
) -> TestResponse:
    """GET the step (for its token) and POST ``data`` to it."""
    page = client.get(f"/screening/{step_id}")
    form = dict(data)
    if with_token:
        form["csrf_token"] = csrf_token(page)
    return client.post(f"/screening/{step_id}", data=form)


def answer_all(client: FlaskClient, overrides: Mapping[str, Any] | None = None) -> TestResponse:
    """Answer every step; returns the response to the last step's POST."""
    answers = {**BASE_ANSWERS, **(overrides or {})}
    response = None
    for step in STEPS:
        response = post_step(client, step.id, step_data(step.id, answers))
        assert response.status_code == 302, (step.id, response.get_data(as_text=True)[:2000])
    assert response is not None
    return response


def send(client: FlaskClient) -> TestResponse:
    """Submit from the check page."""
    page = client.get("/screening/check")
    return client.post("/screening/submit", data={"csrf_token": csrf_token(page)})
