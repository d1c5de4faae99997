"""Control characters typed or pasted into staff forms, or put in a URL, are refused as
ordinary bad input: PostgreSQL cannot store a NUL, so one must never reach a query."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select

from app.extensions import db
from app.models import Clearance, Note
from tests.builders import make_submission
from tests.conftest import sign_in
from tests.forms import hidden_fields


def count(app: Flask, model: type) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def post(client: FlaskClient, url: str, page: str, **data: str):
    """Send the form of ``page`` that posts to ``url``, as rendered, with ``data`` filled in."""
    return client.post(url, data={**hidden_fields(client.get(page), url), **data})


@pytest.mark.parametrize(
    "reference",
    ["IMS%00", "IMS-7KQ4-M2X%00", "ims-7kq4-m2xd", "IMS-7KQ4-M2XO", "IMS-7KQ4-M2XDD", "%E2%80%94"],
)
def test_malformed_reference_in_a_url_is_404_without_a_query(
    app: Flask, client: FlaskClient, clinician, reference: str
) -> None:
    make_submission(app, reference="IMS-7KQ4-M2XD", outcome="clinician_review")
    sign_in(client, app, clinician)
    page = "/staff/submissions/IMS-7KQ4-M2XD"
    fields = {**hidden_fields(client.get(page), f"{page}/notes"), "body": "Called."}
    statements: list[str] = []

    def capture(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement.lower())

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        for action in ("", "/notes", "/clearance", "/status"):
            url = f"/staff/submissions/{reference}{action}"
            response = client.post(url, data=fields) if action else client.get(url)
            assert response.status_code == 404, url
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    # No submission looked up by that reference (the staff navigation still counts what is new).
    assert not [s for s in statements if "from submission" in s and "reference" in s]


def test_find_refuses_control_characters(app: Flask, client: FlaskClient, front_desk) -> None:
    make_submission(app)
    sign_in(client, app, front_desk)
    response = post(client, "/staff/find", "/staff/", query="IMS\x00")
    assert response.status_code == 422
    assert "Remove any special characters" in response.text


def test_note_refuses_control_characters_but_keeps_lines(
    app: Flask, client: FlaskClient, front_desk
) -> None:
    made = make_submission(app)
    sign_in(client, app, front_desk)
    url = f"/staff/submissions/{made.reference}"
    for body in ("a\x00b", "a\x1b[31mb"):
        response = post(client, f"{url}/notes", url, body=body)
        assert response.status_code == 422
        assert "Remove any special characters" in response.text
    assert count(app, Note) == 0
    response = post(client, f"{url}/notes", url, body="Called.\r\n\tNo answer.")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalars(select(Note.body)).one() == "Called.\r\n\tNo answer."


def test_clearance_reason_refuses_control_characters(
    app: Flask, client: FlaskClient, clinician
) -> None:
    made = make_submission(app, outcome="clinician_review", reasons=["PR_DIABETES"])
    sign_in(client, app, clinician)
    url = f"/staff/submissions/{made.reference}"
    response = post(client, f"{url}/clearance", url, decision="cleared", reason="r\x00")
    assert response.status_code == 422
    assert "Remove any special characters" in response.text
    assert count(app, Clearance) == 0


@pytest.mark.parametrize(
    "query",
    [
        "to=9999-12-31",
        "from=0001-01-01",
        "from=2026-02-30",
        "to=abc",
        "outcome=%00",
        "assignee=%00",
        "assignee=99999999999",
        "assignee=-1",
    ],
)
def test_odd_filters_are_ignored(app: Flask, client: FlaskClient, front_desk, query: str) -> None:
    made = make_submission(app)
    sign_in(client, app, front_desk)
    for url in (f"/staff/all?{query}", f"/staff/?{query}", f"/staff/export?{query}"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert made.reference in response.get_data(as_text=True)
