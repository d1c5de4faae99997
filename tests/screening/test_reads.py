"""Patients' requests ask the database for as little as they can.

Pages that only read: on PostgreSQL each read is one statement outside any transaction (no
BEGIN and ROLLBACK round trips); on SQLite the reads share a deferred transaction, which never
takes the write lock. Forms: one transaction, and a browser with a draft is not looked up among
the submissions (sending deletes the draft, so it has sent nothing yet).

A form reads its draft as a page does, outside its transaction, and then writes in one short
transaction that checks the draft's version (``app.screening.drafts``): on SQLite the write
lock is taken by that transaction alone, not while the form is validated and the answers
merged."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from app.extensions import db
from tests.engines import ON_POSTGRES
from tests.forms import csrf_token
from tests.journey import BASE_ANSWERS, answer_all, post_step, send, step_data

PAGES = ("/", "/screening", "/screening/safety", "/screening/contact", "/screening/check")


@dataclass(frozen=True)
class Statement:
    sql: str  # whitespace collapsed
    autocommit: bool  # run outside a transaction (PostgreSQL)

    @property
    def verb(self) -> str:
        return " ".join(self.sql.split()[:2])


@pytest.fixture
def statements(app: Flask) -> Iterator[list[Statement]]:
    """Every statement the app runs from now on."""
    seen: list[Statement] = []
    with app.app_context():
        engine = db.engine

    def record(conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        autocommit = bool(getattr(conn.connection.dbapi_connection, "autocommit", False))
        seen.append(Statement(" ".join(sql.split()), autocommit))

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def _expect_single_reads(seen: list[Statement]) -> None:
    verbs = [statement.verb for statement in seen]
    assert any(verb.startswith("SELECT") for verb in verbs)
    assert "BEGIN IMMEDIATE" not in verbs  # SQLite: no write lock for a page
    if ON_POSTGRES:
        assert all(statement.autocommit for statement in seen), seen
    else:
        assert verbs[0] == "BEGIN"  # a deferred read transaction


def _expect_reads_then_one_write(seen: list[Statement]) -> list[Statement]:
    """The draft read first, each read on its own, then one transaction of writes, which reads
    nothing before its first write; that transaction's statements."""
    if ON_POSTGRES:
        reads = [s for s in seen if s.autocommit]
        transaction = seen[len(reads) :]
        assert not any(statement.autocommit for statement in transaction)
        writes = [s for s in transaction if s.verb not in ("BEGIN", "COMMIT")]
    else:
        lock = [s.verb for s in seen].index("BEGIN IMMEDIATE")  # the write lock, to the commit
        reads = [s for s in seen[:lock] if s.verb != "BEGIN"]  # deferred: no write lock
        writes = seen[lock + 1 :]
    assert reads[0].verb == "SELECT draft.id,"
    assert all(s.verb.startswith("SELECT") for s in reads), reads
    assert not any(s.verb.startswith("SELECT") for s in writes), writes
    return writes


def _reads_submissions(seen: list[Statement]) -> bool:
    return any(s.verb.startswith("SELECT") and " FROM submission " in f"{s.sql} " for s in seen)


def test_questionnaire_pages_and_health_check_only_read(
    client: FlaskClient, statements: list[Statement]
) -> None:
    answer_all(client)
    for path in (*PAGES, "/healthz"):
        statements.clear()
        assert client.get(path).status_code in (200, 302), path
        _expect_single_reads(statements)


def test_questionnaire_pages_read_the_draft_once(
    client: FlaskClient, statements: list[Statement]
) -> None:
    """The contact step and the check page show the receipt choice beside the answers: one
    read gives both."""
    answer_all(client)
    for path in PAGES[1:]:
        statements.clear()
        assert client.get(path).status_code in (200, 302), path
        drafts_read = [
            s for s in statements if s.verb.startswith("SELECT") and "FROM draft" in s.sql
        ]
        assert len(drafts_read) == 1, (path, drafts_read)


def test_result_page_only_reads(client: FlaskClient, statements: list[Statement]) -> None:
    answer_all(client)
    send(client)
    statements.clear()
    assert client.get("/screening/result").status_code == 200
    _expect_single_reads(statements)


def test_a_step_form_with_a_draft_reads_only_the_draft(
    client: FlaskClient, statements: list[Statement]
) -> None:
    post_step(client, "safety", step_data("safety", BASE_ANSWERS))
    token = csrf_token(client.get("/screening/pain"))
    data = {**step_data("pain", BASE_ANSWERS), "csrf_token": token}
    statements.clear()
    assert client.post("/screening/pain", data=data).status_code == 302
    assert [s.verb for s in _expect_reads_then_one_write(statements)] == ["UPDATE draft"]


def test_the_final_submission_reads_only_the_draft(
    client: FlaskClient, statements: list[Statement]
) -> None:
    answer_all(client)
    page = client.get("/screening/check")
    statements.clear()
    response = client.post("/screening/submit", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    assert not _reads_submissions(statements)
    writes = _expect_reads_then_one_write(statements)
    assert writes[0].verb == "DELETE FROM"  # the draft, unless it changed since it was read
    assert any(s.sql.startswith("INSERT INTO submission ") for s in writes)


def test_a_copy_of_the_final_submission_finds_it(
    client: FlaskClient, statements: list[Statement]
) -> None:
    """A double click: the second copy carries the cookie from before the first was stored."""
    answer_all(client)
    page = client.get("/screening/check")
    cookie = client.get_cookie("ims_session")
    assert cookie is not None
    data = {"csrf_token": csrf_token(page)}
    assert client.post("/screening/submit", data=data).status_code == 302
    client.set_cookie("ims_session", cookie.value)
    statements.clear()
    response = client.post("/screening/submit", data=data)
    assert response.headers["Location"].endswith("/screening/result")
    assert _reads_submissions(statements)
    assert not any(s.verb == "INSERT INTO" for s in statements)
