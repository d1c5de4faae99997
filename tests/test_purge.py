"""``flask purge``: retention, deleting old submissions with everything that belongs to
them and expired drafts, audited with counts and ids only."""

from __future__ import annotations

import json
import secrets
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from app import retention
from app.extensions import db
from app.maintenance import purge_command
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
from app.retention import submission_children
from tests.builders import make_submission, set_settings
from tests.conftest import Clock, make_staff


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
            "outbox_message": 0,
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
    set_settings(app, retention_days=30)
    result = runner.invoke(purge_command, [])
    assert result.exit_code == 0, result.output
    assert "Deleted 2 submissions" in result.output
    assert "Retention period: 30 days (the retention setting)." in result.output
    assert _remaining(app)["ids"] == sorted(history["recent"])
    (purge,) = _purges(app)
    assert (purge.detail["older_than_days"], purge.detail["period_source"]) == (30, "setting")
    assert purge.detail["submission_ids"] == sorted(history["old"])


def test_the_option_overrides_the_setting(
    app: Flask, runner: FlaskCliRunner, history: dict[str, list[int]]
) -> None:
    set_settings(app, retention_days=1)  # would also take the submission 30 days less a second old
    result = runner.invoke(purge_command, ["--older-than", "30"])
    assert result.exit_code == 0, result.output
    assert "Retention period: 30 days (--older-than)." in result.output
    assert _remaining(app)["ids"] == sorted(history["recent"])
    (purge,) = _purges(app)
    assert (purge.detail["older_than_days"], purge.detail["period_source"]) == (30, "option")


def test_dry_run_applies_the_setting_too(
    app: Flask, runner: FlaskCliRunner, history: dict[str, list[int]]
) -> None:
    set_settings(app, retention_days=30)
    before = _remaining(app)
    result = runner.invoke(purge_command, ["--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Would delete 2 submissions" in result.output
    assert "Retention period: 30 days (the retention setting)." in result.output
    assert _remaining(app) == before
    assert _purges(app) == []


@pytest.mark.parametrize("args", [[], ["--dry-run"]])
def test_purge_without_a_period_deletes_nothing(
    app: Flask, runner: FlaskCliRunner, history: dict[str, list[int]], args: list[str]
) -> None:
    """No retention period set and no --older-than: a usage error, nothing touched. (A setting that
    is not a whole number of days stops the app at start-up: tests/test_config.py.)"""
    before = _remaining(app)
    result = runner.invoke(purge_command, args)
    assert result.exit_code == 2
    assert "no retention period: set it on the settings page" in result.output
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
    monkeypatch.setattr(retention, "MAX_AUDITED_IDS", 2)
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
