"""``flask backup`` and ``flask purge``: consistent copies of a live database, and retention."""

from __future__ import annotations

import contextlib
import json
import secrets
import sqlite3
import threading
from datetime import timedelta
from pathlib import Path

import click
import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, make_url, select

from app import maintenance
from app.extensions import db
from app.maintenance import (
    backup_command,
    copy_sqlite,
    purge_command,
    sqlite_file,
    submission_children,
)
from app.models import (
    Assignment,
    AuditEvent,
    Clearance,
    ContactAttempt,
    Draft,
    Note,
    StatusChange,
    Submission,
)
from tests.builders import make_submission
from tests.conftest import Clock, make_staff

MIN_INSERTS = 200
INSERT = (
    "INSERT INTO submission (reference, created_at, locale, questionnaire_version, rules_version,"
    " outcome, reasons, answers, status, is_safety_stop, idempotency_key)"
    " VALUES (?, '2026-01-01 00:00:00.000000', 'en', '2026.1', '2026.1', 'suggest_consult',"
    " '[]', '{}', 'new', 0, ?)"
)


def count_rows(path: Path, table: str = "submission") -> int:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608


class Writer(threading.Thread):
    """Inserts submissions through its own connection, one commit each, until told to stop
    (and at least ``MIN_INSERTS`` times)."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.inserted = 0
        self.started_writing = threading.Event()
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with contextlib.closing(sqlite3.connect(self.path, timeout=10)) as conn:
                conn.execute("PRAGMA synchronous = OFF")  # speed; durability is not tested here
                while self.inserted < MIN_INSERTS or not self.stop.is_set():
                    token = secrets.token_hex(8)
                    conn.execute(INSERT, (f"T-{token}", token))
                    conn.commit()
                    self.inserted += 1
                    if self.inserted == 20:
                        self.started_writing.set()
                    if self.inserted > 100_000:
                        break
        except BaseException as error:  # reported by the test, not lost in the thread
            self.error = error
            self.started_writing.set()


@pytest.mark.sqlite_only
def test_backup_of_a_database_being_written_is_consistent(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    live = tmp_path / "test.sqlite3"
    for _ in range(5):
        make_submission(app)
    writer = Writer(live)
    writer.start()
    try:
        assert writer.started_writing.wait(30)
        before = count_rows(live)
        result = runner.invoke(backup_command, [str(tmp_path / "copy.sqlite3")])
    finally:
        writer.stop.set()
        writer.join(30)
    assert writer.error is None
    assert result.exit_code == 0, result.output
    copy = tmp_path / "copy.sqlite3"
    with contextlib.closing(sqlite3.connect(copy)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        copied, highest = conn.execute("SELECT count(*), max(id) FROM submission").fetchone()
    assert before <= copied <= 5 + writer.inserted
    assert copied == highest  # every row up to the snapshot, none missing in between
    assert f"{copied:,} submissions" in result.output
    assert "integrity check ok" in result.output
    assert count_rows(live) == 5 + writer.inserted  # the live database was not disturbed
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".copy")]
    assert leftovers == []
    assert not (tmp_path / "copy.sqlite3-wal").exists()
    assert copy.stat().st_mode & 0o077 == 0  # the owner's eyes only: it holds health data


@pytest.mark.sqlite_only
def test_copy_neither_waits_for_nor_includes_an_unfinished_transaction(
    app: Flask, tmp_path: Path
) -> None:
    make_submission(app)
    with contextlib.closing(sqlite3.connect(tmp_path / "test.sqlite3", timeout=0)) as writer:
        writer.isolation_level = None
        writer.execute("BEGIN IMMEDIATE")  # holds the write lock through the copy
        writer.execute(INSERT, ("T-open", "open"))
        copy_sqlite(tmp_path / "test.sqlite3", tmp_path / "copy.sqlite3")
        writer.execute("COMMIT")
    assert count_rows(tmp_path / "copy.sqlite3") == 1
    assert count_rows(tmp_path / "test.sqlite3") == 2


@pytest.mark.sqlite_only
def test_backup_is_audited_with_counts_only(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    make_submission(app)
    result = runner.invoke(backup_command, [str(tmp_path / "b.sqlite3")])
    assert result.exit_code == 0, result.output
    assert "1 submissions, 0 audit events" in result.output
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "backup.create"))
        assert event is not None
        assert event.actor_type == "system"
        assert event.detail["counts"] == {"submission": 1, "audit_event": 0}
        assert event.detail["bytes"] == (tmp_path / "b.sqlite3").stat().st_size


@pytest.mark.sqlite_only
def test_backup_refuses_to_overwrite_without_force(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    dest = tmp_path / "existing.sqlite3"
    dest.write_text("keep me")
    refused = runner.invoke(backup_command, [str(dest)])
    assert refused.exit_code == 1
    assert "already exists; add --force" in refused.output
    assert dest.read_text() == "keep me"
    forced = runner.invoke(backup_command, [str(dest), "--force"])
    assert forced.exit_code == 0, forced.output
    assert count_rows(dest) == 0
    assert [p for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []


@pytest.mark.sqlite_only
def test_backup_refuses_the_live_file_itself(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    make_submission(app)
    result = runner.invoke(backup_command, [str(tmp_path / "test.sqlite3"), "--force"])
    assert result.exit_code == 1
    assert "live database itself" in result.output
    assert count_rows(tmp_path / "test.sqlite3") == 1


@pytest.mark.parametrize(
    ("url", "refusal"),
    [
        ("postgresql://ims@127.0.0.1/ims", "pg_dump"),
        ("postgresql+psycopg://ims@db/ims", "pg_dump"),
        ("mysql://x@y/z", "SQLite databases only"),
        ("sqlite://", "in-memory"),
        ("sqlite:///:memory:", "in-memory"),
    ],
)
def test_backup_refuses_other_and_in_memory_databases(url: str, refusal: str) -> None:
    with pytest.raises(click.ClickException, match=refusal):
        sqlite_file(make_url(url))


def test_sqlite_file_is_the_url_path(tmp_path: Path) -> None:
    assert sqlite_file(make_url(f"sqlite:///{tmp_path}/x.db")) == tmp_path / "x.db"


# Purge ---------------------------------------------------------------------------------------


def _add(app: Flask, *rows: object) -> None:
    with app.app_context():
        db.session.add_all(rows)
        db.session.commit()


def _attach_history(app: Flask, submission_id: int, staff_id: int) -> None:
    """A note, a status change, a clearance, a contact attempt and an assignment on the
    submission."""
    ids = {"submission_id": submission_id, "staff_id": staff_id}
    _add(
        app,
        Note(**ids, body="private note text"),
        StatusChange(**ids, from_status="new", to_status="contacted"),
        Clearance(**ids, cleared=True, reason="fine"),
        ContactAttempt(**ids, channel="phone", result="reached"),
        Assignment(**ids, assignee_id=staff_id),
    )


@pytest.fixture
def history(app: Flask, clock: Clock) -> dict[str, list[int]]:
    """Two submissions just past 30 days old (one with a note, status change and clearance),
    two just inside it, two expired drafts and one live draft, and an old audit record."""
    staff = make_staff(app, "clinician")
    now = clock()
    old = [
        make_submission(app, created_at=now - timedelta(days=30, seconds=1)).id,
        make_submission(app, created_at=now - timedelta(days=400)).id,
    ]
    recent = [
        make_submission(app, created_at=now - timedelta(days=30) + timedelta(seconds=1)).id,
        make_submission(app, created_at=now).id,
    ]
    _attach_history(app, old[0], staff.id)
    _attach_history(app, recent[0], staff.id)
    for minutes in (-1, 0, 1):  # expired, expiring now, still live
        expires_at = now + timedelta(minutes=minutes)
        _add(app, Draft(token_hash=secrets.token_hex(32), answers={}, expires_at=expires_at))
    viewed = {"action": "submission.view", "submission_id": old[0], "staff_id": staff.id}
    _add(app, AuditEvent(at=now - timedelta(days=500), actor_type="staff", **viewed))
    return {"old": old, "recent": recent}


def _remaining(app: Flask) -> dict[str, object]:
    with app.app_context():
        count = {
            model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
            for model in (
                Note,
                StatusChange,
                Clearance,
                ContactAttempt,
                Assignment,
                Draft,
                AuditEvent,
            )
        }
        return {"ids": sorted(db.session.scalars(select(Submission.id))), **count}


def _purges(app: Flask) -> list[AuditEvent]:
    with app.app_context():
        events = list(
            db.session.scalars(select(AuditEvent).where(AuditEvent.action == "retention.purge"))
        )
        db.session.expunge_all()
        return events


def test_purge_deletes_old_submissions_with_their_history_and_expired_drafts(
    app: Flask, runner: FlaskCliRunner, history: dict[str, list[int]], clock: Clock
) -> None:
    result = runner.invoke(purge_command, ["--older-than", "30"])
    assert result.exit_code == 0, result.output
    assert "Deleted 2 submissions" in result.output
    kinds = ("note", "status change", "clearance", "contact attempt", "assignment")
    assert all(f"{kind}s: 1" in result.output for kind in kinds)
    # Each "Jordan Patient" with a phone and an e-mail is found by four terms.
    assert "search terms: 8" in result.output
    assert "2 expired drafts" in result.output
    left = _remaining(app)
    assert left["ids"] == sorted(history["recent"])
    kept = ("note", "status_change", "clearance", "contact_attempt", "assignment", "draft")
    assert [left[table] for table in kept] == [1, 1, 1, 1, 1, 1]
    assert left["audit_event"] == 2  # the old audit record stays, and the purge's own is added
    (purge,) = _purges(app)
    assert purge.actor_type == "system"
    assert purge.staff_id is None
    assert purge.detail == {
        "cutoff": (clock() - timedelta(days=30)).isoformat(timespec="seconds")[:-6] + "Z",
        "older_than_days": 30,
        "period_source": "option",
        "counts": {
            "submission": 2,
            "search_term": 8,
            "note": 1,
            "status_change": 1,
            "clearance": 1,
            "contact_attempt": 1,
            "assignment": 1,
            "draft": 2,
        },
        "submission_ids": sorted(history["old"]),
        "ids_truncated": False,
    }
    stored = json.dumps(purge.detail)
    for private in ("Jordan Patient", "jordan@example.org", "613-555-0142", "private note text"):
        assert private not in stored


def test_dry_run_reports_but_deletes_nothing_and_is_not_audited(
    app: Flask, runner: FlaskCliRunner, history: dict[str, list[int]]
) -> None:
    before = _remaining(app)
    result = runner.invoke(purge_command, ["--older-than", "30", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Would delete 2 submissions" in result.output
    kinds = ("note", "status change", "clearance", "contact attempt", "assignment")
    assert all(f"{kind}s: 1" in result.output for kind in kinds)
    # Each "Jordan Patient" with a phone and an e-mail is found by four terms.
    assert "search terms: 8" in result.output
    assert "2 expired drafts" in result.output
    assert _remaining(app) == before
    assert _purges(app) == []


@pytest.mark.parametrize("args", [["--older-than", "0"], ["--older-than", "-3"]])
def test_purge_refuses_less_than_a_day(
    app: Flask, runner: FlaskCliRunner, history: dict[str, list[int]], args: list[str]
) -> None:
    before = _remaining(app)
    result = runner.invoke(purge_command, args)
    assert result.exit_code == 2
    assert "--older-than" in result.output
    assert _remaining(app) == before


def test_purge_applies_the_retention_setting(
    app: Flask, runner: FlaskCliRunner, history: dict[str, list[int]]
) -> None:
    app.config["RETENTION_DAYS"] = 30
    result = runner.invoke(purge_command, [])
    assert result.exit_code == 0, result.output
    assert "Deleted 2 submissions" in result.output
    assert "Retention period: 30 days (RETENTION_DAYS)." in result.output
    assert _remaining(app)["ids"] == sorted(history["recent"])
    (purge,) = _purges(app)
    assert (purge.detail["older_than_days"], purge.detail["period_source"]) == (30, "setting")
    assert purge.detail["submission_ids"] == sorted(history["old"])


def test_the_option_overrides_the_setting(
    app: Flask, runner: FlaskCliRunner, history: dict[str, list[int]]
) -> None:
    app.config["RETENTION_DAYS"] = 1  # would also take the submission 30 days less a second old
    result = runner.invoke(purge_command, ["--older-than", "30"])
    assert result.exit_code == 0, result.output
    assert "Retention period: 30 days (--older-than)." in result.output
    assert _remaining(app)["ids"] == sorted(history["recent"])
    (purge,) = _purges(app)
    assert (purge.detail["older_than_days"], purge.detail["period_source"]) == (30, "option")


def test_dry_run_applies_the_setting_too(
    app: Flask, runner: FlaskCliRunner, history: dict[str, list[int]]
) -> None:
    app.config["RETENTION_DAYS"] = 30
    before = _remaining(app)
    result = runner.invoke(purge_command, ["--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Would delete 2 submissions" in result.output
    assert "Retention period: 30 days (RETENTION_DAYS)." in result.output
    assert _remaining(app) == before
    assert _purges(app) == []


@pytest.mark.parametrize("args", [[], ["--dry-run"]])
def test_purge_without_a_period_deletes_nothing(
    app: Flask, runner: FlaskCliRunner, history: dict[str, list[int]], args: list[str]
) -> None:
    """No RETENTION_DAYS and no --older-than: a usage error, nothing touched. (A setting that
    is not a whole number of days stops the app at start-up: tests/test_config.py.)"""
    app.config["RETENTION_DAYS"] = None
    before = _remaining(app)
    result = runner.invoke(purge_command, args)
    assert result.exit_code == 2
    assert "no retention period: set RETENTION_DAYS" in result.output
    assert "or pass --older-than DAYS" in result.output
    assert _remaining(app) == before
    assert _purges(app) == []


def test_purge_with_nothing_to_delete_is_still_audited(
    app: Flask, runner: FlaskCliRunner, clock: Clock
) -> None:
    make_submission(app)
    result = runner.invoke(purge_command, ["--older-than", "1"])
    assert result.exit_code == 0, result.output
    assert "Deleted 0 submissions" in result.output
    (purge,) = _purges(app)
    assert purge.detail["counts"]["submission"] == 0
    assert purge.detail["submission_ids"] == []


def test_audited_ids_are_capped(
    app: Flask, runner: FlaskCliRunner, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(maintenance, "MAX_AUDITED_IDS", 2)
    ids = [make_submission(app, created_at=clock() - timedelta(days=9)).id for _ in range(3)]
    result = runner.invoke(purge_command, ["--older-than", "7"])
    assert result.exit_code == 0, result.output
    (purge,) = _purges(app)
    assert purge.detail["counts"]["submission"] == 3
    assert purge.detail["submission_ids"] == sorted(ids)[:2]
    assert purge.detail["ids_truncated"] is True


def test_every_table_that_belongs_to_a_submission_is_purged(app: Flask) -> None:
    with app.app_context():
        names = {table.name for table in submission_children()}
    assert names >= {"note", "status_change", "clearance"}
    assert "audit_event" not in names
