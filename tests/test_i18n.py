"""Templates translate with the catalogue of the request's language, looked up once a render
(app.i18n.translations), and still follow a language switched in the middle of a request."""

from __future__ import annotations

import pytest
from flask import Flask, render_template_string
from flask_babel import force_locale, refresh

from app import i18n
from app.i18n import translations

TEMPLATE = '{{ _("Continue") }} {{ _("Step %(number)d of %(total)d", number=2, total=5) }}'


def test_each_request_renders_in_its_own_language(app: Flask) -> None:
    with app.test_request_context("/?lang=fr"):
        assert render_template_string(TEMPLATE) == "Continuer Étape 2 sur 5"
    with app.test_request_context("/?lang=en"):
        assert render_template_string(TEMPLATE) == "Continue Step 2 of 5"


def test_the_catalogue_is_looked_up_once_a_render(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    lookups: list[str] = []
    real = i18n.get_translations
    monkeypatch.setattr(i18n, "get_translations", lambda: lookups.append("lookup") or real())
    with app.test_request_context("/?lang=fr"):
        assert render_template_string(TEMPLATE) == "Continuer Étape 2 sur 5"
        assert lookups == ["lookup"]
        assert translations().ugettext("Continue") == "Continuer"


def test_a_language_forced_for_a_moment_is_followed_and_then_left(app: Flask) -> None:
    with app.test_request_context("/?lang=en"):
        assert render_template_string(TEMPLATE).startswith("Continue ")
        with force_locale("fr_CA"):
            assert render_template_string(TEMPLATE).startswith("Continuer ")
        assert render_template_string(TEMPLATE).startswith("Continue ")


def test_a_language_changed_by_refresh_is_followed(app: Flask) -> None:
    with app.test_request_context("/?lang=en"):
        assert render_template_string(TEMPLATE).startswith("Continue ")
        app.extensions["babel"].locale_selector = lambda: "fr_CA"
        refresh()
        assert render_template_string(TEMPLATE).startswith("Continuer ")


def test_outside_a_request_templates_use_the_default_language(app: Flask) -> None:
    with app.app_context():
        assert render_template_string(TEMPLATE) == "Continue Step 2 of 5"
