"""Language: English or Canadian French, chosen with ``?lang=`` and remembered in the session."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from babel.support import NullTranslations
from flask import Flask, current_app, g, has_app_context, has_request_context, request, session
from flask.signals import before_render_template
from flask_babel import get_locale, get_translations

from app.settings.store import current

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


def select_timezone() -> str:
    """The clinic's time zone (a clinic setting), in which staff read every date and time."""
    return current().time_zone


def html_lang() -> str:
    """The current locale as a BCP 47 tag for ``<html lang>``, e.g. ``fr-CA``."""
    return str(get_locale()).replace("_", "-")


def switch_url(lang: str) -> str:
    """The current page in the other language (``lang`` is ``en`` or ``fr``)."""
    args = {k: v for k, v in request.args.items() if k != "lang"}
    args["lang"] = lang
    return f"{request.path}?{urlencode(args)}"


_RENDER_TRANSLATIONS = "ims_render_translations"


def translations() -> NullTranslations:
    """The catalogue of the template being rendered: looked up once a render (``_for_render``)
    rather than once a string, which Flask-Babel's template callables do (about 10 microseconds
    each time, sixty strings on a page). Outside a render, Flask-Babel's lookup."""
    if has_app_context():
        found = g.get(_RENDER_TRANSLATIONS)
        if found is not None:
            return found
    return get_translations()


def _for_render(_app: Flask, **_extra: Any) -> None:
    """Before each template render (Flask's ``before_render_template`` signal): the catalogue
    of the language in force now, as ``force_locale`` may have changed it since the last."""
    setattr(g, _RENDER_TRANSLATIONS, get_translations())


def register_i18n(app: Flask) -> None:
    """Remember an explicit language choice, expose language helpers to templates, and give
    templates the catalogue once a render (see ``translations``)."""
    before_render_template.connect(_for_render, app)
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
