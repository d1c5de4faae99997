"""Security headers on every route, error pages, the health check and the language switch."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from app import create_app
from app.extensions import db
from app.http import CONTENT_SECURITY_POLICY
from app.screening.questions import STEPS
from app.screening.rules import Outcome
from bench import page_weight
from tests.conftest import config_for, make_app
from tests.journey import BASE_ANSWERS, answer_all, post_step, send, step_data

# A value for each URL variable of the app's routes.
URL_VALUES = {
    "step_id": "safety",
    "filename": "site.css",
    "reference": "IMS-2222-2222",
    "staff_id": 1,
    "figure": "received",
    "resource_id": "ims-screen",
}


def every_route(app: Flask) -> list[tuple[str, str]]:
    """``(method, url)`` for every rule and method of the app."""
    routes = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            values = {**URL_VALUES, **(rule.defaults or {})}  # a rule's defaults: its own
            url = rule.build({k: values[k] for k in rule.arguments})[1]
            routes += [(m, url) for m in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return routes


def assert_secure_headers(response: TestResponse, *, hsts: bool) -> None:
    headers = response.headers
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert ("Strict-Transport-Security" in headers) is hsts


def test_every_route_sends_security_headers(app: Flask, client: FlaskClient) -> None:
    routes = every_route(app)
    assert len(routes) >= 8
    for method, url in routes:
        response = client.open(url, method=method)
        response.close()  # static files are streamed from disk
        assert response.status_code < 500, (method, url)
        assert_secure_headers(response, hsts=True)
        if not url.startswith("/static/"):  # the FHIR resources too: no PUBLIC_URL here
            assert response.headers["Cache-Control"] == "no-store", url


def test_headers_on_error_pages_and_after_a_journey(client: FlaskClient) -> None:
    assert_secure_headers(client.get("/no-such-page"), hsts=True)
    answer_all(client)
    send(client)
    result = client.get("/screening/result")
    assert_secure_headers(result, hsts=True)
    assert result.headers["Cache-Control"] == "no-store"


def test_no_hsts_in_development(app: Flask, client: FlaskClient) -> None:
    app.after_request_funcs[None].clear()
    from app.http import register_security_headers

    app.config["SEND_HSTS"] = False
    register_security_headers(app)
    assert_secure_headers(client.get("/"), hsts=False)


@pytest.mark.parametrize(
    ("method", "url", "status", "title"),
    [
        ("GET", "/no-such-page", 404, "Page not found"),
        ("GET", "/screening/not-a-step", 404, "Page not found"),
        ("DELETE", "/", 405, "That action is not available here"),
        ("GET", "/screening/submit", 405, "That action is not available here"),
    ],
)
def test_error_pages_are_in_the_site_style(
    client: FlaskClient, method: str, url: str, status: int, title: str
) -> None:
    response = client.open(url, method=method)
    html = response.get_data(as_text=True)
    assert response.status_code == status
    assert f"<h1>{title}</h1>" in html
    assert 'href="/static/site.css"' in html
    assert "Traceback" not in html


def test_405_keeps_the_allow_header(client: FlaskClient) -> None:
    assert "POST" in client.get("/screening/submit").headers["Allow"]


def test_unexpected_error_shows_a_plain_500_page(app: Flask, client: FlaskClient) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def boom() -> str:
        raise RuntimeError("secret internals")

    app.add_url_rule("/boom", view_func=boom)
    response = client.get("/boom")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Sorry, something went wrong on our side" in html
    assert "secret internals" not in html
    assert "Traceback" not in html
    assert_secure_headers(response, hsts=True)


def test_rate_limit_gives_a_429_page(tmp_path: Path) -> None:
    app = make_app(tmp_path, RATELIMIT_ENABLED=True, SCREENING_RATE_LIMIT="2 per minute")
    client = app.test_client()
    statuses = [
        post_step(client, "safety", step_data("safety", BASE_ANSWERS)).status_code for _ in range(3)
    ]
    page = client.post("/screening/safety", data={})
    assert statuses == [302, 302, 429]
    assert page.status_code == 429
    assert "Too many attempts" in page.get_data(as_text=True)
    assert client.get("/screening/safety").status_code == 200, "pages still open"


def test_the_limiter_works_only_for_views_with_a_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages, the health check and staff pages cost the limiter nothing; each form with a limit
    is checked once."""
    from app.extensions import limiter

    app = make_app(tmp_path, RATELIMIT_ENABLED=True, SCREENING_RATE_LIMIT="100 per minute")
    client = app.test_client()
    checks: list[str] = []
    real_check = limiter.check
    monkeypatch.setattr(limiter, "check", lambda: checks.append("check") or real_check())
    for path in ("/", "/screening/safety", "/healthz", "/auth/login", "/staff/"):
        client.get(path)
    assert checks == []
    assert post_step(client, "safety", step_data("safety", BASE_ANSWERS)).status_code == 302
    assert checks == ["check"]


def test_healthz(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_a_broken_database(tmp_path: Path) -> None:
    """A database that cannot be opened (here a file in a folder that does not exist) is a 503."""
    app = create_app(config_for(f"sqlite:///{tmp_path / 'missing' / 'db.sqlite3'}"))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "error"


@pytest.mark.sqlite_only
def test_healthz_answers_while_a_writer_holds_the_lock(app: Flask, client: FlaskClient) -> None:
    """A health check only reads: it must not queue for SQLite's write lock behind a long write
    (waiting up to the busy timeout, then reporting a healthy database as down)."""
    with app.app_context():
        writer = db.engine.raw_connection()
    try:
        writer.cursor().execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        response = client.get("/healthz")
        assert time.monotonic() - started < 1.0
        assert response.status_code == 200
    finally:
        writer.rollback()
        writer.close()


def test_language_switch_is_remembered(client: FlaskClient) -> None:
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)
    assert '<html lang="fr-CA">' in client.get("/?lang=fr").get_data(as_text=True)
    page = client.get("/screening/safety").get_data(as_text=True)
    assert '<html lang="fr-CA">' in page
    assert 'href="/screening/safety?lang=en"' in page
    assert '<html lang="en">' in client.get("/?lang=en").get_data(as_text=True)


def test_accept_language_picks_french(client: FlaskClient) -> None:
    page = client.get("/", headers={"Accept-Language": "fr-CA,fr;q=0.9,en;q=0.5"})
    assert '<html lang="fr-CA">' in page.get_data(as_text=True)


def test_submission_records_the_language(app: Flask, client: FlaskClient) -> None:
    from sqlalchemy import select

    from app.models import Submission

    client.get("/?lang=fr")
    answer_all(client)
    send(client)
    with app.app_context():
        submission = db.session.scalars(select(Submission)).one()
    assert submission.locale == "fr_CA"
    assert submission.consent_locale == "fr_CA"


def test_patient_pages_are_small(app: Flask) -> None:
    """QUALITY.md: under 30 KB with the stylesheet: every page, in both languages, at its
    heaviest (bench/page_weight.py prints the figures)."""
    stylesheet, pages = page_weight.measure(app)
    walked = 1 + 3 * len(STEPS) + 2  # start, each step three ways, check, result
    assert len(pages) == len(page_weight.LANGUAGES) * (walked + len(Outcome))
    heavy = [page for page in pages if page[2] + stylesheet >= page_weight.LIMIT]
    assert heavy == []


@pytest.mark.parametrize(
    ("status", "title"),
    [(400, "Something was wrong with that request"), (413, "Too much information was sent")],
)
def test_aborts_render_the_error_page(
    app: Flask, client: FlaskClient, status: int, title: str
) -> None:
    from flask import abort

    app.add_url_rule("/fail", view_func=lambda: abort(status))
    response = client.get("/fail")
    assert response.status_code == status
    assert f"<h1>{title}</h1>" in response.get_data(as_text=True)


RAW_BYTE = "x=\xff"  # WSGI holds the query's bytes as latin-1: one raw byte 0xFF, not UTF-8


@pytest.mark.parametrize(
    "url", ["/", "/healthz", "/auth/login", "/screening/safety", "/staff/", "/no-such-page"]
)
def test_raw_bytes_in_the_query_string_are_no_500(client: FlaskClient, url: str) -> None:
    response = client.get(url, environ_overrides={"QUERY_STRING": RAW_BYTE})
    assert response.status_code < 500
    assert_secure_headers(response, hsts=True)


def test_a_raw_utf8_query_string_still_picks_the_language(client: FlaskClient) -> None:
    query = "lang=fr&q=" + "é".encode().decode("latin-1")
    page = client.get("/", environ_overrides={"QUERY_STRING": query}).get_data(as_text=True)
    assert '<html lang="fr-CA">' in page
