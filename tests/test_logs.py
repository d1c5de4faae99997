"""JSON logs: one object a line, UTC, request and staff ids, and nothing of the patient's."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.logs import HANDLER_NAME, JsonFormatter, configure_logging
from app.models import Note, Submission
from tests.conftest import make_app, make_staff, sign_in
from tests.forms import csrf_token, hidden_fields
from tests.journey import answer_all, send

REQUIRED = {"time", "level", "logger", "message", "request_id", "staff_id"}
UTC_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
PATIENT = {
    "full_name": "Zebulon Quartermaine",
    "email": "zq@example.org",
    "phone": "613-555-0177",
    "comments": "secret knee story",
}
NOTE = "private note text"
# Answer and outcome codes of BASE_ANSWERS' journey: none may reach a log.
CODES = ("tennis_elbow", "elbow_forearm", "over_12_months", "no_lasting_relief", "suggest_consult")


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """Leave global logging as it was: root handlers and level, werkzeug's and app's."""
    root, werkzeug, app_logger = (logging.getLogger(n) for n in ("", "werkzeug", "app"))
    saved = [(lg, list(lg.handlers), lg.level) for lg in (root, werkzeug, app_logger)]
    yield
    for lg, handlers, level in saved:
        for handler in [h for h in lg.handlers if h not in handlers]:
            lg.removeHandler(handler)
            handler.close()
        for handler in handlers:
            if handler not in lg.handlers:
                lg.addHandler(handler)
        lg.setLevel(level)


def json_app(tmp_path: Path, **settings: Any) -> Flask:
    """A test app logging JSON; call inside a test so that capsys captures its stream."""
    app = make_app(tmp_path, LOG_FORMAT="json", **settings)
    configure_logging(app)
    return app


@pytest.fixture
def app(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Flask:
    return json_app(tmp_path, PROPAGATE_EXCEPTIONS=False)


def logged(capsys: pytest.CaptureFixture[str]) -> tuple[str, list[dict[str, Any]]]:
    """Everything written to standard error, raw and parsed; every line must be JSON."""
    text = capsys.readouterr().err
    entries = [json.loads(line) for line in text.splitlines()]
    for entry in entries:
        assert entry.keys() >= REQUIRED, entry
        assert UTC_TIME.match(entry["time"]), entry["time"]
    return text, entries


def access(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in entries if e["logger"] == "app.access"]


def test_patient_journey_and_staff_review_log_ids_but_nothing_private(
    app: Flask, capsys: pytest.CaptureFixture[str]
) -> None:
    patient = app.test_client()
    answer_all(patient, PATIENT)
    assert send(patient).status_code == 302
    patient.get("/Zebulon-Quartermaine?email=zq@example.org")  # a 404 holding private words
    with app.app_context():
        reference = db.session.scalar(select(Submission.reference))
    staff = make_staff(app, "front_desk")
    desk = app.test_client()
    sign_in(desk, app, staff)
    queue = desk.get("/staff/")
    url = f"/staff/submissions/{reference}"
    token = csrf_token(desk.get("/staff/"))
    found = desk.post("/staff/find", data={"query": reference, "csrf_token": token})
    for typed in ("zebulon quarter", "(613) 555-0177", "ZQ@example.org"):  # searches: 200
        searched = desk.post("/staff/find", data={"query": typed, "csrf_token": token})
        assert searched.status_code == 200
        assert f'data-reference="{reference}"' in searched.text
    page = desk.get(url)
    note = desk.post(
        f"{url}/notes", data={**hidden_fields(desk.get(url), f"{url}/notes"), "body": NOTE}
    )
    statuses = [r.status_code for r in (queue, found, page, note)]
    assert statuses == [200, 302, 200, 302]
    assert PATIENT["full_name"] in page.text
    with app.app_context():
        assert db.session.scalar(select(Note.body)) == NOTE

    text, entries = logged(capsys)
    lines = access(entries)
    assert len(lines) >= 20
    by_id = {line["request_id"]: line for line in lines}
    assert len(by_id) == len(lines)  # one id per request
    shown = by_id[page.headers["X-Request-ID"]]
    assert shown["route"] == "/staff/submissions/<reference>"
    assert (shown["method"], shown["status"], shown["staff_id"]) == ("GET", 200, staff.id)
    assert isinstance(shown["duration_ms"], float)
    assert by_id[note.headers["X-Request-ID"]]["route"] == "/staff/submissions/<reference>/notes"
    assert by_id[queue.headers["X-Request-ID"]]["staff_id"] == staff.id
    routes = {line["route"] for line in lines}
    assert {"unmatched", "/screening/submit", "/staff/find"} <= routes
    assert any(route.startswith("/screening/<") for route in routes)
    assert all(line["staff_id"] is None for line in lines if line["route"].startswith("/screening"))
    private = [*PATIENT.values(), NOTE, reference, *CODES, "Zebulon", "zq@", "Quartermaine"]
    for value in private:
        assert value.lower() not in text.lower(), value


def test_an_exception_is_logged_with_its_type_and_frames_but_not_its_message(
    app: Flask, capsys: pytest.CaptureFixture[str]
) -> None:
    answers: dict[str, str] = {}

    @app.get("/boom/<word>")
    def boom(word: str) -> str:
        try:
            return answers[word]
        except KeyError as error:
            raise RuntimeError(f"no answer for {word}") from error

    response = app.test_client().get("/boom/Quartermaine")
    assert response.status_code == 500
    text, entries = logged(capsys)
    (failure,) = [e for e in entries if "exc_type" in e]
    assert failure["level"] == "ERROR"
    assert failure["exc_type"] == "RuntimeError"
    assert "in boom" in failure["traceback"]
    assert failure["traceback"].endswith("RuntimeError")
    assert "KeyError" in failure["traceback"]  # the chained cause, by type
    assert failure["message"] == "Exception on /boom/<word> [GET]"
    assert failure["request_id"] == response.headers["X-Request-ID"]
    (line,) = access(entries)
    assert (line["route"], line["status"]) == ("/boom/<word>", 500)
    assert "Quartermaine" not in text


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("lb-7f3a.9_Z", True),
        ("a" * 64, True),
        ("a" * 65, False),
        ("has space", False),
        ("semi;colon", False),
        ("<script>", False),
        ("", False),
    ],
)
def test_request_id_is_taken_from_the_header_only_when_safe(
    app: Flask, capsys: pytest.CaptureFixture[str], given: str, kept: bool
) -> None:
    response = app.test_client().get("/healthz", headers={"X-Request-ID": given})
    echoed = response.headers["X-Request-ID"]
    if kept:
        assert echoed == given
    else:
        assert re.fullmatch(r"[0-9a-f]{32}", echoed)
    _, entries = logged(capsys)
    assert [line["request_id"] for line in access(entries)] == [echoed]
    if not kept and given:
        assert given not in capsys.readouterr().err


def test_werkzeug_access_lines_are_silenced_and_level_is_set(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = json_app(tmp_path, LOG_LEVEL="warning")
    assert logging.getLogger("werkzeug").level == logging.WARNING
    assert logging.getLogger().level == logging.WARNING
    app.test_client().get("/healthz")
    _, entries = logged(capsys)
    assert entries == []  # the access line is INFO


def test_configuring_twice_keeps_one_handler_and_one_line_per_request(
    app: Flask, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(app)
    assert [h.name for h in logging.getLogger().handlers].count(HANDLER_NAME) == 1
    app.test_client().get("/healthz")
    _, entries = logged(capsys)
    assert len(access(entries)) == 1


def test_text_format_changes_nothing(tmp_path: Path) -> None:
    before = list(logging.getLogger().handlers)
    app = make_app(tmp_path, LOG_FORMAT="text")
    configure_logging(app)
    assert logging.getLogger().handlers == before
    assert "X-Request-ID" not in app.test_client().get("/healthz").headers


def test_lines_outside_a_request_have_null_ids_and_extra_fields() -> None:
    record = logging.LogRecord("app.x", logging.WARNING, __file__, 1, "purged %d", (3,), None)
    record.fields = {"count": 3, "message": "ignored: core keys win"}
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "purged 3"
    assert (entry["level"], entry["logger"], entry["count"]) == ("WARNING", "app.x", 3)
    assert entry["request_id"] is None
    assert entry["staff_id"] is None
    assert UTC_TIME.match(entry["time"])
    assert "\n" not in JsonFormatter().format(record)
