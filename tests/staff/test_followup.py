"""Contact attempts, follow-up dates and assignment: recorded once, append-only, audited, and
reflected at once in the submission's place in the queue."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.database import utcnow
from app.extensions import db
from app.models import Assignment, AuditEvent, AuditLogIsAppendOnly, ContactAttempt, Submission
from app.worklist import Work
from tests.builders import make_submission
from tests.conftest import sign_in
from tests.forms import hidden_fields
from tests.staff.test_queue import references
from tests.staff.test_submission import stored


@pytest.fixture
def desk(app: Flask, client: FlaskClient, front_desk) -> FlaskClient:
    sign_in(client, app, front_desk)
    return client


def attempt(client: FlaskClient, made: Submission, **data: str):
    url = f"/staff/submissions/{made.reference}"
    fields = hidden_fields(client.get(url), f"{url}/attempts")
    return client.post(f"{url}/attempts", data={**fields, **data})


def clinic_day(app: Flask, days_ahead: int) -> date:
    zone = ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"])
    return (utcnow().astimezone(zone) + timedelta(days=days_ahead)).date()


def test_an_attempt_with_a_follow_up_and_the_status_in_one_step(
    app: Flask, desk: FlaskClient, front_desk
) -> None:
    made = make_submission(app)
    day = clinic_day(app, 2)
    response = attempt(
        desk,
        made,
        channel="phone",
        result="no_answer",
        follow_up_date=day.isoformat(),
        follow_up_time="14:30",
        mark_contacted="y",
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("#attempt")
    after = stored(app, made)
    zone = ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"])
    due = datetime.combine(day, datetime.min.time().replace(hour=14, minute=30), tzinfo=zone)
    assert after.follow_up_due == due.astimezone(UTC)
    assert (after.status, after.attempts, after.work) == ("contacted", 1, Work.FOLLOW_UP)
    assert after.due_at == after.follow_up_due
    assert (after.last_action, after.last_action_by) == ("attempt:phone/no_answer", front_desk.id)
    with app.app_context():
        (row,) = db.session.scalars(select(ContactAttempt)).all()
        actions = [
            (e.action, e.detail)
            for e in db.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.submission_id == made.id)
                .order_by(AuditEvent.id)
            )
            if e.action != "submission.view"
        ]
    assert (row.channel, row.result, row.staff_id) == ("phone", "no_answer", front_desk.id)
    assert actions == [
        ("submission.attempt", {"attempt_id": row.id, "channel": "phone", "result": "no_answer"}),
        ("submission.status", {"from": "new", "to": "contacted"}),
    ]
    page = desk.get(f"/staff/submissions/{made.reference}").text
    assert "contact attempt by Phone: No answer" in page
    assert "Contact attempt recorded." in page or "Follow-up due" in page
    queue = desk.get("/staff/follow-ups").text
    assert references(queue) == [made.reference]
    assert "Phone: No answer" in queue
    assert "1 contact attempt" in queue


def test_a_follow_up_without_a_time_is_due_at_nine(app: Flask, desk: FlaskClient) -> None:
    made = make_submission(app)
    day = clinic_day(app, 1)
    attempt(desk, made, channel="email", result="left_message", follow_up_date=day.isoformat())
    zone = ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"])
    expected = datetime(day.year, day.month, day.day, 9, 0, tzinfo=zone).astimezone(UTC)
    assert stored(app, made).follow_up_due == expected
    assert stored(app, made).status == "new", "the status moves only when asked"


def test_the_next_attempt_replaces_the_follow_up_and_closing_clears_it(
    app: Flask, desk: FlaskClient
) -> None:
    made = make_submission(app)
    attempt(
        desk,
        made,
        channel="phone",
        result="no_answer",
        follow_up_date=clinic_day(app, 1).isoformat(),
    )
    attempt(desk, made, channel="phone", result="reached")
    after = stored(app, made)
    assert (after.attempts, after.follow_up_due, after.work) == (2, None, Work.OPEN)
    attempt(
        desk, made, channel="phone", result="reached", follow_up_date=clinic_day(app, 3).isoformat()
    )
    url = f"/staff/submissions/{made.reference}"
    desk.post(
        f"{url}/status", data={**hidden_fields(desk.get(url), f"{url}/status"), "status": "booked"}
    )
    after = stored(app, made)
    assert (after.follow_up_due, after.work, after.attempts) == (None, None, 3)
    assert references(desk.get("/staff/follow-ups").text) == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"result": "reached"}, "Choose how you tried."),
        ({"channel": "phone"}, "Choose what happened."),
        ({"channel": "fax", "result": "reached"}, "Choose how you tried."),
        ({"channel": "phone", "result": "reached", "follow_up_time": "10:00"}, "Choose a date"),
        (
            {"channel": "phone", "result": "reached", "follow_up_date": "2020-01-01"},
            "Choose today or a later day",
        ),
        ({"channel": "phone", "result": "reached", "follow_up_date": "soon"}, "Not a valid date"),
    ],
)
def test_a_wrong_attempt_form_says_why_and_records_nothing(
    app: Flask, desk: FlaskClient, data: dict[str, str], message: str
) -> None:
    made = make_submission(app)
    response = attempt(desk, made, **data)
    assert response.status_code == 422
    assert message in response.text
    assert stored(app, made).attempts == 0
    with app.app_context():
        assert db.session.scalars(select(ContactAttempt)).all() == []


def test_the_same_attempt_form_sent_twice_records_one(app: Flask, desk: FlaskClient) -> None:
    made = make_submission(app)
    url = f"/staff/submissions/{made.reference}"
    fields = {
        **hidden_fields(desk.get(url), f"{url}/attempts"),
        "channel": "phone",
        "result": "reached",
    }
    desk.post(f"{url}/attempts", data=fields)
    again = desk.post(f"{url}/attempts", data=fields)
    assert again.status_code == 302
    assert "already recorded" in desk.get(url).text
    assert stored(app, made).attempts == 1


def test_attempts_are_append_only(app: Flask, desk: FlaskClient) -> None:
    made = make_submission(app)
    attempt(desk, made, channel="phone", result="reached")
    with app.app_context():
        row = db.session.scalars(select(ContactAttempt)).one()
        row.result = "no_answer"
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.flush()


def test_a_safety_stop_has_nobody_to_reach(app: Flask, desk: FlaskClient) -> None:
    made = make_submission(
        app, outcome="emergency", is_safety_stop=True, full_name=None, email=None, phone=None
    )
    url = f"/staff/submissions/{made.reference}"
    page = desk.get(url).text
    assert "Record a contact attempt" not in page
    assert "Assign to me" not in page
    fields = hidden_fields(desk.get(url), f"{url}/notes")  # a valid CSRF token and form key
    response = desk.post(
        f"{url}/attempts", data={**fields, "channel": "phone", "result": "reached"}
    )
    assert response.status_code == 400


def test_assign_to_me_then_unassign(app: Flask, desk: FlaskClient, front_desk) -> None:
    made = make_submission(app)
    url = f"/staff/submissions/{made.reference}"
    page = desk.get(url).text
    assert "Assign to me" in page
    fields = hidden_fields(page, f"{url}/assignee")
    assert desk.post(f"{url}/assignee", data={**fields, "to": "me"}).status_code == 302
    assert stored(app, made).assignee_id == front_desk.id
    page = desk.get(url).text
    assert "Unassign" in page
    assert "Assigned to you." in page
    assert references(desk.get("/staff/?assignee=me").text) == [made.reference]
    assert front_desk.name in desk.get("/staff/").text
    desk.post(f"{url}/assignee", data={**hidden_fields(page, f"{url}/assignee"), "to": "nobody"})
    assert stored(app, made).assignee_id is None
    assert stored(app, made).last_action == "unassign:"
    with app.app_context():
        rows = db.session.scalars(select(Assignment).order_by(Assignment.id)).all()
        audited = db.session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "submission.assign")
        ).all()
    assert [(r.staff_id, r.assignee_id) for r in rows] == [
        (front_desk.id, front_desk.id),
        (front_desk.id, None),
    ]
    assert audited == [{"assignee_id": front_desk.id}, {"assignee_id": None}]
    history = desk.get(url).text
    assert f"assigned to {front_desk.name}" in history
    assert "unassigned" in history


def test_a_forged_assignment_is_refused(app: Flask, desk: FlaskClient) -> None:
    made = make_submission(app)
    url = f"/staff/submissions/{made.reference}"
    fields = hidden_fields(desk.get(url), f"{url}/assignee")
    assert desk.post(f"{url}/assignee", data={**fields, "to": "7"}).status_code == 400
    assert stored(app, made).assignee_id is None


def test_the_last_action_shows_in_the_queue_row(app: Flask, desk: FlaskClient, front_desk) -> None:
    made = make_submission(app)
    url = f"/staff/submissions/{made.reference}"
    desk.post(
        f"{url}/notes",
        data={**hidden_fields(desk.get(url), f"{url}/notes"), "body": "Left a voicemail."},
    )
    html = desk.get("/staff/").text
    assert "Note added" in html
    assert f"{front_desk.name}, 0 seconds ago" in html or f"{front_desk.name}, 1 second ago" in html
    assert "Left a voicemail." not in html, "the note itself stays on the submission page"
