"""HTTP hardening applied to every request and response: a query string the app can always
read, a body never past its limit, security headers and caching rules."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import TYPE_CHECKING

from flask import Flask, Response, abort, current_app, request, session
from werkzeug.middleware.proxy_fix import ProxyFix

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
HSTS = "max-age=31536000; includeSubDomains"


def register_proxy_fix(app: Flask) -> None:
    """Trust ``X-Forwarded-For/-Proto/-Host`` from ``PROXY_FIX_HOPS`` proxies in front.

    Off (0) by default: behind no proxy, those headers come from the client and must be
    ignored. With one nginx in front, set 1: client addresses (rate limits, audit) and
    ``https`` URLs are then right.
    """
    hops = app.config["PROXY_FIX_HOPS"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]


class EncodedQueryString:
    """WSGI middleware: percent-encode every non-ASCII byte of ``QUERY_STRING``, as a browser does.

    Werkzeug decodes a raw query string as strict UTF-8 when ``request.args`` is first read, so
    one stray byte (``?x=\\xff``, sent by hand) would fail every page, the health check and the
    error pages included. Encoded, it reaches the app as ``%FF``, which it already reads safely;
    raw UTF-8 text still decodes to the same characters.
    """

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        query = environ.get("QUERY_STRING", "")
        if not query.isascii():
            # PEP 3333: the server hands over the bytes as latin-1 characters, one per byte.
            raw = query.encode("latin-1", errors="replace")
            environ["QUERY_STRING"] = "".join(
                chr(byte) if byte < 0x80 else f"%{byte:02X}" for byte in raw
            )
        return self.app(environ, start_response)


# Set on the environ by BoundedBody when a body without a length went past the limit.
TOO_LARGE = "ims.body_too_large"


class BoundedBody:
    """WSGI middleware: a body sent without a ``Content-Length`` (``Transfer-Encoding:
    chunked``) is read here, up to ``limit`` bytes, and handed on with its length; one that
    goes past the limit is marked, and the app refuses it (413).

    Werkzeug applies ``MAX_CONTENT_LENGTH`` to such a body only as a limit on what it reads:
    the form parser stopped at 32 KB and the request went on with the answers cut short.
    """

    def __init__(self, app: WSGIApplication, limit: int) -> None:
        self.app = app
        self.limit = limit

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if chunked and not environ.get("CONTENT_LENGTH") and environ.get("wsgi.input_terminated"):
            body = environ["wsgi.input"].read(self.limit + 1)
            if len(body) > self.limit:
                environ[TOO_LARGE] = True
                body = b""
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
        return self.app(environ, start_response)


def register_body_limit(app: Flask) -> None:
    """Refuse (413) a body past ``MAX_CONTENT_LENGTH`` however it is sent (``BoundedBody``)."""
    app.wsgi_app = BoundedBody(app.wsgi_app, app.config["MAX_CONTENT_LENGTH"])  # type: ignore[method-assign]

    @app.before_request
    def _refuse_too_large() -> None:
        if request.environ.get(TOO_LARGE):
            abort(413)


def register_query_encoding(app: Flask) -> None:
    """Wrap the whole app (outermost, around any proxy fix) so every request, error pages
    included, sees an ASCII query string."""
    app.wsgi_app = EncodedQueryString(app.wsgi_app)  # type: ignore[method-assign]


def _sets_cookie() -> bool:
    """Whether this response will carry the session's cookie (as Flask decides, after the
    ``after_request`` functions)."""
    return current_app.session_interface.should_set_cookie(current_app, session)


def register_security_headers(app: Flask) -> None:
    """Add the headers of QUALITY.md to every response, error pages included."""
    send_hsts = app.config["SEND_HSTS"]

    @app.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        headers["X-Content-Type-Options"] = "nosniff"
        # Same-origin requests only: over HTTPS, the staff forms' CSRF check requires their own
        # origin as Referer (Flask-WTF), and no address ever leaves for another site.
        headers["Referrer-Policy"] = "same-origin"
        headers["X-Frame-Options"] = "DENY"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
        if send_hsts:
            headers["Strict-Transport-Security"] = HSTS
        # Pages may hold patient data or depend on the session: never store them anywhere.
        # Static files, and the responses their views mark public (the FHIR questionnaire,
        # app.fhir.views), carry nothing personal and may be cached, unless this response
        # also sets the session's cookie (a ``?lang=`` remembered, a staff session renewed),
        # which no shared cache may keep. (``send_file`` with a ``max_age`` marks a file public
        # too: send nothing private that way.)
        cacheable = request.endpoint == "static" or (
            response.cache_control.public and not _sets_cookie()
        )
        if not cacheable:
            headers["Cache-Control"] = "no-store"
            headers["Pragma"] = "no-cache"
        headers.setdefault("Vary", "Cookie")
        return response
