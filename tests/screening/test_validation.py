"""Invalid input at every step gets a clear message beside its field and stores nothing."""

from __future__ import annotations

from html import unescape
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.extensions import db
from app.models import Draft, Submission
from app.screening.questions import STEP_IDS, STEPS_BY_ID
from tests.forms import csrf_token
from tests.journey import BASE_ANSWERS, post_step, step_data


def answer_steps_before(client: FlaskClient, step_id: str) -> None:
    for earlier in STEP_IDS[: STEP_IDS.index(step_id)]:
        assert post_step(client, earlier, step_data(earlier, BASE_ANSWERS)).status_code == 302


def stored_answers(app: Flask) -> dict[str, Any]:
    with app.app_context():
        draft = db.session.scalar(select(Draft))
        return dict(draft.answers) if draft else {}


def submissions(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Submission))


def valid(step_id: str, **changes: Any) -> dict[str, Any]:
    data = step_data(step_id, BASE_ANSWERS)
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


LONG_NAME = "A" * 101
CASES = [
    # (step, form data, field whose error is expected, message)
    ("safety", {}, "rf_saddle_numbness", "Select yes if you have new numbness or tingling"),
    ("safety", valid("safety", rf_night_pain="maybe"), "rf_night_pain", "Choose from the options"),
    ("pain", valid("pain", pain_areas=None), "pain_areas", "Select where you have pain."),
    ("pain", valid("pain", pain_areas=["elbow", "knee"]), "pain_areas", "Choose from the options"),
    (
        "pain",
        valid("pain", diagnoses=["none", "tennis_elbow"]),
        "diagnoses",
        "“None of these” cannot be chosen together",
    ),
    (
        "pain",
        valid("pain", nerve_symptoms=None),
        "nerve_symptoms",
        "Select what your pain feels like, or “None of these”.",
    ),
    ("pain", valid("pain", pain_intensity="11"), "pain_intensity", "Choose from the options"),
    ("pain", valid("pain", pain_intensity="-1"), "pain_intensity", "Choose from the options"),
    ("pain", valid("pain", pain_intensity="five"), "pain_intensity", "Choose from the options"),
    ("pain", valid("pain", pain_duration=None), "pain_duration", "Select how long you have"),
    ("history", valid("history", active_therapy="bogus"), "active_therapy", "Choose from the"),
    ("health", valid("health", pregnant=None), "pregnant", "Select whether you are pregnant"),
    ("health", valid("health", age_band="over_100"), "age_band", "Choose from the options"),
    ("contact", valid("contact", full_name="   "), "full_name", "Enter your full name."),
    ("contact", valid("contact", full_name=LONG_NAME), "full_name", "100 characters or fewer"),
    ("contact", valid("contact", full_name="Al\x00ex"), "full_name", "special characters"),
    ("contact", valid("contact", email="not-an-email"), "email", "right format"),
    ("contact", valid("contact", email="a@b"), "email", "right format"),
    ("contact", valid("contact", phone="call me"), "phone", "7 to 20 characters"),
    ("contact", valid("contact", phone="12345"), "phone", "7 to 20 characters"),
    ("contact", valid("contact", phone="1" * 21), "phone", "7 to 20 characters"),
    ("contact", valid("contact", email="", phone=""), "email", "email address or a phone"),
    (
        "contact",
        valid("contact", phone="", contact_preference="phone"),
        "contact_preference",
        "enter a phone number, or choose email",
    ),
    (
        "contact",
        valid("contact", email="", contact_preference="email"),
        "contact_preference",
        "enter an email address, or choose phone",
    ),
    ("contact", valid("contact", contact_preference="fax"), "contact_preference", "Choose from"),
    ("contact", valid("contact", comments="x" * 1001), "comments", "1,000 characters or fewer"),
    ("contact", valid("contact", consent=None), "consent", "Tick the box to agree"),
    ("contact", valid("contact", consent="n"), "consent", "Tick the box to agree"),
]


@pytest.mark.parametrize(("step_id", "data", "field", "message"), CASES)
def test_invalid_step_is_refused_with_a_message_and_nothing_stored(
    app: Flask, client: FlaskClient, step_id: str, data: dict[str, Any], field: str, message: str
) -> None:
    answer_steps_before(client, step_id)
    before = stored_answers(app)

    response = post_step(client, step_id, data)
    html = unescape(response.get_data(as_text=True))

    assert response.status_code == 422
    assert "There is a problem" in html
    assert f'id="{field}-error"' in html, "the message sits beside its field"
    assert message in html
    assert "aria-describedby" in html
    assert html.count('<form method="post"') == 1
    assert stored_answers(app) == before
    assert submissions(app) == 0


def test_error_summary_links_to_each_field_in_order(client: FlaskClient) -> None:
    questions = STEPS_BY_ID["safety"].questions
    data = valid("safety", **{questions[1].id: None, questions[7].id: None})
    html = post_step(client, "safety", data).get_data(as_text=True)
    links = [f'href="#{q.id}-yes"' for q in (questions[1], questions[7])]
    positions = [html.index(link) for link in links]
    assert positions == sorted(positions)
    assert 'class="error-summary"' in html
    assert "autofocus" in html
    assert "<title>Error:" in html


def test_given_answers_are_kept_when_others_are_missing(client: FlaskClient) -> None:
    answer_steps_before(client, "pain")
    html = post_step(client, "pain", valid("pain", pain_duration=None)).get_data(as_text=True)
    assert 'value="tennis_elbow" checked' in html


def test_valid_contact_accepts_either_email_or_phone(app: Flask, client: FlaskClient) -> None:
    answer_steps_before(client, "contact")
    response = post_step(client, "contact", valid("contact", phone="", contact_preference="email"))
    assert response.status_code == 302
    assert stored_answers(app)["phone"] is None


@pytest.mark.parametrize("token", [None, "tampered", "x" * 200])
def test_missing_or_bad_csrf_token_keeps_answers_and_asks_again(
    app: Flask, client: FlaskClient, token: str | None
) -> None:
    answer_steps_before(client, "pain")
    before = stored_answers(app)
    client.get("/screening/pain")
    data = step_data("pain", BASE_ANSWERS)
    if token is not None:
        data["csrf_token"] = token
    response = client.post("/screening/pain", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Please send this page again" in html
    assert 'value="tennis_elbow" checked' in html, "the patient's answers are kept"
    assert 'value="over_12_months" checked' in html
    assert stored_answers(app) == before
    # Sending the page again, with the fresh token it now holds, works.
    data["csrf_token"] = csrf_token(response)
    assert client.post("/screening/pain", data=data).status_code == 302


def test_final_submit_without_csrf_token_stores_nothing(app: Flask, client: FlaskClient) -> None:
    for step_id in STEP_IDS:
        post_step(client, step_id, step_data(step_id, BASE_ANSWERS))
    response = client.post("/screening/submit", data={})
    assert response.status_code == 422
    assert "Please send this page again" in response.get_data(as_text=True)
    assert submissions(app) == 0


def test_oversize_body_is_refused(app: Flask, client: FlaskClient) -> None:
    answer_steps_before(client, "contact")
    data = valid("contact", comments="x" * (app.config["MAX_CONTENT_LENGTH"] + 1))
    response = post_step(client, "contact", data)
    assert response.status_code == 413
    assert "Too much information was sent" in response.get_data(as_text=True)
    assert "full_name" not in stored_answers(app)


def test_submit_before_finishing_goes_back_to_the_questionnaire(
    app: Flask, client: FlaskClient
) -> None:
    post_step(client, "safety", step_data("safety", BASE_ANSWERS))
    token = csrf_token(client.get("/screening/pain"))
    response = client.post("/screening/submit", data={"csrf_token": token})
    assert response.headers["Location"] == "/screening"
    assert submissions(app) == 0


def test_unknown_fields_are_ignored_and_never_stored(app: Flask, client: FlaskClient) -> None:
    post_step(client, "safety", {**step_data("safety", BASE_ANSWERS), "is_admin": "1"})
    assert "is_admin" not in stored_answers(app)


@pytest.mark.parametrize(
    ("step_id", "field", "values"),
    [
        ("safety", "rf_chest_breathing", ["no", "yes"]),
        ("safety", "rf_chest_breathing", ["yes", "no"]),
        ("safety", "rf_night_pain", ["no", "no"]),  # even the same value twice
        ("pain", "pain_duration", ["under_6_weeks", "over_12_months"]),
        ("pain", "pain_intensity", ["2", "9"]),
        ("contact", "contact_preference", ["phone", "email"]),
    ],
)
def test_a_single_choice_sent_more_than_once_is_refused(
    app: Flask, client: FlaskClient, step_id: str, field: str, values: list[str]
) -> None:
    """Only a hand-made request sends one radio group twice: which value counts is not ours
    to guess (the first would hide an emergency "yes" sent after a "no")."""
    answer_steps_before(client, step_id)
    before = stored_answers(app)
    response = post_step(client, step_id, valid(step_id, **{field: values}))
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert f'id="{field}-error"' in html
    assert "Choose only one answer." in html
    assert stored_answers(app) == before
    assert submissions(app) == 0


def test_multi_choice_questions_still_take_several_values(app: Flask, client: FlaskClient) -> None:
    answer_steps_before(client, "pain")
    data = valid("pain", pain_areas=["neck", "elbow_forearm"], nerve_symptoms=["burning"])
    assert post_step(client, "pain", data).status_code == 302
    assert stored_answers(app)["pain_areas"] == ["neck", "elbow_forearm"]
