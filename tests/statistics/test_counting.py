"""The statistics' counts, kept in the transaction of each change: a submission received, its
status changed, its first contact attempt, a questionnaire left unsent; and counted again the
same by ``flask statistics recount``."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import delete, select, update

from app.codes import Actor, Counted, Status
from app.database import utcnow
from app.extensions import db
from app.models import DailyCount, Draft, SearchTerm, StaffUser, Submission
from app.retention import purge
from app.staff import service
from app.statistics import counting
from app.statistics.recount import RECOUNTED
from tests.builders import make_submission
from tests.journey import BASE_ANSWERS, answer_all, post_step, send, step_data


def counts(app: Flask, metric: Counted | None = None) -> dict[tuple[str, date, str], int]:
    with app.app_context():
        query = select(DailyCount)
        if metric is not None:
            query = query.where(DailyCount.metric == metric)
        return {(c.metric, c.day, c.key): c.count for c in db.session.scalars(query) if c.count}


def today(app: Flask) -> date:
    with app.app_context():
        return counting.clinic_today(utcnow())


def test_a_submission_counts_its_outcome_language_rules_and_status(
    app: Flask, client: FlaskClient
) -> None:
    answer_all(client)
    send(client)
    with app.app_context():
        made = db.session.scalars(select(Submission)).one()
    day = today(app)
    found = counts(app)
    assert found[(Counted.OUTCOME, day, made.outcome)] == 1
    assert found[(Counted.LANGUAGE, day, "en")] == 1
    assert {key for (metric, _d, key) in found if metric == Counted.RULE} == set(made.reasons)
    assert found[(Counted.FATE, day, f"{made.outcome}:new")] == 1
    assert len(found) == 3 + len(made.reasons)


def test_a_safety_stop_counts_its_outcome_but_no_status(app: Flask, client: FlaskClient) -> None:
    post_step(client, "safety", step_data("safety", {**BASE_ANSWERS, "rf_chest_breathing": "yes"}))
    found = counts(app)
    assert found[(Counted.OUTCOME, today(app), "emergency")] == 1
    assert counts(app, Counted.FATE) == {}


def _staff(app: Flask) -> StaffUser:
    staff = StaffUser(email="d@clinic.example", name="Desk", role="front_desk", password_hash="-")
    db.session.add(staff)
    db.session.flush()
    return staff


def test_status_changes_move_the_count_and_only_the_first_attempt_counts(app: Flask) -> None:
    received = datetime.now(UTC) - timedelta(minutes=100)
    made = make_submission(app, created_at=received)
    with app.app_context():
        submission = db.session.get(Submission, made.id)
        assert submission is not None
        staff = _staff(app)
        for n in range(2):
            service.record_attempt(
                submission,
                staff,
                channel="phone",
                result="no_answer",
                follow_up_at=None,
                mark_contacted=True,
                form_key=f"key{n}",
            )
        service.change_status(submission, staff, Status.BOOKED)
        db.session.commit()
    with app.app_context():
        day = counting.clinic_today(received)
    assert counts(app, Counted.FATE) == {(Counted.FATE, day, "suggest_consult:booked"): 1}
    assert counts(app, Counted.WAIT) == {(Counted.WAIT, day, "120"): 1}  # 100 minutes
    assert counts(app, Counted.TARGET) == {(Counted.TARGET, day, "met"): 1}


@pytest.mark.parametrize(
    ("minutes", "band"),
    [
        (0, "15"),
        (15, "15"),
        (15.1, "30"),
        (61, "120"),
        (1440, "1440"),
        (10080, "10080"),
        (10081, "longer"),
    ],
)
def test_wait_bands(minutes: float, band: str) -> None:
    assert counting.wait_band(minutes) == band


def test_a_day_is_the_clinics_day(app: Flask) -> None:
    """Sunday 23:30 in Ottawa is Monday 04:30 UTC: the count goes to the Sunday."""
    make_submission(app, created_at=datetime(2026, 1, 5, 4, 30, tzinfo=UTC))
    assert (Counted.OUTCOME, date(2026, 1, 4), "suggest_consult") in counts(app)


def _expire_drafts(app: Flask) -> None:
    with app.app_context():
        db.session.execute(update(Draft).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()


def test_questionnaires_left_unsent_count_their_last_step_answered(
    app: Flask, client: FlaskClient
) -> None:
    for step in ("safety", "pain"):
        post_step(client, step, step_data(step, BASE_ANSWERS))
    _expire_drafts(app)
    assert counts(app, Counted.LEFT) == {}
    other = app.test_client()  # a new questionnaire starts: the expired draft goes, counted
    post_step(other, "safety", step_data("safety", BASE_ANSWERS))
    assert counts(app, Counted.LEFT) == {(Counted.LEFT, today(app), "pain"): 1}


def test_the_purge_counts_the_drafts_it_deletes_and_keeps_the_counts(
    app: Flask, client: FlaskClient
) -> None:
    post_step(client, "safety", step_data("safety", BASE_ANSWERS))
    _expire_drafts(app)
    make_submission(app, created_at=utcnow() - timedelta(days=400))
    before = counts(app, Counted.OUTCOME)
    with app.app_context():
        purge(30, utcnow(), source="test", actor=Actor.SYSTEM, staff_id=None)
        db.session.commit()
        assert db.session.scalars(select(Submission)).first() is None
    assert counts(app, Counted.LEFT) == {(Counted.LEFT, today(app), "safety"): 1}
    assert counts(app, Counted.OUTCOME) == before  # counts outlive the submissions they counted


def test_recount_finds_what_the_changes_counted(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner
) -> None:
    for overrides in ({}, {"diabetes": "yes"}, {"needle_attitude": "prefer_no_needles"}):
        fresh = app.test_client()
        answer_all(fresh, overrides)
        send(fresh)
    post_step(client, "safety", step_data("safety", {**BASE_ANSWERS, "rf_hot_swollen": "yes"}))
    with app.app_context():
        staff = _staff(app)
        first = db.session.scalars(select(Submission).order_by(Submission.id)).first()
        assert first is not None
        service.record_attempt(
            first,
            staff,
            channel="email",
            result="reached",
            follow_up_at=None,
            mark_contacted=True,
            form_key="k",
        )
        service.change_status(first, staff, Status.DECLINED)
        db.session.commit()
    kept = counts(app)
    assert len(kept) > 8
    with app.app_context():
        db.session.execute(delete(DailyCount).where(DailyCount.metric.in_(RECOUNTED)))
        db.session.commit()
    result = runner.invoke(args=["statistics", "recount"])
    assert result.exit_code == 0, result.output
    assert "Counted 4 submission(s) again" in result.output
    assert counts(app) == kept


def test_recount_never_lowers_the_first_days_counts(app: Flask, runner: FlaskCliRunner) -> None:
    """A purge may have deleted part of the first day left: its counts stay at least as
    they were."""
    made = [make_submission(app) for _ in range(3)]
    with app.app_context():
        db.session.execute(delete(SearchTerm).where(SearchTerm.submission_id == made[0].id))
        db.session.execute(delete(Submission).where(Submission.id == made[0].id))
        db.session.commit()
    before = counts(app, Counted.OUTCOME)
    assert before == {(Counted.OUTCOME, today(app), "suggest_consult"): 3}
    assert runner.invoke(args=["statistics", "recount"]).exit_code == 0
    assert counts(app, Counted.OUTCOME) == before
