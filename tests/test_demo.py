"""``flask demo-data``: realistic, valid, repeatable fictional submissions; never in production."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import click
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from app.demo import demo_data_command
from app.extensions import db
from app.models import ATTENTION_RANK, AuditEvent, Submission
from app.screening.questions import CLINICAL_QUESTIONS, SAFETY
from app.screening.rules import evaluate
from tests.conftest import make_app

REFERENCE = re.compile(r"^IMS-[2-9A-Z]{4}-[2-9A-Z]{4}$")
CONTACT_COLUMNS = ("full_name", "email", "phone", "contact_preference", "comments")


def _all(app: Flask) -> list[Submission]:
    with app.app_context():
        rows = list(db.session.scalars(select(Submission)))
        db.session.expunge_all()
        return rows


def test_creates_valid_submissions_judged_by_the_rules(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(demo_data_command, ["--count", "50", "--seed", "1"])
    assert result.exit_code == 0, result.output
    assert re.search(r"Created 50 demo submissions in \d+\.\d\d s", result.output)
    rows = _all(app)
    assert len(rows) == 50
    for row in rows:
        decision = evaluate(row.answers)  # raises on any answer the questionnaire refuses
        assert row.outcome == decision.outcome.value
        assert row.reasons == list(decision.reasons)
        assert row.rules_version == decision.rules_version
        assert REFERENCE.match(row.reference)
        assert len(row.idempotency_key) == 64
        assert row.locale in ("en", "fr_CA")
        waiting = (
            row.status == "new"
            if row.is_safety_stop
            else row.outcome == "clinician_review" and row.status in ("new", "contacted")
        )
        assert row.attention == (ATTENTION_RANK[row.outcome] if waiting else 0)
    assert len({row.reference for row in rows}) == 50
    assert len({row.idempotency_key for row in rows}) == 50
    outcomes = Counter(row.outcome for row in rows)
    assert outcomes["emergency"] < 10  # weighted toward "no": emergencies stay rare
    assert len(outcomes) >= 3


def test_complete_submissions_answer_everything_and_can_be_contacted(
    app: Flask, runner: FlaskCliRunner
) -> None:
    runner.invoke(demo_data_command, ["--count", "50", "--seed", "2"])
    complete = [row for row in _all(app) if not row.is_safety_stop]
    assert complete
    for row in complete:
        assert set(row.answers) == set(CLINICAL_QUESTIONS)
        assert row.full_name
        assert row.email or row.phone
        assert getattr(row, row.contact_preference)  # the chosen way was given
        assert row.email is None or re.match(r"^[a-z.\-]+\d*@[a-z.]+\.(org|test)$", row.email)
        assert row.phone is None or re.match(r"^613-555-01\d\d$", row.phone)
        assert row.consent_version
        assert row.consent_locale == row.locale
        assert row.consented_at is not None
        assert row.consented_at < row.created_at


def test_safety_stops_hold_safety_answers_only_and_no_contact(
    app: Flask, runner: FlaskCliRunner
) -> None:
    runner.invoke(demo_data_command, ["--count", "400", "--seed", "3"])
    stops = [row for row in _all(app) if row.is_safety_stop]
    assert stops, "400 rows should include a few safety stops"
    safety_ids = {q.id for q in SAFETY.questions}
    for row in stops:
        assert row.outcome in ("emergency", "see_doctor")
        assert set(row.answers) == safety_ids
        assert all(getattr(row, column) is None for column in CONTACT_COLUMNS)
        assert row.consented_at is None
        assert row.consent_version is None


def test_the_seed_repeats_the_content(app: Flask, runner: FlaskCliRunner) -> None:
    runner.invoke(demo_data_command, ["--count", "20", "--seed", "7"])
    runner.invoke(demo_data_command, ["--count", "20", "--seed", "7"])
    rows = sorted(_all(app), key=lambda row: row.id)
    first, second = rows[:20], rows[20:]
    assert [(r.full_name, r.answers, r.status) for r in first] == [
        (r.full_name, r.answers, r.status) for r in second
    ]
    assert not {r.reference for r in first} & {r.reference for r in second}


def test_dates_spread_over_the_last_90_days(app: Flask, runner: FlaskCliRunner) -> None:
    runner.invoke(demo_data_command, ["--count", "200", "--seed", "4"])
    with app.app_context():
        oldest, newest = db.session.execute(
            select(func.min(Submission.created_at), func.max(Submission.created_at))
        ).one()
    assert (newest - oldest).days >= 60
    assert (newest - oldest).days <= 90


def test_one_audit_record(app: Flask, runner: FlaskCliRunner) -> None:
    runner.invoke(demo_data_command, ["--count", "5", "--seed", "5"])
    with app.app_context():
        (event,) = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "demo_data.create")
        )
        assert event.actor_type == "system"
        assert event.detail == {"count": 5}


def test_refuses_in_production(tmp_path: Path) -> None:
    production = make_app(tmp_path, APP_ENV="production")
    result = production.test_cli_runner().invoke(demo_data_command, ["--count", "5"])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert "refuses to run in production" in result.output
    with production.app_context():
        assert db.session.scalar(select(func.count()).select_from(Submission)) == 0
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_count_must_be_positive(runner: FlaskCliRunner) -> None:
    result = runner.invoke(demo_data_command, ["--count", "0"])
    assert result.exit_code == click.UsageError.exit_code
