"""On SQLite a patient's POST holds the database's write lock from its first write to its
commit, and every other patient's POST waits meanwhile: the form is checked, the draft read and
the submission made (the rules' decision, its reference) before that (app.screening.drafts)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask_wtf import FlaskForm
from sqlalchemy import event

from app.extensions import db
from app.screening import service
from tests.forms import csrf_token
from tests.journey import BASE_ANSWERS, answer_all, step_data

pytestmark = pytest.mark.sqlite_only


def _record(app: Flask, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What happens from now on, in order: "validate", and each SQL statement's first words."""
    happened: list[str] = []
    with app.app_context():
        engine = db.engine

    def statement(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        happened.append(" ".join(sql.split()[:2]))

    event.listen(engine, "before_cursor_execute", statement)
    validate = FlaskForm.validate

    def validating(form: FlaskForm, *args: Any, **kwargs: Any) -> bool:
        happened.append("validate")
        return validate(form, *args, **kwargs)

    monkeypatch.setattr(FlaskForm, "validate", validating)
    evaluate = service.evaluate

    def evaluating(answers: Any) -> Any:
        happened.append("evaluate")
        return evaluate(answers)

    monkeypatch.setattr(service, "evaluate", evaluating)
    return happened


def test_a_step_is_checked_before_the_write_lock(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = app.test_client()
    page = client.get("/screening/safety")
    happened = _record(app, monkeypatch)
    data = {**step_data("safety", BASE_ANSWERS), "csrf_token": csrf_token(page)}
    assert client.post("/screening/safety", data=data).status_code == 302
    lock = happened.index("BEGIN IMMEDIATE")
    assert happened.index("validate") < happened.index("SELECT draft.id,") < lock
    # Then the transaction's writes alone (its COMMIT is the driver's, not a statement; the
    # rules look at the safety answers after it).
    assert happened[lock + 1 :] == ["DELETE FROM", "INSERT INTO", "evaluate"]


def test_a_later_step_holds_the_write_lock_for_its_update_alone(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = app.test_client()
    answer_all(client)
    page = client.get("/screening/pain")
    happened = _record(app, monkeypatch)
    data = {**step_data("pain", BASE_ANSWERS), "csrf_token": csrf_token(page)}
    assert client.post("/screening/pain", data=data).status_code == 302
    lock = happened.index("BEGIN IMMEDIATE")
    assert happened.index("validate") < happened.index("SELECT draft.id,") < lock
    assert happened[lock + 1 :] == ["UPDATE draft"]


def test_the_final_submission_is_checked_before_the_write_lock(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = app.test_client()
    answer_all(client)
    page = client.get("/screening/check")
    happened = _record(app, monkeypatch)
    response = client.post("/screening/submit", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    assert "INSERT INTO" in happened  # the submission was stored
    lock = happened.index("BEGIN IMMEDIATE")
    assert happened.index("validate") < happened.index("SELECT draft.id,") < lock
    assert happened.index("evaluate") < lock
    assert happened[lock + 1] == "DELETE FROM"  # the draft, unless it changed since the read
