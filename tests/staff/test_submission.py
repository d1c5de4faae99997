"""The submission page and follow-up: answers as seen, reasons, status, notes, clearance, audit."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Clearance, Note, StatusChange, Submission
from app.worklist import Work
from tests.builders import make_submission
from tests.conftest import Clock, sign_in
from tests.forms import csrf_token, hidden_fields


@pytest.fixture
def desk(app: Flask, client: FlaskClient, front_desk) -> FlaskClient:
    sign_in(client, app, front_desk)
    return client


def stored(app: Flask, submission: Submission) -> Submission:
    with app.app_context():
        fresh = db.session.get(Submission, submission.id)
        db.session.expunge(fresh)
        return fresh


def actions(app: Flask) -> list[tuple[str, int | None]]:
    with app.app_context():
        return [
            (e.action, e.submission_id)
            for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        ]


def post(client: FlaskClient, url: str, page: str, **data: str):
    """Send the form of ``page`` that posts to ``url``, as rendered, with ``data`` filled in."""
    return client.post(url, data={**hidden_fields(client.get(page), url), **data})


def forged(client: FlaskClient, url: str, page: str, **data: str):
    """A request the page does not offer a form for, with only the CSRF token from ``page``."""
    return client.post(url, data={**data, "csrf_token": csrf_token(client.get(page))})


def test_page_shows_everything_and_is_audited(app: Flask, desk: FlaskClient, front_desk) -> None:
    made = make_submission(
        app,
        outcome="clinician_review",
        reasons=["PR_BLEEDING_RISK", "IND_TENNIS_ELBOW"],
        comments="Evenings are worst",
    )
    page = desk.get(f"/staff/submissions/{made.reference}")
    html = page.text
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    for expected in (
        "Jordan Patient",
        "jordan@example.org",
        "613-555-0142",
        "Evenings are worst",
        "Anticoagulant",  # the staff text of PR_BLEEDING_RISK
        "reason-precaution",  # precautions highlighted
        "Has a health professional told you",  # the question as the patient saw it
        "Tennis elbow",
        "6 out of 10",
        "questionnaire 2026.1, rules 2026.1",
        "version 2026.1",
    ):
        assert expected in html, expected
    assert ("submission.view", made.id) in actions(app)


def test_french_answers_are_shown_in_french(app: Flask, desk: FlaskClient) -> None:
    from flask_babel import force_locale, gettext

    from app.screening.questions import QUESTIONS

    made = make_submission(app, locale="fr_CA")
    html = desk.get(f"/staff/submissions/{made.reference}").text
    with app.test_request_context(), force_locale("fr_CA"):
        french = gettext(QUESTIONS["diagnoses"].label)
    assert french != QUESTIONS["diagnoses"].label, "the French catalogue is compiled"
    assert french in html
    assert QUESTIONS["diagnoses"].label not in html
    assert 'lang="fr-CA"' in html


def test_unknown_reference_is_404(desk: FlaskClient) -> None:
    assert desk.get("/staff/submissions/IMS-ZZZZ-ZZZZ").status_code == 404


def test_status_change_is_recorded_with_who_and_when(
    app: Flask, desk: FlaskClient, front_desk
) -> None:
    made = make_submission(app)
    url = f"/staff/submissions/{made.reference}"
    assert stored(app, made).work == Work.NEW
    response = post(desk, f"{url}/status", url, status="contacted")
    assert response.headers["Location"] == f"{url}#change-status"
    assert stored(app, made).status == "contacted"
    assert stored(app, made).work == Work.OPEN, "no longer waiting for a first contact"
    with app.app_context():
        change = db.session.scalars(select(StatusChange)).one()
    assert (change.staff_id, change.from_status, change.to_status) == (
        front_desk.id,
        "new",
        "contacted",
    )
    assert ("submission.status", made.id) in actions(app)
    assert "status New → Contacted" in desk.get(url).text
    # An unknown status is refused and changes nothing.
    post(desk, f"{url}/status", url, status="deleted")
    assert stored(app, made).status == "contacted"
    post(desk, f"{url}/status", url, status="booked")
    assert stored(app, made).work is None, "closed: not a work item"


def test_notes_are_appended(app: Flask, desk: FlaskClient) -> None:
    made = make_submission(app)
    url = f"/staff/submissions/{made.reference}"
    post(desk, f"{url}/notes", url, body="Left a voicemail.")
    post(desk, f"{url}/notes", url, body="Called back, booked Tuesday.")
    html = desk.get(url).text
    assert html.index("Left a voicemail.") < html.index("Called back, booked Tuesday.")
    empty = post(desk, f"{url}/notes", url, body="   ")
    assert empty.status_code == 422
    assert "Write the note." in empty.text
    with app.app_context():
        assert len(list(db.session.scalars(select(Note)))) == 2
    assert actions(app).count(("submission.note", made.id)) == 2


def test_notes_cannot_be_edited(app: Flask) -> None:
    from app.models import AuditLogIsAppendOnly, StaffUser

    made = make_submission(app)
    with app.app_context():
        user = StaffUser(email="x@y.example", name="X", role="clinician", password_hash="x")
        db.session.add(user)
        db.session.flush()
        note = Note(submission_id=made.id, staff_id=user.id, body="original")
        db.session.add(note)
        db.session.commit()
        note.body = "changed"
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.commit()


def test_clinician_clears_a_review(app: Flask, clinician, clock: Clock) -> None:
    client = app.test_client()
    sign_in(client, app, clinician)
    made = make_submission(app, outcome="clinician_review")
    url = f"/staff/submissions/{made.reference}"
    assert "Clinical clearance" in client.get(url).text
    missing = post(client, f"{url}/clearance", url, decision="cleared", reason="")
    assert missing.status_code == 422
    post(client, f"{url}/clearance", url, decision="cleared", reason="INR stable; avoid psoas.")
    with app.app_context():
        decision = db.session.scalars(select(Clearance)).one()
    assert (decision.cleared, decision.staff_id) == (True, clinician.id)
    assert stored(app, made).work == Work.NEW, "cleared: now an enquiry to call back"
    assert "INR stable; avoid psoas." in client.get(url).text
    assert ("submission.clearance", made.id) in actions(app)


def test_every_id_on_the_page_is_unique(app: Flask, clinician) -> None:
    client = app.test_client()
    sign_in(client, app, clinician)
    made = make_submission(app, outcome="clinician_review")
    url = f"/staff/submissions/{made.reference}"
    shown = client.get(url).text
    with_errors = post(client, f"{url}/clearance", url, decision="cleared", reason="").text
    for html in (shown, with_errors):
        for action in ("status", "notes", "clearance"):
            assert f'action="{url}/{action}"' in html
        ids = re.findall(r'\bid="([^"]+)"', html)
        assert sorted(ids) == sorted(set(ids))


def test_only_clinicians_clear_and_only_reviews(app: Flask, desk: FlaskClient, clinician) -> None:
    review = make_submission(app, outcome="clinician_review")
    url = f"/staff/submissions/{review.reference}"
    assert "Clinical clearance" not in desk.get(url).text
    # Neither page shows the form: these are requests made by hand, with a valid CSRF token.
    assert forged(desk, f"{url}/clearance", url, decision="cleared", reason="x").status_code == 403
    other = app.test_client()
    sign_in(other, app, clinician)
    consult = make_submission(app)
    consult_url = f"/staff/submissions/{consult.reference}"
    response = forged(
        other, f"{consult_url}/clearance", consult_url, decision="cleared", reason="x"
    )
    assert response.status_code == 400


def test_export_streams_the_filter_and_is_audited(app: Flask, desk: FlaskClient) -> None:
    import csv
    import io

    make_submission(app, full_name='=HYPERLINK("http://x","y")', outcome="clinician_review")
    make_submission(app, full_name="Not exported")
    response = desk.get("/staff/export?outcome=clinician_review")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    names = [row[rows[0].index("full_name")] for row in rows[1:]]
    assert names == ['\'=HYPERLINK("http://x","y")']
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "submission.export")
        ).one()
    assert event.detail == {"filters": {"outcome": "clinician_review"}}


def test_print_view_hides_the_forms(app: Flask, desk: FlaskClient) -> None:
    made = make_submission(app)
    html = desk.get(f"/staff/submissions/{made.reference}").text
    assert 'class="actions no-print"' in html
    assert 'href="/static/staff.css"' in html  # the workspace's styles, print rules included
    with desk.get("/static/staff.css") as css:
        assert ".actions" in css.text.split("@media print", 1)[1]
