"""Error pages in the site's style: a plain explanation and a way on, never a stack trace."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)

# Status -> (title, explanation). Unlisted statuses fall back to the 400 or 500 text.
MESSAGES = {
    400: (
        _l("Something was wrong with that request"),
        _l("Please go back, check the page and try again."),
    ),
    403: (_l("You cannot open this page"), _l("Your account does not give access to this page.")),
    404: (
        _l("Page not found"),
        _l(
            "Check the address, or start again from the home page. Results are only kept for a "
            "short time, and only in the browser that sent the answers."
        ),
    ),
    405: (
        _l("That action is not available here"),
        _l("Please go back and use the buttons on the page."),
    ),
    413: (
        _l("Too much information was sent"),
        _l("Please shorten your answers and try again."),
    ),
    429: (
        _l("Too many attempts"),
        _l("Please wait a minute, then try again."),
    ),
    500: (
        _l("Sorry, something went wrong on our side"),
        _l("Your answers were not lost. Please try again in a few minutes, or call the clinic."),
    ),
}


def render_error(status: int, headers: list[tuple[str, str]] | None = None) -> ResponseReturnValue:
    """The error page for ``status``, with any headers the error requires (``Allow``...)."""
    fallback = 500 if status >= 500 else 400
    title, message = MESSAGES.get(status, MESSAGES[fallback])
    page = render_template("errors/error.html", status=status, title=title, message=message)
    return page, status, headers or []


def register_error_pages(app: Flask) -> None:
    """Handle every HTTP error and any unexpected exception with an error page."""

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> ResponseReturnValue:
        kept = [
            (name, value)
            for name, value in error.get_headers()
            if name.lower() in {"allow", "retry-after"}
        ]
        return render_error(error.code or 500, kept)

    @app.errorhandler(InternalServerError)
    def _server_error(error: InternalServerError) -> ResponseReturnValue:
        # The original exception is logged by Flask with its traceback, never shown.
        return render_error(500)
