"""Kept step pages (app/screening/pages.py): the same page as rendering afresh, with each
browser's own token, per language and answers; never kept for free text, a query string or
while templates reload; bounded."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.screening import pages
from app.screening.codes import StepId
from app.screening.questions import STEPS
from tests.conftest import make_app
from tests.forms import csrf_token
from tests.journey import BASE_ANSWERS, post_step, step_data

CHOICE_STEPS = [step.id for step in STEPS if step.id is not StepId.CONTACT]


def kept(app: Flask) -> pages.PageCache:
    return app.extensions[pages.EXTENSION]


def answer_until(client: FlaskClient, last: StepId) -> None:
    """Answer every step before ``last`` with the base answers."""
    for step in STEPS:
        if step.id == last:
            return
        post_step(client, step.id, step_data(step.id, BASE_ANSWERS))


def without_token(html: str, token: str) -> str:
    assert html.count(token) == 1
    return html.replace(token, "TOKEN")


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("step_id", CHOICE_STEPS)
def test_a_kept_page_is_the_page_rendered_afresh(tmp_path: Path, step_id: str, lang: str):
    """Two browsers with the same answers get the same page, each with its own token, and it
    is the page an app without a cache (templates reloading) renders."""
    (tmp_path / "fresh").mkdir()
    (tmp_path / "kept").mkdir()
    fresh_app = make_app(tmp_path / "fresh", TEMPLATES_AUTO_RELOAD=True)
    kept_app = make_app(tmp_path / "kept")
    pages_seen = []
    for app in (fresh_app, kept_app, kept_app):
        client = app.test_client()
        client.get(f"/?lang={lang}")
        answer_until(client, StepId.CONTACT)  # every choice step answered: all shown ticked
        page = client.get(f"/screening/{step_id}")
        assert page.status_code == 200
        pages_seen.append((page.text, csrf_token(page)))
    (fresh, fresh_token), (first, first_token), (second, second_token) = pages_seen
    assert len({fresh_token, first_token, second_token}) == 3
    assert without_token(first, first_token) == without_token(fresh, fresh_token)
    assert without_token(second, second_token) == without_token(fresh, fresh_token)
    assert len(kept(fresh_app)) == 0
    assert len(kept(kept_app)) >= 1


def test_the_token_in_a_kept_page_is_the_browsers_own(app: Flask) -> None:
    first, second = app.test_client(), app.test_client()
    first.get("/screening/safety")  # kept now
    page = second.get("/screening/safety")  # from the cache
    data = {**step_data("safety", BASE_ANSWERS), "csrf_token": csrf_token(page)}
    assert second.post("/screening/safety", data=data).status_code == 302
    assert first.post("/screening/safety", data=data).status_code == 422  # not its token


def test_each_answer_has_its_own_page(app: Flask) -> None:
    client = app.test_client()
    answer_until(client, StepId.PAIN)
    before = client.get("/screening/safety").text
    assert 'value="no" checked' in before
    changed = {**step_data("safety", BASE_ANSWERS), "rf_weight_loss": "yes"}
    post_step(client, "safety", changed)
    after = client.get("/screening/safety").text
    assert 'id="rf_weight_loss-yes" name="rf_weight_loss" value="yes" checked' in after
    assert 'id="rf_weight_loss-yes" name="rf_weight_loss" value="yes" checked' not in before


def test_pages_are_kept_per_language(app: Flask) -> None:
    client = app.test_client()
    english = client.get("/screening/safety").text
    client.get("/?lang=fr")
    french = client.get("/screening/safety").text
    assert 'lang="en"' in english
    assert 'lang="fr-CA"' in french
    assert len(kept(app)) == 2


def test_the_contact_step_is_never_kept(app: Flask) -> None:
    client = app.test_client()
    answer_until(client, StepId.CONTACT)
    count = len(kept(app))
    assert post_step(client, "contact", step_data("contact", BASE_ANSWERS)).status_code == 302
    page = client.get("/screening/contact")
    assert BASE_ANSWERS["full_name"] in page.text  # the patient's own text is on the page
    assert len(kept(app)) == count


def test_a_page_with_a_query_string_is_not_kept(app: Flask) -> None:
    client = app.test_client()
    page = client.get("/screening/safety?lang=fr")
    assert "/screening/safety?lang=en" in page.text  # the switch link carries the query
    assert len(kept(app)) == 0


def test_the_cache_is_bounded(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    app.extensions[pages.EXTENSION] = pages.PageCache(2)
    client = app.test_client()
    answer_until(client, StepId.CONTACT)
    for step_id in CHOICE_STEPS:
        assert client.get(f"/screening/{step_id}").status_code == 200
    assert len(kept(app)) == 2
