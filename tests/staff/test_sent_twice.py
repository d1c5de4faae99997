"""Follow-up sent twice, or by two people at once: each action is recorded once.

A double click, or a resend after an answer lost on the way, sends the same copy of a form
twice; notes, decisions and status changes can never be removed, so the copy must not be stored
again. Notes and decisions carry a one-time key; a status change is kept from repeating by
reading the submission's status under a lock.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.formtools import FORM_KEY, new_form_key
from app.models import AuditEvent, Clearance, Note, StatusChange, Submission
from app.staff import service
from tests.builders import make_submission
from tests.conftest import sign_in
from tests.forms import hidden_fields
from tests.held import while_held


@pytest.fixture
def desk(app: Flask, client: FlaskClient, front_desk) -> FlaskClient:
    sign_in(client, app, front_desk)
    return client


def count(app: Flask, what) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(what))


def audited(app: Flask, action: str) -> int:
    return count(app, select(AuditEvent).where(AuditEvent.action == action).subquery())


def test_a_note_sent_twice_is_stored_once(app: Flask, desk: FlaskClient) -> None:
    made = make_submission(app)
    page = f"/staff/submissions/{made.reference}"
    form = {**hidden_fields(desk.get(page), f"{page}/notes"), "body": "Left a voicemail."}
    first = desk.post(f"{page}/notes", data=form, follow_redirects=True)
    again = desk.post(f"{page}/notes", data=form, follow_redirects=True)
    assert "Note added." in first.text
    assert "This note was already added." in again.text
    assert again.text.count("Left a voicemail.") == 1
    assert count(app, Note) == 1
    assert audited(app, "submission.note") == 1


def test_the_same_words_in_two_forms_are_two_notes(app: Flask, desk: FlaskClient) -> None:
    made = make_submission(app)
    page = f"/staff/submissions/{made.reference}"
    for _ in range(2):
        form = {**hidden_fields(desk.get(page), f"{page}/notes"), "body": "No answer."}
        assert desk.post(f"{page}/notes", data=form).status_code == 302
    assert count(app, Note) == 2


def test_a_decision_sent_twice_is_recorded_once(app: Flask, clinician) -> None:
    client = app.test_client()
    sign_in(client, app, clinician)
    made = make_submission(app, outcome="clinician_review")
    page = f"/staff/submissions/{made.reference}"
    form = {
        **hidden_fields(client.get(page), f"{page}/clearance"),
        "decision": "not_cleared",
        "reason": "Needs a GP review first.",
    }
    first = client.post(f"{page}/clearance", data=form, follow_redirects=True)
    again = client.post(f"{page}/clearance", data=form, follow_redirects=True)
    assert "Decision recorded." in first.text
    assert "This decision was already recorded." in again.text
    assert count(app, Clearance) == 1
    assert audited(app, "submission.clearance") == 1


@pytest.mark.parametrize("key", [None, "", "too-short", "!" * 22], ids=repr)
def test_a_form_without_a_good_key_is_shown_again_with_a_fresh_one(
    app: Flask, desk: FlaskClient, key: str | None
) -> None:
    made = make_submission(app)
    page = f"/staff/submissions/{made.reference}"
    form = {**hidden_fields(desk.get(page), f"{page}/notes"), "body": "Called back."}
    if key is None:
        del form["form_key"]
    else:
        form["form_key"] = key
    shown = desk.post(f"{page}/notes", data=form)
    assert shown.status_code == 422
    assert "This page was out of date. Check it and send it again." in shown.text
    assert "Called back." in shown.text  # what was typed is kept
    assert count(app, Note) == 0
    fresh = hidden_fields(shown, f"{page}/notes")["form_key"]
    assert FORM_KEY.fullmatch(fresh)
    assert fresh != key
    form["form_key"] = fresh
    assert desk.post(f"{page}/notes", data=form).status_code == 302
    assert count(app, Note) == 1


def test_a_copy_sent_while_the_first_is_being_stored_is_stored_once(
    app: Flask, desk: FlaskClient, front_desk
) -> None:
    made = make_submission(app)
    page = f"/staff/submissions/{made.reference}"
    form = {**hidden_fields(desk.get(page), f"{page}/notes"), "body": "Booked Tuesday."}
    first = {"submission_id": made.id, "staff_id": front_desk.id, "body": form["body"]}
    with while_held(app, lambda: desk.post(f"{page}/notes", data=form)) as held:
        # The first copy is being stored, not yet committed, when the second arrives: the second
        # waits for it (SQLite's write lock, or PostgreSQL's row lock) and then finds it.
        held.first.execute(insert(Note).values(**first, form_key=form["form_key"]))
    assert held.answers[0].status_code == 302
    assert "This note was already added." in desk.get(page).text
    assert count(app, Note) == 1


def test_another_broken_constraint_is_not_taken_for_a_copy(app: Flask) -> None:
    made = make_submission(app)
    nobody = SimpleNamespace(id=999_999)  # no such staff member: the foreign key refuses it
    with app.test_request_context(), pytest.raises(IntegrityError):
        service.add_note(db.session.get(Submission, made.id), nobody, "x", new_form_key())


def test_a_status_change_sent_while_another_is_being_stored_is_not_repeated(
    app: Flask, desk: FlaskClient, front_desk
) -> None:
    made = make_submission(app)
    page = f"/staff/submissions/{made.reference}"
    form = {**hidden_fields(desk.get(page), f"{page}/status"), "status": "contacted"}
    with while_held(app, lambda: desk.post(f"{page}/status", data=form)) as held:
        # The first copy is being stored: the status changed and its record written, not yet
        # committed. The second must wait for it and then find the status already set, on
        # PostgreSQL (a row lock) as on SQLite (the write lock).
        held.first.execute(
            update(Submission).where(Submission.id == made.id).values(status="contacted")
        )
        held.first.execute(
            insert(StatusChange).values(
                submission_id=made.id,
                staff_id=front_desk.id,
                from_status="new",
                to_status="contacted",
            )
        )
    assert held.answers[0].status_code == 302
    assert count(app, StatusChange) == 1
    assert audited(app, "submission.status") == 0  # only the copy went through the app
