"""The kept HTML of choice questions (app/screening/fragments.py): the same page as rendering
afresh, per language, and never kept for errors, tampered values or while templates reload."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask, get_template_attribute
from flask.testing import FlaskClient
from flask_babel import force_locale

from app.screening.fragments import EXTENSION, choice_group, chosen_codes
from app.screening.questions import QUESTIONS
from tests.conftest import make_app
from tests.forms import csrf_token
from tests.journey import BASE_ANSWERS, step_data

CHOICE_QUESTIONS = [q for q in QUESTIONS.values() if q.choices and q.kind != "consent"]


class FakeField:
    """What the choices macro reads of a WTForms field."""

    def __init__(self, data: object, errors: tuple[str, ...] = ()) -> None:
        self.data = data
        self.errors = list(errors)


def _cache(app: Flask) -> Any:
    return app.extensions[EXTENSION]


@pytest.mark.parametrize("locale", ["en", "fr_CA"])
def test_kept_html_is_what_the_macro_renders(app: Flask, locale: str) -> None:
    """Every choice question, unanswered and with each of its codes chosen, twice: the second
    comes from the cache and equals a fresh rendering."""
    with app.test_request_context(), force_locale(locale):
        macro = get_template_attribute("_macros/fields.html", "choices")
        for question in CHOICE_QUESTIONS:
            states = [None] + [
                [c.code] if question.kind == "multi" else c.code for c in question.choices
            ]
            for data in states:
                fresh = macro(question, chosen_codes(data), None)
                first = choice_group(question, FakeField(data), macro)
                again = choice_group(question, FakeField(data), macro)
                assert first == again == fresh, (question.id, data)
                assert again is first  # the kept copy, not a new rendering
    assert _cache(app).cache_info().currsize > len(CHOICE_QUESTIONS)


def test_each_language_has_its_own_copy(client: FlaskClient) -> None:
    english = client.get("/screening/safety").get_data(as_text=True)
    french = client.get("/screening/safety?lang=fr").get_data(as_text=True)
    assert 'value="yes"' in english
    assert 'value="yes"' in french
    assert ">Yes</label>" in english
    assert ">Yes</label>" not in french
    assert ">Oui</label>" in french
    back = client.get("/screening/safety?lang=en").get_data(as_text=True)
    assert ">Yes</label>" in back
    assert ">Oui</label>" not in back


def test_answers_shown_again_are_checked(app: Flask) -> None:
    """A second patient with other answers sees their own, not the first one's."""
    first, second = app.test_client(), app.test_client()
    for client in (first, second):
        page = client.get("/screening/safety")
        data = {**step_data("safety", BASE_ANSWERS), "csrf_token": csrf_token(page)}
        assert client.post("/screening/safety", data=data).status_code == 302
    page = first.get("/screening/pain")
    data = {**step_data("pain", BASE_ANSWERS), "csrf_token": csrf_token(page)}
    assert first.post("/screening/pain", data=data).status_code == 302
    shown = first.get("/screening/pain").get_data(as_text=True)
    assert 'value="over_12_months" checked' in shown
    assert 'value="elbow_forearm" checked' in shown
    fresh = second.get("/screening/pain").get_data(as_text=True)
    assert 'value="over_12_months"' in fresh
    assert " checked" not in fresh


def test_errors_and_tampered_values_are_rendered_afresh_and_never_kept(app: Flask) -> None:
    with app.test_request_context():
        macro = get_template_attribute("_macros/fields.html", "choices")
        question = QUESTIONS["pain_duration"]
        wrong = choice_group(question, FakeField("<b>x</b>"), macro)
        failed = choice_group(question, FakeField(None, ("Choose an answer.",)), macro)
    assert _cache(app).cache_info().currsize == 0
    assert "<b>x</b>" not in wrong  # nothing was checked, and nothing unescaped appears
    assert " checked" not in wrong
    assert "Choose an answer." in failed
    assert "has-error" in failed


def test_a_tampered_form_adds_nothing_to_the_cache(client: FlaskClient) -> None:
    page = client.get("/screening/safety")
    data = {**step_data("safety", BASE_ANSWERS), "csrf_token": csrf_token(page)}
    sizes = []
    for n in range(5):
        data["rf_chest_breathing"] = f"forged-{n}"
        assert client.post("/screening/safety", data=data).status_code == 422
        sizes.append(_cache(client.application).cache_info().currsize)
    # The first error page keeps the other questions as answered; the forged ones add nothing.
    assert sizes[0] > 0
    assert sizes == [sizes[0]] * 5


def test_nothing_is_kept_while_templates_reload(tmp_path: Path) -> None:
    app = make_app(tmp_path, TEMPLATES_AUTO_RELOAD=True)
    client = app.test_client()
    assert client.get("/screening/pain").status_code in (200, 302)
    assert client.get("/screening/safety").status_code == 200
    assert _cache(app).cache_info().currsize == 0
