"""HTTP hardening applied to every response: security headers and caching rules."""

from __future__ import annotations

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

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
        # Static files carry nothing personal and may be cached.
        if request.endpoint != "static":
            headers["Cache-Control"] = "no-store"
            headers["Pragma"] = "no-cache"
        headers.setdefault("Vary", "Cookie")
        return response
