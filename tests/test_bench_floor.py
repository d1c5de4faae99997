"""The reference pages of bench/floor.py do what its figures claim: each reads the session's
row and shows its answers with a CSRF token, and the form checks its token, saves and
redirects."""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from flask.testing import FlaskClient

from tests.forms import csrf_token

SECRET = "a reference secret key, long enough for the tests"


@pytest.fixture
def reference(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[FlaskClient, str]]:
    """A client of the reference app on its own database, holding the benchmark's session."""
    monkeypatch.setenv("FLOOR_DATABASE_URL", f"sqlite:///{tmp_path / 'floor.sqlite3'}")
    sys.modules.pop("bench.floor_app", None)
    floor_app = importlib.import_module("bench.floor_app")
    from bench.floor import reference_session

    cookie, token = reference_session(floor_app.engine.url.render_as_string(), SECRET)
    client = floor_app.app.test_client()
    name, value = cookie.split("=", 1)
    client.set_cookie(name, value)
    yield client, token
    floor_app.engine.dispose()
    sys.modules.pop("bench.floor_app", None)


def checked(page: str) -> list[str]:
    """The values of the page's checked inputs, in order."""
    inputs = re.findall(r"<input[^>]*>", page)
    return [re.search(r'value="([^"]*)"', i).group(1) for i in inputs if " checked" in i]  # type: ignore[union-attr]


@pytest.mark.parametrize("path", ["/row", "/jinja", "/wtforms"])
def test_each_page_shows_the_stored_answers_and_a_token(reference, path: str) -> None:
    client, _token = reference
    page = client.get(path).get_data(as_text=True)
    assert checked(page) == ["no"] * 7
    assert csrf_token(page)
    assert 8000 < len(page) < 9000  # about a step page's size


def test_the_form_saves_and_redirects(reference) -> None:
    client, token = reference
    answers = {f"q{number}": "yes" for number in range(1, 8)}
    sent = client.post(
        "/wtforms",
        data=urlencode({**answers, "csrf_token": token}),
        content_type="application/x-www-form-urlencoded",
    )
    assert sent.status_code == 302
    assert checked(client.get("/wtforms").get_data(as_text=True)) == ["yes"] * 7


def test_the_form_refuses_a_missing_token_or_an_unknown_code(reference) -> None:
    client, token = reference
    assert client.post("/wtforms", data={"q1": "yes"}).status_code == 422
    assert client.post("/wtforms", data={"q1": "maybe", "csrf_token": token}).status_code == 422
    assert checked(client.get("/row").get_data(as_text=True)) == ["no"] * 7


def stored_references(table_name: str) -> list[str]:
    """The references in one of the reference app's tables, oldest first."""
    from sqlalchemy import select

    floor_app = sys.modules["bench.floor_app"]
    table = floor_app.metadata.tables[table_name]
    with floor_app.engine.connect() as connection:
        return list(connection.scalars(select(table.c.reference).order_by(table.c.id)))


def test_the_submission_stores_a_row_and_its_audit_row_then_redirects(reference) -> None:
    client, token = reference
    body = urlencode({**{f"q{number}": "no" for number in range(1, 8)}, "csrf_token": token})
    for _ in range(2):
        sent = client.post("/submit", data=body, content_type="application/x-www-form-urlencoded")
        assert sent.status_code == 302
    submissions = stored_references("reference_submission")
    assert len(set(submissions)) == 2
    assert stored_references("reference_audit") == submissions
    assert checked(client.get("/row").get_data(as_text=True)) == ["no"] * 7


def test_the_submission_refuses_a_missing_token(reference) -> None:
    client, _token = reference
    assert client.post("/submit", data={"q1": "no"}).status_code == 422
    assert stored_references("reference_submission") == []
