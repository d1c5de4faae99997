"""``flask demo-data``: realistic, valid, repeatable fictional submissions with the follow-up
history that leads to each one's status; never in production."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import click
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select

from app.codes import CLOSED_STATUSES, AttemptResult, Role, Status
from app.database import utcnow
from app.dates import response_due_at
from app.demo import demo_data_command
from app.extensions import db
from app.models import (
    SEARCH_TERM_MAX,
    Assignment,
    AuditEvent,
    Clearance,
    ContactAttempt,
    Note,
    SearchTerm,
    StaffUser,
    StatusChange,
    Submission,
)
from app.screening.codes import SAFETY_STOP_OUTCOMES, Outcome
from app.screening.questions import CLINICAL_QUESTIONS, SAFETY
from app.screening.rules import evaluate
from app.search_terms import terms_for
from app.staff.search import find_patients, understood
from app.worklist import Facts, work_of
from tests.conftest import make_app, sign_in

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
        if row.is_safety_stop:
            assert row.work is None  # a safety stop is never a work item
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
    histories = _histories(app)

    def content(row: Submission) -> tuple[object, ...]:
        steps = [(e.kind, e.code, e.staff_id) for e in histories[row.id]]
        columns = (row.status, row.attempts, row.last_action, row.work, row.assignee_id)
        return (row.full_name, row.answers, *columns, steps)

    assert [content(r) for r in first] == [content(r) for r in second]
    assert any(histories[r.id] for r in first)
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


@dataclass(frozen=True)
class Event:
    """One row of a submission's history, with the last-action code the app's service gives
    it (app.staff.service._acted)."""

    kind: str
    at: datetime
    id: int
    staff_id: int
    code: str
    row: Any  # the stored row: StatusChange, ContactAttempt, Note, Clearance or Assignment


def _histories(app: Flask) -> dict[int, list[Event]]:
    """Every submission's follow-up history, oldest first (status change before the attempt
    recorded in the same step)."""
    found: dict[int, list[Event]] = defaultdict(list)
    with app.app_context():
        for change in db.session.scalars(select(StatusChange)):
            code = f"status:{change.to_status}"
            found[change.submission_id].append(
                Event("status", change.at, change.id, change.staff_id, code, change)
            )
        for attempt in db.session.scalars(select(ContactAttempt)):
            code = f"attempt:{attempt.channel}/{attempt.result}"
            found[attempt.submission_id].append(
                Event("attempt", attempt.at, attempt.id, attempt.staff_id, code, attempt)
            )
        for note in db.session.scalars(select(Note)):
            found[note.submission_id].append(
                Event("note", note.at, note.id, note.staff_id, "note:", note)
            )
        for decision in db.session.scalars(select(Clearance)):
            code = f"clearance:{'cleared' if decision.cleared else 'not_cleared'}"
            found[decision.submission_id].append(
                Event("clearance", decision.at, decision.id, decision.staff_id, code, decision)
            )
        for given in db.session.scalars(select(Assignment)):
            code = "assign:" if given.assignee_id else "unassign:"
            found[given.submission_id].append(
                Event("assign", given.at, given.id, given.staff_id, code, given)
            )
        db.session.expunge_all()
    order = {"status": 0, "attempt": 1}
    for events in found.values():
        events.sort(key=lambda e: (e.at, order.get(e.kind, 2), e.id))
    return found


def test_safety_stops_are_a_small_share_and_statuses_fit_the_age(
    app: Flask, runner: FlaskCliRunner
) -> None:
    runner.invoke(demo_data_command, ["--count", "2000", "--seed", "1"])
    rows = _all(app)
    outcomes = Counter(row.outcome for row in rows)
    stops = sum(row.is_safety_stop for row in rows)
    assert 0.025 <= stops / len(rows) <= 0.065  # "the first 52 pages are safety stops" no more
    assert outcomes[Outcome.EMERGENCY] > 0
    assert outcomes[Outcome.EMERGENCY] < outcomes[Outcome.SEE_DOCTOR]
    week_ago = utcnow() - timedelta(days=7)
    recent = [row for row in rows if row.created_at > week_ago and not row.is_safety_stop]
    older = [row for row in rows if row.created_at <= week_ago and not row.is_safety_stop]
    still_open = {Status.NEW, Status.CONTACTED}
    assert sum(row.status in still_open for row in recent) / len(recent) > 0.6
    older_open = sum(row.status in still_open for row in older) / len(older)
    assert 0.02 < older_open < 0.12  # a small backlog, not half the table
    assert set(Status) <= {row.status for row in older}
    old_stops = [row for row in rows if row.is_safety_stop and row.created_at <= week_ago]
    assert sum(row.status == Status.CLOSED for row in old_stops) / len(old_stops) > 0.6


def test_each_status_has_the_history_that_leads_to_it(app: Flask, runner: FlaskCliRunner) -> None:
    runner.invoke(demo_data_command, ["--count", "600", "--seed", "8"])
    histories = _histories(app)
    now = utcnow()
    with app.app_context():
        demo_staff = set(db.session.scalars(select(StaffUser.id)))
    reached_last = Counter[bool]()
    for row in _all(app):
        events = histories[row.id]
        assert all(row.created_at < e.at < now for e in events)
        assert {e.staff_id for e in events} <= demo_staff
        chain = [e.row for e in events if e.kind == "status"]
        tries = [e.row for e in events if e.kind == "attempt"]
        steps = [Status.NEW, *(c.to_status for c in chain)]
        assert [(c.from_status, c.to_status) for c in chain] == list(pairwise(steps))
        assert steps[-1] == row.status
        if row.is_safety_stop:
            assert not tries  # nobody to call
            assert {e.kind for e in events} <= {"status", "note"}
        elif row.status != Status.NEW:
            assert 1 <= len(tries) <= 3
            if row.status in (Status.BOOKED, Status.REFERRED, Status.DECLINED, Status.CONTACTED):
                reached_last[tries[-1].result == AttemptResult.REACHED] += 1
            assert all(t.result != AttemptResult.REACHED for t in tries[:-1])
        else:
            assert len(tries) <= 1
        if row.outcome == Outcome.CLINICIAN_REVIEW and row.status == Status.BOOKED:
            assert any(e.kind == "clearance" and e.row.cleared for e in events)
    assert reached_last[True] > 4 * reached_last[False]


def test_follow_up_columns_agree_with_the_history(app: Flask, runner: FlaskCliRunner) -> None:
    runner.invoke(demo_data_command, ["--count", "600", "--seed", "9"])
    histories = _histories(app)
    rows = _all(app)
    kinds = Counter(e.kind for events in histories.values() for e in events)
    assert {"status", "attempt", "note", "clearance", "assign"} <= set(kinds)
    assert any(row.follow_up_due and row.follow_up_due < utcnow() for row in rows)
    assert any(row.follow_up_due and row.follow_up_due > utcnow() for row in rows)
    with app.app_context():
        for row in rows:
            events = histories[row.id]
            tries = [e.row for e in events if e.kind == "attempt"]
            given = [e.row for e in events if e.kind == "assign"]
            assert row.attempts == len(tries)
            open_ = row.status not in CLOSED_STATUSES
            assert row.follow_up_due == (tries[-1].follow_up_at if tries and open_ else None)
            assert row.assignee_id == (given[-1].assignee_id if given else None)
            at_once = [e for e in events if e.kind in ("status", "attempt")]
            assert len({(e.at, e.staff_id) for e in at_once}) == len({e.at for e in at_once})
            if events:
                last_at = events[-1].at
                assert row.last_action_at == last_at
                assert row.last_action_by == events[-1].staff_id
                assert row.last_action in {e.code for e in events if e.at == last_at}
            else:
                assert (row.last_action, row.last_action_by, row.last_action_at) == (None,) * 3
            facts = Facts(
                outcome=row.outcome,
                is_safety_stop=row.is_safety_stop,
                status=row.status,
                cleared=any(e.kind == "clearance" for e in events),
                attempts=len(tries),
                follow_up_due=row.follow_up_due,
                created_at=row.created_at,
                response_due=response_due_at(row.created_at),
            )
            assert (row.work, row.due_at) == work_of(facts)


def test_clinician_reviews_past_new_mostly_have_a_decision(
    app: Flask, runner: FlaskCliRunner
) -> None:
    runner.invoke(demo_data_command, ["--count", "400", "--seed", "10"])
    histories = _histories(app)
    reviews = [
        r for r in _all(app) if r.outcome == Outcome.CLINICIAN_REVIEW and r.status != Status.NEW
    ]
    decided = [r for r in reviews if any(e.kind == "clearance" for e in histories[r.id])]
    assert len(decided) > 0.7 * len(reviews)
    with app.app_context():
        clinicians = set(
            db.session.scalars(select(StaffUser.id).where(StaffUser.role == Role.CLINICIAN))
        )
    decisions = [e for events in histories.values() for e in events if e.kind == "clearance"]
    assert {e.staff_id for e in decisions} == clinicians
    others = {r.outcome for r in _all(app) if any(e.kind == "clearance" for e in histories[r.id])}
    assert others == {Outcome.CLINICIAN_REVIEW}


def test_demo_staff_are_made_once_with_no_usable_sign_in(
    app: Flask, runner: FlaskCliRunner
) -> None:
    runner.invoke(demo_data_command, ["--count", "20", "--seed", "11"])
    runner.invoke(demo_data_command, ["--count", "20", "--seed", "12"])
    with app.app_context():
        staff = list(db.session.scalars(select(StaffUser)))
    assert sorted(user.role for user in staff) == [Role.CLINICIAN, Role.FRONT_DESK, Role.FRONT_DESK]
    for user in staff:
        assert user.email.endswith("@demo.clinic.test")
        assert user.is_active
        assert user.must_change_password  # an admin's reset is needed before anyone uses it
        assert user.totp_secret is None
        assert user.password_hash.startswith("$argon2id$")
    assert len({user.password_hash for user in staff}) == len(staff)
    with app.app_context():
        created = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "staff.create"))
        assert sorted(event.detail["staff_id"] for event in created) == sorted(u.id for u in staff)


def test_every_patient_can_be_found_by_name_phone_and_email(
    app: Flask, runner: FlaskCliRunner
) -> None:
    runner.invoke(demo_data_command, ["--count", "40", "--seed", "6"])
    contactable = [row for row in _all(app) if row.full_name]
    assert len(contactable) > 30
    with app.app_context():
        for row in contactable:
            stored = set(
                db.session.execute(
                    select(SearchTerm.kind, SearchTerm.term).where(
                        SearchTerm.submission_id == row.id
                    )
                )
            )
            assert stored == terms_for(row.full_name, row.phone, row.email, SEARCH_TERM_MAX)
            surname = row.full_name.split()[-1]
            for typed in (surname, row.email, row.phone):
                if typed:
                    search = understood(typed)
                    assert search is not None
                    found = find_patients(db.session, search)
                    assert row.id in {s.id for s in found.submissions}, typed
        stops = select(func.count()).select_from(SearchTerm).join(Submission)
        assert db.session.scalar(stops.where(Submission.is_safety_stop)) == 0


def test_the_workspace_shows_work_first_and_the_demo_staff_at_work(
    app: Flask, runner: FlaskCliRunner, client: FlaskClient, front_desk: StaffUser
) -> None:
    runner.invoke(demo_data_command, ["--count", "300", "--seed", "13"])
    sign_in(client, app, front_desk)
    todo = client.get("/staff/")
    assert todo.status_code == 200
    outcomes = re.findall(r'data-outcome="([a-z_]+)"', todo.text)
    assert outcomes  # there is work to do
    assert not SAFETY_STOP_OUTCOMES & set(outcomes)  # a safety stop is never work
    for path in ("/staff/follow-ups", "/staff/safety-stops", "/staff/all"):
        assert client.get(path).status_code == 200
    everything = client.get("/staff/all").text
    assert re.search(r"(Alex Martin|Julie Bergeron|Dr Nadia Haddad) \(demo\)", everything)
    booked = next(row for row in _all(app) if row.status == Status.BOOKED)
    assert client.get(f"/staff/submissions/{booked.reference}").status_code == 200
