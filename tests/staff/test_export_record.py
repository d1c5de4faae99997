"""What an export sent is audited once it ends: how many rows, the newest and oldest, finished
or stopped. With the export's first record (its filter, at the start), that says whose data
left the clinic even after statuses change or submissions are purged."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent
from tests.builders import make_submission
from tests.conftest import sign_in


def recorded(app: Flask, action: str) -> list[AuditEvent]:
    with app.app_context():
        query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        return list(db.session.scalars(query))


def test_a_finished_export_records_what_it_sent(app: Flask, client: FlaskClient, front_desk):
    sign_in(client, app, front_desk)
    oldest = make_submission(app, minutes_ago=30, outcome="clinician_review")
    make_submission(app, minutes_ago=20, outcome="suggest_consult")
    newest = make_submission(app, minutes_ago=10, outcome="clinician_review")
    client.get("/staff/export?outcome=clinician_review").get_data()
    [sent] = recorded(app, "submission.export_sent")
    assert sent.staff_id == front_desk.id
    assert sent.detail == {
        "filters": {"outcome": "clinician_review"},
        "finished": True,
        "rows": 2,
        "newest": newest.reference,
        "oldest": oldest.reference,
    }
    [started] = recorded(app, "submission.export")
    assert started.id < sent.id


def test_an_export_with_no_rows_records_none(app: Flask, client: FlaskClient, front_desk):
    sign_in(client, app, front_desk)
    client.get("/staff/export?outcome=emergency").get_data()
    [sent] = recorded(app, "submission.export_sent")
    assert sent.detail == {
        "filters": {"outcome": "emergency"},
        "finished": True,
        "rows": 0,
        "newest": None,
        "oldest": None,
    }


def test_a_download_stopped_early_is_recorded_as_unfinished(
    app: Flask, client: FlaskClient, front_desk
):
    sign_in(client, app, front_desk)
    make_submission(app)
    response = client.get("/staff/export", buffered=False)
    chunks = iter(response.response)
    assert next(chunks)  # the byte order mark: then the browser goes away
    response.close()
    [sent] = recorded(app, "submission.export_sent")
    assert sent.detail["finished"] is False
    assert sent.detail["rows"] == 0
