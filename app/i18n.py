"""Language: English or Canadian French, chosen with ``?lang=`` and remembered in the session."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import get_locale

# The value of ``?lang=`` -> the Babel locale it selects.
LANG_PARAMETER = {"en": "en", "fr": "fr_CA"}
SESSION_KEY = "lang"


def select_locale() -> str:
    """The locale for this request: ``?lang=``, then the session, then ``Accept-Language``.

    Outside a request (commands), the default locale.
    """
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = LANG_PARAMETER.get(request.args.get("lang", ""))
    if chosen:
        return chosen
    remembered = session.get(SESSION_KEY)
    if remembered in current_app.config["LANGUAGES"]:
        return remembered
    best = request.accept_languages.best_match(["en", "fr"], default="en")
    return LANG_PARAMETER[best]


def html_lang() -> str:
    """The current locale as a BCP 47 tag for ``<html lang>``, e.g. ``fr-CA``."""
    return str(get_locale()).replace("_", "-")


def switch_url(lang: str) -> str:
    """The current page in the other language (``lang`` is ``en`` or ``fr``)."""
    args = {k: v for k, v in request.args.items() if k != "lang"}
    args["lang"] = lang
    return f"{request.path}?{urlencode(args)}"


def register_i18n(app: Flask) -> None:
    """Remember an explicit language choice and expose language helpers to templates."""

    @app.before_request
    def _remember_language() -> None:
        chosen = LANG_PARAMETER.get(request.args.get("lang", ""))
        if chosen and session.get(SESSION_KEY) != chosen:
            session[SESSION_KEY] = chosen

    @app.context_processor
    def _language_helpers() -> dict[str, Any]:
        return {"html_lang": html_lang, "switch_url": switch_url}
