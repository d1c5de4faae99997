"""A patient page that did not accept its form says so first, in its title."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from app.screening.questions import STEP_IDS
from tests.journey import BASE_ANSWERS, post_step, step_data

NBSP = "\u00a0"  # French puts a no-break space before a colon
TEXTS = {
    "en": ("Error: ", "Check your answers", "Safety check (step 1 of 5)"),
    "fr": (f"Erreur{NBSP}: ", "Vérifiez vos réponses", "Vérification de sécurité (étape 1 sur 5)"),
}


def title(html: str) -> str:
    found = re.search(r"<title>(.*?) – ", html)
    assert found, "no title"
    return found[1]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_check_page_after_an_expired_token_says_error(client: FlaskClient, lang: str) -> None:
    error, check, _ = TEXTS[lang]
    client.get(f"/?lang={lang}")
    for step_id in STEP_IDS:
        post_step(client, step_id, step_data(step_id, BASE_ANSWERS))
    assert title(client.get("/screening/check").text) == check
    response = client.post("/screening/submit", data={"csrf_token": "expired"})
    assert response.status_code == 422
    assert title(response.text) == error + check


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_step_page_title_says_error_only_with_errors(client: FlaskClient, lang: str) -> None:
    error, _, step = TEXTS[lang]
    client.get(f"/?lang={lang}")
    assert title(client.get("/screening/safety").text) == step
    assert title(post_step(client, "safety", {}).text) == error + step
    assert title(post_step(client, "safety", {}, with_token=False).text) == error + step
