"""The settings in force on every worker: read once a request at most, read again only when
another worker changed them, and the last ones kept when the database does not answer."""

from __future__ import annotations

import select
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from app.extensions import db
from app.models import StaffUser
from app.settings import store
from app.settings.fields import FIELDS
from app.settings.revision import RevisionWatch
from app.settings.service import save
from app.settings.store import ClinicSettings, Origin, from_rows
from config import ENVIRONMENT_APPLIED
from tests.builders import set_settings
from tests.conftest import make_app, make_staff


@contextmanager
def statements(app: Flask) -> Iterator[list[str]]:
    """Every SQL statement ``app`` runs meanwhile."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def reads(seen: list[str], table: str) -> int:
    return sum(1 for s in seen if f"FROM {table}" in s and s.lstrip().startswith("SELECT"))


def test_a_change_is_in_force_on_the_next_request_of_every_worker(tmp_path: Path) -> None:
    one, two = make_app(tmp_path), make_app(tmp_path)  # two workers, one database
    patient = two.test_client()
    assert "Test Physio Clinic" in patient.get("/").get_data(as_text=True)
    assert "Test Physio Clinic" in patient.get("/screening/safety").get_data(as_text=True)
    set_settings(one, name="Rideau Physio")  # on the other worker
    assert "Rideau Physio" in patient.get("/").get_data(as_text=True)
    # The step page kept by worker two is not shown again with the old name.
    assert "Rideau Physio" in patient.get("/screening/safety").get_data(as_text=True)


def test_settings_are_read_once_a_request_at_most(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(tmp_path)
    client = app.test_client()
    revisions: list[int] = []
    read_revision = RevisionWatch.revision

    def counted(watch: RevisionWatch) -> int:
        revisions.append(read_revision(watch))
        return revisions[-1]

    monkeypatch.setattr(RevisionWatch, "revision", counted)
    client.get("/")  # the worker reads them once
    with statements(app) as seen:
        client.get("/")
        client.get("/screening/safety")
    assert revisions == [0, 0, 0]  # the revision, once a request
    assert reads(seen, "clinic_setting") == 0  # unchanged: the worker's copy stands
    set_settings(app, phone="613-555-0123")
    revisions.clear()
    with statements(app) as seen:
        client.get("/")
        client.get("/")
    assert len(revisions) == 2
    assert revisions[0] > 0
    assert reads(seen, "clinic_setting") == 1  # read again once, after the change


def test_the_revision_is_read_on_the_threads_own_connection(app: Flask) -> None:
    with app.app_context():
        watch = RevisionWatch(db.engine)
        assert watch.revision() == 0
        first = watch._held()
        assert watch._held() is first  # kept for the next request
    set_settings(app, name="Rideau Physio")
    with app.app_context():
        assert watch.revision() > 0  # sees the other connection's commit at once
        db.engine.dispose()  # disposing of the engine closes it
        assert watch._held() is not first


def test_another_workers_change_reaches_this_one_without_a_word_from_it(app: Flask) -> None:
    """No ``changed_here``: on PostgreSQL the NOTIFY sent with the change, on SQLite the
    revision read each time."""
    with app.app_context():
        watch = RevisionWatch(db.engine)
        before = watch.revision()
        admin = make_staff(app, "admin")
        settings = store.current()
        values = {f.name: getattr(settings, f.name) for f in FIELDS} | {"name": "Elsewhere"}
        save(settings, values, db.session.get(StaffUser, admin.id))
        db.session.commit()  # as another worker would: this process is not told
        if watch.listens:  # wait (at most 5 s) for the notification to reach the socket
            connection = watch._held().connection.dbapi_connection
            assert select.select([connection.fileno()], [], [], 5.0)[0]
        assert watch.revision() > before


def test_the_last_settings_stand_when_the_database_does_not_answer(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_settings(app, name="Rideau Physio")
    with app.app_context():
        assert store.current().name == "Rideau Physio"

    def down(*_args: Any) -> None:
        raise OperationalError("SELECT", {}, Exception("connection refused"))

    monkeypatch.setattr(RevisionWatch, "revision", down)
    with app.app_context():
        assert store.current().name == "Rideau Physio"
    app.extensions.pop(store.EXTENSION)  # a worker that never read them: the configuration's
    with app.app_context():
        assert store.current().name == "Test Physio Clinic"


CONFIG = {
    "CLINIC_NAME": "From Config",
    "CLINIC_PHONE": "613-555-0100",
    "RESPONSE_TARGET_DAYS": 2,
    "BABEL_DEFAULT_TIMEZONE": "America/Toronto",
    ENVIRONMENT_APPLIED: frozenset({"CLINIC_PHONE", "RESPONSE_TARGET_DAYS"}),
}


class Row:
    def __init__(self, name: str, value: str) -> None:
        self.name, self.value, self.changed_at, self.changed_by = name, value, None, 7


def test_each_setting_comes_from_the_page_the_environment_or_the_default() -> None:
    settings = from_rows(CONFIG, [Row("response_target_days", "4")], revision=3)
    assert (settings.name, settings.phone, settings.response_target_days) == (
        "From Config",
        "613-555-0100",
        4,
    )
    assert settings.sources["response_target_days"].origin is Origin.PAGE
    assert settings.sources["response_target_days"].by == 7
    assert settings.sources["phone"].origin is Origin.ENVIRONMENT
    assert settings.sources["name"].origin is Origin.DEFAULT  # set in a config class, not env
    assert settings.sources["time_zone"].origin is Origin.DEFAULT
    assert settings.revision == 3


def test_an_empty_value_on_the_page_clears_the_environments() -> None:
    settings = from_rows(CONFIG, [Row("phone", "")], revision=1)
    assert settings.phone is None
    assert settings.sources["phone"].origin is Origin.PAGE


def test_a_stored_value_refused_today_leaves_the_configurations() -> None:
    settings = from_rows(CONFIG, [Row("response_target_days", "99")], revision=1)
    assert settings.response_target_days == 2
    assert settings.sources["response_target_days"].origin is Origin.ENVIRONMENT


@pytest.mark.parametrize(
    ("values", "finished"),
    [
        ({}, False),
        ({"name": "Rideau Physio"}, False),
        ({"phone": "613-555-0100"}, False),
        ({"name": "Rideau Physio", "phone": "613-555-0100"}, True),
        ({"name": "Rideau Physio", "email": "desk@rideau.example"}, True),
        ({"name": "Rideau Physio", "booking_url": "https://rideau.example/book"}, True),
        ({"name": "Rideau Physio", "address": "100 Bank Street"}, False),
    ],
)
def test_finished_needs_a_name_and_a_way_to_reach_the_clinic(
    values: dict[str, str], finished: bool
) -> None:
    assert ClinicSettings(revision=0, sources={}, **values).finished is finished


def test_texts_fall_back_to_the_other_language() -> None:
    settings = ClinicSettings(revision=0, sources={}, hours_en="9 to 5")
    assert settings.in_language("hours", "fr_CA") == "9 to 5"
    assert settings.in_language("next_steps", "en") is None
