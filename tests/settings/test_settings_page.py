"""The settings page: each value in force with where it came from, a change stored with its
history and audit record, refused values kept off, and the queue's due dates moved when the
response target or the time zone changes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.dates import clinic_today
from app.extensions import db
from app.models import AuditEvent, ClinicSetting, SettingChange, Submission
from app.settings.fields import FIELDS
from app.settings.store import current
from app.worklist import Work
from config import ENVIRONMENT_APPLIED
from tests.builders import make_submission, set_settings
from tests.conftest import make_app, make_staff, sign_in
from tests.forms import csrf_token


def typed(app: Flask, **changes: str) -> dict[str, str]:
    """The settings form as shown (every value in force, as text), with ``changes``."""
    with app.app_context():
        settings = current()
        shown = {f.name: f.show(getattr(settings, f.name)) for f in FIELDS}
    return {**shown, **changes}


@pytest.fixture
def admin(app: Flask, client: FlaskClient) -> FlaskClient:
    sign_in(client, app, make_staff(app, "admin", name="Ana Admin"))
    return client


def post(client: FlaskClient, app: Flask, **changes: str) -> Any:
    data = {**typed(app, **changes), "csrf_token": csrf_token(client.get("/admin/settings"))}
    return client.post("/admin/settings", data=data)


def test_each_value_says_where_it_came_from(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    app.config[ENVIRONMENT_APPLIED] = frozenset({"CLINIC_PHONE"})  # as Config.load records it
    client = app.test_client()
    sign_in(client, app, make_staff(app, "admin", name="Ana Admin"))
    set_settings(app, email="desk@clinic.example")
    html = client.get("/admin/settings").get_data(as_text=True)
    assert 'value="613-555-0100"' in html
    assert "In force: from the environment variable CLINIC_PHONE." in html
    assert "In force: set on this page by Ana Admin" in html  # the e-mail address
    assert "In force: the default." in html  # e.g. the time zone
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "settings.view"))


def test_a_change_is_stored_with_its_history_and_audit(app: Flask, admin: FlaskClient) -> None:
    response = post(admin, app, phone="613-555-0111", booking_url="")
    assert response.status_code == 302
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 settings saved: Phone number, Online booking link." in page
    assert "613-555-0111" in page  # in the form, and in the history
    with app.app_context():
        rows = {row.name: row.value for row in db.session.scalars(select(ClinicSetting))}
        history = list(db.session.scalars(select(SettingChange).order_by(SettingChange.id)))
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "settings.change"))
    assert rows == {"phone": "613-555-0111", "booking_url": ""}
    assert [(h.name, h.old_value, h.new_value) for h in history] == [
        ("phone", "613-555-0100", "613-555-0111"),
        ("booking_url", "https://booking.example.org/ims", ""),
    ]
    assert event is not None
    assert event.staff_id is not None
    assert event.detail == {
        "changes": {
            "phone": {"old": "613-555-0100", "new": "613-555-0111"},
            "booking_url": {"old": "https://booking.example.org/ims", "new": ""},
        }
    }


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("booking_url", "http://booking.example.org", "starts with https://"),
        ("phone", "call us", "at least 7 digits"),
        ("email", "desk@", "email address like"),
        ("time_zone", "Ottawa", "time zone name"),
        ("response_target_days", "0", "whole number from 1 to 10"),
        ("retention_days", "-1", "whole number from 1 to 36,500"),
    ],
)
def test_a_refused_value_is_not_stored(
    app: Flask, admin: FlaskClient, name: str, text: str, message: str
) -> None:
    response = post(admin, app, **{name: text})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There is a problem" in html
    assert message in html
    assert f'href="#{name}"' in html  # the summary links to the field
    with app.app_context():
        assert db.session.scalar(select(SettingChange.id)) is None


def test_sending_the_same_values_changes_nothing(app: Flask, admin: FlaskClient) -> None:
    response = post(admin, app)
    assert "Nothing changed." in admin.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(SettingChange.id)) is None
        assert db.session.scalar(select(ClinicSetting.name)) is None


def test_other_roles_cannot_change_settings(app: Flask, client: FlaskClient) -> None:
    sign_in(client, app, make_staff(app, "clinician"))
    token = csrf_token(client.get("/staff/"))
    response = client.post("/admin/settings", data={**typed(app, name="X"), "csrf_token": token})
    assert response.status_code == 403
    with app.app_context():
        assert db.session.scalar(select(SettingChange.id)) is None


# Friday 4 December 2026, 15:00 in Toronto (20:00 UTC); Saturday 05:00 in Tokyo.
RECEIVED = datetime(2026, 12, 4, 20, 0, tzinfo=UTC)


def due(app: Flask, reference: str) -> datetime | None:
    with app.app_context():
        return db.session.scalar(select(Submission.due_at).where(Submission.reference == reference))


def test_target_and_time_zone_move_new_enquiries_due_dates(app: Flask) -> None:
    new = make_submission(app, created_at=RECEIVED)
    review = make_submission(app, created_at=RECEIVED, outcome="clinician_review")
    assert new.work == Work.NEW
    # 1 business day in Toronto: Monday 15:00 there.
    assert due(app, new.reference) == datetime(2026, 12, 7, 20, 0, tzinfo=UTC)
    set_settings(app, response_target_days=2)
    assert due(app, new.reference) == datetime(2026, 12, 8, 20, 0, tzinfo=UTC)
    # In Tokyo it arrived on a Saturday: the clock starts on Monday at midnight there, and
    # two business days later is Wednesday at midnight (Tuesday 15:00 UTC).
    set_settings(app, time_zone="Asia/Tokyo")
    assert due(app, new.reference) == datetime(2026, 12, 8, 15, 0, tzinfo=UTC)
    assert due(app, review.reference) == RECEIVED  # a review waits from its arrival
    with app.app_context():
        assert clinic_today(RECEIVED).isoformat() == "2026-12-05"  # Saturday in Tokyo


def test_the_queue_states_the_target_in_force(app: Flask, client: FlaskClient) -> None:
    sign_in(client, app, make_staff(app, "front_desk"))
    assert "within 1 business day" in client.get("/staff/").get_data(as_text=True)
    set_settings(app, response_target_days=3)
    assert "within 3 business days" in client.get("/staff/").get_data(as_text=True)
