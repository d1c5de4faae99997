"""The French wording says what the English says, with terms that stay apart and agree.

Pages are rendered through the test client in both languages; each assertion names a wording
that once read wrongly (see the catalogue's history)."""

from __future__ import annotations

import re
from html import unescape

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.screening.questions import STEP_IDS
from tests.builders import make_submission
from tests.conftest import make_staff, sign_in
from tests.journey import BASE_ANSWERS, answer_all, post_step, send, step_data

NURSE_PRACTITIONER = "une infirmière praticienne ou un infirmier praticien"


def staff_browser(app: Flask, role: str, lang: str) -> FlaskClient:
    client = app.test_client()
    client.get(f"/auth/login?lang={lang}")
    sign_in(client, app, make_staff(app, role))
    return client


def patient_result(client: FlaskClient, lang: str, **overrides: object) -> str:
    """The result page of a patient who answered in ``lang`` (safety stops end at once)."""
    client.get(f"/?lang={lang}")
    if any(overrides.get(q) == "yes" for q in step_data("safety", BASE_ANSWERS)):
        post_step(client, "safety", step_data("safety", {**BASE_ANSWERS, **overrides}))
    else:
        answer_all(client, overrides)
        send(client)
    return unescape(client.get("/screening/result").text)


def option(html: str, name: str, value: str) -> str:
    """The text of ``<option value>`` in the select named ``name``."""
    select = re.search(rf'<select [^>]*name="{name}".*?</select>', html, re.DOTALL)
    assert select, name
    found = re.search(
        rf'<option (?:selected )?value="{re.escape(value)}">([^<]*)</option>', select[0]
    )
    assert found, (name, value)
    return unescape(found[1])


@pytest.mark.parametrize(
    ("lang", "not_indicated", "review", "any_outcome"),
    [
        ("en", "Not indicated", "Clinician review", "Any"),
        ("fr", "IMS non indiquée", "Révision clinique requise", "Tous"),
    ],
)
def test_queue_outcomes_read_apart(
    app: Flask, lang: str, not_indicated: str, review: str, any_outcome: str
) -> None:
    make_submission(app, outcome="not_indicated")
    make_submission(app, outcome="clinician_review")
    html = unescape(staff_browser(app, "front_desk", lang).get("/staff/all").text)
    assert f'<span class="tag outcome-not_indicated">{not_indicated}</span>' in html
    assert f'<span class="tag outcome-clinician_review">{review}</span>' in html
    assert option(html, "outcome", "not_indicated") == not_indicated
    assert option(html, "outcome", "clinician_review") == review
    assert option(html, "outcome", "") == any_outcome  # le résultat: « Tous »
    assert option(html, "status", "") == any_outcome  # le statut: « Tous »
    assert "Examen clinique" not in html


@pytest.mark.parametrize(
    ("lang", "not_given", "outcome"),
    [("en", "Not given", "Not indicated"), ("fr", "Non fourni", "IMS non indiquée")],
)
def test_submission_page_keeps_not_given_and_not_indicated_apart(
    app: Flask, lang: str, not_given: str, outcome: str
) -> None:
    made = make_submission(app, outcome="not_indicated", email=None)
    html = unescape(
        staff_browser(app, "front_desk", lang).get(f"/staff/submissions/{made.reference}").text
    )
    assert f'<span class="muted">{not_given}</span>' in html
    assert f'<span class="tag outcome-not_indicated">{outcome}</span>' in html
    assert "Non indiqué<" not in html


@pytest.mark.parametrize(("lang", "any_action"), [("en", "Any"), ("fr", "Toutes")])
def test_audit_log_action_filter_agrees_with_its_noun(
    app: Flask, lang: str, any_action: str
) -> None:
    html = staff_browser(app, "admin", lang).get("/admin/audit").text
    assert option(html, "action", "") == any_action  # une action: « Toutes »
    assert option(html, "who", "") == ("Anyone" if lang == "en" else "Tout le monde")


def test_see_a_doctor_names_nurse_practitioners_as_ontario_does(client: FlaskClient) -> None:
    html = patient_result(client, "fr", rf_hot_swollen="yes")
    assert 'data-outcome="see_doctor"' in html
    assert f"Consultez un médecin, {NURSE_PRACTITIONER} d’ici 24" in html
    assert f"consulté un médecin, {NURSE_PRACTITIONER}, n’hésitez pas" in html
    assert not re.search(r"\bIPS\b", html)


def test_french_questions_ask_no_more_than_the_english(client: FlaskClient) -> None:
    client.get("/?lang=fr")
    for step_id in STEP_IDS[: STEP_IDS.index("health")]:
        post_step(client, step_id, step_data(step_id, BASE_ANSWERS))
    html = unescape(client.get("/screening/health").text)
    assert "avez-vous une prothèse articulaire ou un autre implant près de" in html
    assert "hanche" not in html
    assert "des comprimés de stéroïdes pris pendant longtemps" in html
    assert "cortisone" not in html


def test_nerve_pain_reason_keeps_the_hedge(client: FlaskClient) -> None:
    html = patient_result(client, "fr", diagnoses=["nerve_pain"])
    assert "Votre douleur pourrait être liée aux nerfs." in html
    assert "semble liée" not in html


@pytest.mark.parametrize(
    ("lang", "button"),
    [("en", "Book an IMS consult"), ("fr", "Réserver une consultation pour l’IMS")],
)
def test_the_consult_is_named_the_same_way_throughout(
    client: FlaskClient, lang: str, button: str
) -> None:
    html = patient_result(client, lang)
    assert 'data-outcome="suggest_consult"' in html
    assert f">{button}</a>" in html
    assert "consultation en IMS" not in html
    if lang == "fr":
        assert "Une consultation pour l’IMS pourrait vous aider" in html
