"""The purge from the settings page: its preview counts what the purge then deletes, it runs only
once confirmed and only for a fresh preview, it is audited like the command's, and the page
says when the last purge ran."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.database import utcnow
from app.extensions import db
from app.maintenance import purge_command
from app.models import AuditEvent, Note, Submission
from tests.builders import make_submission, set_settings
from tests.conftest import make_staff, sign_in
from tests.forms import csrf_token, hidden_fields

PAGE = "/admin/settings/retention"


@pytest.fixture
def admin(app: Flask, client: FlaskClient) -> FlaskClient:
    sign_in(client, app, make_staff(app, "admin", name="Ana Admin"))
    return client


@pytest.fixture
def aged(app: Flask) -> dict[str, int]:
    """With a 30-day period: two submissions past it (one with a note), one inside it."""
    set_settings(app, retention_days=30)
    now = utcnow()
    old = make_submission(app, created_at=now - timedelta(days=400))
    make_submission(app, created_at=now - timedelta(days=31))
    make_submission(app, created_at=now - timedelta(days=29))
    staff = make_staff(app, "clinician")
    with app.app_context():
        db.session.add(Note(submission_id=old.id, staff_id=staff.id, body="private"))
        db.session.commit()
    return {"old": old.id}


def counts_shown(html: str) -> dict[str, int]:
    """The preview's table: each kind's label and count."""
    rows = re.findall(r'<th scope="row">([^<]+)</th><td class="number">([\d,]+)</td>', html)
    return {label: int(count.replace(",", "")) for label, count in rows}


def submissions(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Submission)) or 0


def purge_form(client: FlaskClient, **changes: str) -> dict[str, str]:
    fields = hidden_fields(client.get(PAGE), PAGE)
    return {**fields, "confirm": "y", **changes}


def test_the_preview_counts_what_the_purge_deletes(
    app: Flask, admin: FlaskClient, aged: dict[str, int]
) -> None:
    shown = counts_shown(admin.get(PAGE).get_data(as_text=True))
    assert shown["Submissions"] == 2
    assert shown["Notes"] == 1
    response = admin.post(PAGE, data=purge_form(admin))
    assert response.status_code == 302
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Purge done: 2 submissions deleted" in page
    assert "by Ana Admin: 2 submissions deleted." in page
    assert submissions(app) == 1
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "retention.purge"))
    assert event is not None
    assert (event.actor_type, event.detail["period_source"]) == ("staff", "setting")
    assert event.staff_id is not None
    labels = {"submission": "Submissions", "note": "Notes", "search_term": "Search terms"}
    for table, label in labels.items():
        shown_count = next(v for k, v in shown.items() if k.startswith(label))
        assert event.detail["counts"][table] == shown_count, table
    assert set(counts_shown(page).values()) == {0}
    assert "there is nothing to purge" in page
    assert "Delete these records" not in page


def test_nothing_goes_without_the_confirmation(
    app: Flask, admin: FlaskClient, aged: dict[str, int]
) -> None:
    form = purge_form(admin)
    del form["confirm"]
    response = admin.post(PAGE, data=form)
    assert response.status_code == 422
    assert "Tick the box to confirm the purge." in response.get_data(as_text=True)
    assert submissions(app) == 3


@pytest.mark.parametrize(
    "as_of",
    [
        "",
        "yesterday",
        "2026-01-01T00:00:00+00:00",  # long ago
        "2999-01-01T00:00:00+00:00",  # to come
        "2026-12-01T10:00:00",  # no time zone
    ],
)
def test_an_old_or_forged_preview_is_refused(
    app: Flask, admin: FlaskClient, aged: dict[str, int], as_of: str
) -> None:
    response = admin.post(PAGE, data=purge_form(admin, as_of=as_of))
    assert response.status_code == 422
    assert "This preview is out of date." in response.get_data(as_text=True)
    assert submissions(app) == 3


def test_the_purge_deletes_what_was_old_at_the_preview(app: Flask, admin: FlaskClient) -> None:
    """A submission that passes the period between the preview and the click stays."""
    set_settings(app, retention_days=30)
    preview = utcnow() - timedelta(minutes=10)
    make_submission(app, created_at=preview - timedelta(days=30, minutes=1))  # old at preview
    make_submission(app, created_at=preview - timedelta(days=30) + timedelta(minutes=5))
    response = admin.post(PAGE, data=purge_form(admin, as_of=preview.isoformat()))
    assert response.status_code == 302
    assert submissions(app) == 1


def test_without_a_period_the_page_asks_for_one(app: Flask, admin: FlaskClient) -> None:
    make_submission(app, created_at=utcnow() - timedelta(days=4000))
    html = admin.get(PAGE).get_data(as_text=True)
    assert "No retention period is set" in html
    assert 'href="/admin/settings#retention_days"' in html
    token = csrf_token(admin.get("/admin/settings"))
    data = {"csrf_token": token, "confirm": "y", "as_of": utcnow().isoformat()}
    response = admin.post(PAGE, data=data)
    assert response.headers["Location"].endswith("/admin/settings#retention_days")
    assert submissions(app) == 1


def test_the_settings_page_says_when_the_command_last_ran(
    app: Flask, admin: FlaskClient, aged: dict[str, int]
) -> None:
    assert "No purge has run yet." in admin.get("/admin/settings").get_data(as_text=True)
    result = app.test_cli_runner().invoke(purge_command, [])
    assert result.exit_code == 0, result.output
    html = admin.get("/admin/settings").get_data(as_text=True)
    assert "by the scheduled command: 2 submissions deleted." in html
