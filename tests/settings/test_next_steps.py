"""No patient page ends in a dead end: every result says what the clinic does next and when, and
how to reach it with whatever details are set; a default install (no clinic details at all)
still promises a contact and gives the emergency number and the health line. A booking button
only when a booking link is set and the outcome allows booking."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.screening.codes import BOOKABLE_OUTCOMES, Outcome
from tests.builders import set_settings
from tests.conftest import make_app
from tests.journey import BASE_ANSWERS, answer_all, post_step, send, step_data

# Answers that reach each outcome (tests/screening/test_journey.py checks the rules behind).
CONTACT_OUTCOMES: dict[Outcome, dict[str, Any]] = {
    Outcome.SUGGEST_CONSULT: {},
    Outcome.CLINICIAN_REVIEW: {"blood_thinners": "yes"},
    Outcome.NOT_SUITABLE: {"needle_attitude": "prefer_no_needles"},
    Outcome.NOT_INDICATED: {
        "diagnoses": ["none"],
        "pain_duration": "under_6_weeks",
        "manual_therapy": "helped",
    },
}
STOPS = {Outcome.EMERGENCY: "rf_bladder_bowel", Outcome.SEE_DOCTOR: "rf_hot_swollen"}
BARE = {"CLINIC_NAME": None, "CLINIC_PHONE": None, "CLINIC_BOOKING_URL": None}
BOOKING = "https://booking.example.org/ims"


def result_page(client: FlaskClient, outcome: Outcome, lang: str, **answers: Any) -> str:
    """The result page of ``outcome``, reached as a patient would, in ``lang``."""
    client.get(f"/?lang={lang}")
    if outcome in STOPS:
        safety = step_data("safety", {**BASE_ANSWERS, STOPS[outcome]: "yes"})
        post_step(client, "safety", safety)
    else:
        answer_all(client, {**CONTACT_OUTCOMES[outcome], **answers})
        send(client)
    page = client.get("/screening/result")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'data-outcome="{outcome}"' in html
    return html


def next_step(html: str) -> str:
    """The text of the "What happens next" section, up to the next heading or the reference."""
    found = re.search(
        r'<h2>(What happens next|Prochaines étapes)</h2>(.*?)(<h2>|<div class="reference">)',
        html,
        re.DOTALL,
    )
    assert found, "no What happens next section"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found[2])).strip()


@pytest.fixture
def bare_app(tmp_path: Path) -> Flask:
    """A default install: no clinic name, phone, email, address or booking link."""
    return make_app(tmp_path, **BARE)


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("outcome", list(CONTACT_OUTCOMES))
def test_a_default_install_promises_a_contact(bare_app: Flask, outcome: Outcome, lang: str) -> None:
    html = result_page(bare_app.test_client(), outcome, lang)
    words = next_step(html)
    promise = {
        "en": "The clinic will call you within 1 business day, by ",
        "fr": "La clinique vous appellera d’ici 1 jour ouvrable, au plus tard le ",
    }[lang]
    assert promise in words
    assert "booking.example.org" not in html
    assert "tel:" not in words  # nothing to reach the clinic by: no empty list or link
    assert "IMS Screen:" not in html
    assert "911" in html  # the emergency number
    assert "811" in html  # the health line


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("outcome", list(STOPS))
def test_a_safety_stop_says_the_clinic_will_not_call(
    bare_app: Flask, outcome: Outcome, lang: str
) -> None:
    html = result_page(bare_app.test_client(), outcome, lang)
    words = next_step(html)
    said = {
        "en": "the clinic will not contact you about these answers",
        "fr": "la clinique ne communiquera pas avec vous au sujet de ces réponses",
    }[lang]
    assert said in words
    # Each stop's one instruction, as a call link: 911, or the health line.
    dialled = {Outcome.EMERGENCY: "911", Outcome.SEE_DOCTOR: "811"}[outcome]
    assert f'<a class="call-button" href="tel:{dialled}">' in html
    assert "booking.example.org" not in html


def test_the_promise_follows_the_patients_choice_and_the_target(app: Flask) -> None:
    set_settings(app, response_target_days=3)
    html = result_page(app.test_client(), Outcome.SUGGEST_CONSULT, "en", contact_preference="email")
    assert "The clinic will email you within 3 business days, by " in next_step(html)


@pytest.mark.parametrize("outcome", list(CONTACT_OUTCOMES))
def test_a_booking_button_only_where_booking_is_allowed(app: Flask, outcome: Outcome) -> None:
    html = result_page(app.test_client(), outcome, "en")
    button = f'<a class="button" href="{BOOKING}">'
    assert (button in html) == (outcome in BOOKABLE_OUTCOMES)


def test_every_detail_set_is_shown_with_the_clinics_words(app: Flask) -> None:
    set_settings(
        app,
        name="Rideau Physio",
        phone="613-555-0100",
        email="desk@rideau.example",
        address="100 Bank Street, Ottawa",
        hours_en="Monday to Friday, 8 am to 6 pm",
        hours_fr="Du lundi au vendredi, de 8 h à 18 h",
        next_steps_en="We call from a private number.",
        next_steps_fr="Nous appelons d’un numéro masqué.",
    )
    words = next_step(result_page(app.test_client(), Outcome.CLINICIAN_REVIEW, "en"))
    for shown in (
        "You can also contact Rideau Physio:",
        "613-555-0100",
        "(Monday to Friday, 8 am to 6 pm)",
        "desk@rideau.example",
        "100 Bank Street, Ottawa",
        "We call from a private number.",
    ):
        assert shown in words
    words = next_step(result_page(app.test_client(), Outcome.NOT_INDICATED, "fr"))
    assert "Du lundi au vendredi, de 8 h à 18 h" in words
    assert "Nous appelons d’un numéro masqué." in words
    assert "private number" not in words


def test_opening_hours_stand_alone_without_a_phone(app: Flask) -> None:
    set_settings(app, phone="", email="desk@rideau.example", hours_en="Weekdays, 9 to 5")
    words = next_step(result_page(app.test_client(), Outcome.SUGGEST_CONSULT, "en"))
    assert "Opening hours: Weekdays, 9 to 5" in words
    assert "tel:" not in words
