"""``flask backup``: a consistent copy of a live database, audited with counts only."""

from __future__ import annotations

import contextlib
import secrets
import sqlite3
import threading
from pathlib import Path

import click
import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import make_url, select

from app.extensions import db
from app.maintenance import backup_command, copy_sqlite, sqlite_file
from app.models import AuditEvent
from tests.builders import make_submission

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
