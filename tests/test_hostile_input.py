"""Nothing a user sends can produce a 500 (QUALITY.md, Input): every route, as a patient and as
each staff role, with odd query strings, odd headers and bodies, and every form a page shows
sent with odd values in each of its fields (its CSRF token and one-time key as rendered, so the
values reach the form's checks and, where those let them through, the database). A new route,
form or field is swept without changing this file. Under the test settings an exception
propagates instead of becoming a 500, so it fails the test too."""

from __future__ import annotations

from collections import Counter

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.builders import make_submission
from tests.conftest import make_staff, sign_in
from tests.forms import Form, forms
from tests.test_http import URL_VALUES, every_route

QUERIES = [
    "lang=%00",
    "lang=zz-ZZ",
    "after=%FF",
    "before=AAAA",
    "after=" + "A" * 3000,
    "outcome=%00&status=%00&from=0000-13-45&to=9999-99-99",
    "from=2026-01-01&to=2025-01-01",
    "outcome=a&outcome=b",
    "next=//elsewhere.example",
    "next=%00",
]
VALUES = ["\x00", "x" * 5000, "2026-02-30", "-1", "é" * 300]
HEADERS = [
    {"Accept-Language": "fr;q=abc, *;q=2, en;q=-1,,,"},
    {"Accept-Language": "x" * 4000},
    {"Cookie": "session=garbage.garbage.garbage"},
    {"Cookie": "session=" + "A" * 3000},
    {"Content-Type": "application/json"},
    {"Content-Type": "multipart/form-data; boundary=xyz"},
    {"Content-Type": "application/x-www-form-urlencoded; charset=no-such-charset"},
]


def send(client: FlaskClient, statuses: Counter[int], *args: object, **kwargs: object) -> str:
    """One request; its status counted, its body read and closed (exports stream)."""
    response = client.open(*args, **kwargs)  # type: ignore[arg-type]
    # A PDF is not text; the sweep reads only the pages' forms.
    body = "" if response.mimetype == "application/pdf" else response.get_data(as_text=True)
    response.close()
    statuses[response.status_code] += 1
    return body


def post_forms(page_url: str, body: str) -> dict[str, Form]:
    """The POST forms of a page, by where each sends."""
    return {form.action or page_url: form for form in forms(body) if form.method == "post"}


def form_actions(page_url: str, body: str) -> dict[str, str]:
    """Where each POST form of a page sends, and the page it is on."""
    return dict.fromkeys(post_forms(page_url, body), page_url)


def hostile_form(client: FlaskClient, page_url: str, action: str, value: object) -> dict:
    """The form as its page renders it now (CSRF token, one-time key), every other field it
    shows set to ``value``."""
    form = post_forms(page_url, client.get(page_url).get_data(as_text=True))[action]
    return {name: value for name in form.names - form.hidden.keys()} | form.hidden


@pytest.mark.parametrize("role", [None, "front_desk", "clinician", "admin"])
def test_no_input_gives_a_500(app: Flask, client: FlaskClient, role: str | None) -> None:
    made = make_submission(app, outcome="clinician_review", reasons=["PR_DIABETES"])
    if role:
        sign_in(client, app, make_staff(app, role))
    # Signing out would end the sweep's session; static files hold nothing to send.
    routes = [
        (method, url.replace(URL_VALUES["reference"], made.reference))
        for method, url in every_route(app)
        if not url.startswith(("/static/", "/auth/logout"))
    ]
    statuses: Counter[int] = Counter()
    form_pages: dict[str, str] = {}  # where each form sends: the page it is on
    for method, url in routes:
        if method == "GET":
            form_pages |= form_actions(url, send(client, statuses, url))
        for query in QUERIES:
            send(client, statuses, f"{url}?{query}", method=method)
        for headers in HEADERS:
            data = '{"a":' if method == "POST" else None
            send(client, statuses, url, method=method, headers=headers, data=data)

    posted: Counter[int] = Counter()
    for action, page_url in form_pages.items():
        if action.startswith("/auth/logout"):
            continue
        for value in [*VALUES, ["\x00", "no"]]:
            data = hostile_form(client, page_url, action, value)
            send(client, posted, action, method="POST", data=data)

    statuses.update(posted)
    assert not [status for status in statuses if status >= 500], statuses
    assert len(form_pages) >= (1 if role is None else 3), form_pages
    assert posted[422], f"no form reached its own checks: {posted}"
