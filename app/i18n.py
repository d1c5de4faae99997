"""Language: English or Canadian French, chosen with ``?lang=`` and remembered in the session."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from babel.support import NullTranslations
from flask import Flask, current_app, g, has_app_context, has_request_context, request, session
from flask_babel import get_locale, get_translations

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
    if isinstance(remembered, str) and remembered in current_app.config["LANGUAGES"]:
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


def translations() -> NullTranslations:
    """This request's message catalogue, looked up once per request.

    Flask-Babel's template callables look the catalogue up again for every string (about
    11 microseconds each time, sixty strings on a questionnaire step). The catalogue is kept in
    the slot of Flask-Babel's per-request state that ``flask_babel.refresh`` and
    ``force_locale`` clear and restore, so a language switched in the middle of a request is
    still followed.
    """
    if not has_app_context():
        return get_translations()
    cached = getattr(g.get("_flask_babel"), "babel_translations", None)
    if cached is None:
        cached = get_translations()
        state = g.get("_flask_babel")  # created by that lookup
        if state is not None:
            state.babel_translations = cached
    return cached


def register_i18n(app: Flask) -> None:
    """Remember an explicit language choice, expose language helpers to templates, and give
    templates the request's catalogue directly (see ``translations``)."""
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True,
    )

    @app.before_request
    def _remember_language() -> None:
        chosen = LANG_PARAMETER.get(request.args.get("lang", ""))
        if chosen and session.get(SESSION_KEY) != chosen:
            session[SESSION_KEY] = chosen

    @app.context_processor
    def _language_helpers() -> dict[str, Any]:
        return {"html_lang": html_lang, "switch_url": switch_url}
