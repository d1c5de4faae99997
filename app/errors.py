"""Error pages in the site's style: a plain explanation and a way on, never a stack trace."""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from flask import Flask, g, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, InternalServerError

from app.auth.guard import start_page
from app.auth.sessions import signed_in_user
from app.extensions import db
from app.ratelimit import retry_after

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
        _l("Please try again in a few minutes. If it happens again, call the clinic."),
    ),
    503: (
        _l("This service is briefly unavailable"),
        _l("Please try again in a minute."),
    ),
}
# What differs on a staff page (under STAFF_PATHS): no patient's results to mention, and a way
# back to the staff member's own start page.
STAFF_MESSAGES = {
    404: (
        _l("Page not found"),
        _l(
            "Check the address, or go back to your start page. A submission deleted by a "
            "purge is gone."
        ),
    ),
    403: (
        _l("You cannot open this page"),
        _l("Your role does not give access to this page. Ask an administrator if you need it."),
    ),
}
STAFF_PATHS = ("/staff", "/admin", "/auth")
# The 503 of a form that could not be saved: what was lost, and what was not.
NOT_SAVED = {
    "screening": _l(
        "The answers on this page were not saved. Please wait a minute, then send this page "
        "again. The answers you gave on the pages before are kept."
    ),
    None: _l("What you sent was not saved. Please wait a minute, then send it again."),
}
# A database that does not answer (down, restarting, out of connections, locked past the wait).
UNAVAILABLE = (OperationalError, InterfaceError, DisconnectionError, PoolTimeout)
RETRY_AFTER_SECONDS = 60


def render_error(
    status: int,
    headers: list[tuple[str, str]] | None = None,
    message: Any = None,
    again: str | None = None,
) -> ResponseReturnValue:
    """The error page for ``status``, with any headers the error requires (``Allow``...) and,
    when given, a ``message`` of its own and the page to ``again`` (a questionnaire step to
    send again)."""
    fallback = 500 if status >= 500 else 400
    title, usual = MESSAGES.get(status, MESSAGES[fallback])
    if request.path.startswith(STAFF_PATHS):
        title, usual = STAFF_MESSAGES.get(status, (title, usual))
        page = render_template(
            "errors/staff_error.html",
            status=status,
            title=title,
            message=message or usual,
            home=_staff_home(status),
        )
    else:
        page = render_template(
            "errors/error.html", status=status, title=title, message=message or usual, again=again
        )
    return page, status, headers or []


def _staff_home(status: int) -> str:
    """The start page of whoever is signed in (their queue, or an admin's accounts), or the
    sign-in page. The session is read only when the database answers (not for a 5xx)."""
    user = g.get("staff_user")
    if user is None and status < 500:
        with contextlib.suppress(*UNAVAILABLE):
            user = signed_in_user()
    return url_for("auth.login") if user is None else start_page(user)


def register_error_pages(app: Flask) -> None:
    """Handle every HTTP error and any unexpected exception with an error page."""

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> ResponseReturnValue:
        kept = [
            (name, value)
            for name, value in error.get_headers()
            if name.lower() in {"allow", "retry-after"}
        ]
        if error.code == 429 and not any(name.lower() == "retry-after" for name, _ in kept):
            kept.append(("Retry-After", str(retry_after())))
        return render_error(error.code or 500, kept)

    def _database_unavailable(error: Exception) -> ResponseReturnValue:
        # The type only: the message of a database error may hold the statement's values.
        log.warning("database unavailable (%s): answered 503", type(error).__name__)
        with contextlib.suppress(Exception):
            db.session.rollback()
        message = again = None
        if request.method == "POST":
            message = NOT_SAVED.get(request.blueprint, NOT_SAVED[None])
            if request.blueprint == "screening":  # the page that sent it (the check page's)
                again = (
                    url_for("screening.check")
                    if request.endpoint == "screening.submit"
                    else request.path
                )
        return render_error(503, [("Retry-After", str(RETRY_AFTER_SECONDS))], message, again)

    for kind in UNAVAILABLE:
        app.register_error_handler(kind, _database_unavailable)

    @app.errorhandler(InternalServerError)
    def _server_error(error: InternalServerError) -> ResponseReturnValue:
        # The original exception is logged by Flask with its traceback, never shown.
        return render_error(500)
