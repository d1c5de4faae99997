"""Each kind of message reaches the right people, once, and says nothing about health."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from app.codes import MessageKind, MessageState
from app.database import utcnow
from app.extensions import db
from app.models import AuditEvent, Submission
from app.screening.codes import Outcome
from app.screening.questions import STEPS
from app.worklist import Work
from tests.journey import BASE_ANSWERS, post_step, send, step_data
from tests.notify.conftest import PUBLIC_URL, MailServer, text_of
from tests.notify.helpers import assert_says_nothing_of_health, round_at, rows, staff, submit

DESK, CLINICIAN = "desk@clinic.example", "clinician@clinic.example"


def test_a_new_enquiry_reaches_the_front_desk_once_with_a_link(
    app: Flask, smtp: MailServer
) -> None:
    staff(app, "front_desk", DESK)
    staff(app, "clinician", CLINICIAN)
    submission = submit(app)

    [row] = rows(app)
    assert (row.kind, row.state, row.digest) == (MessageKind.NEW_CALL, MessageState.PENDING, False)
    assert round_at(app).sent == 1
    assert round_at(app).sent == 0, "sent once"

    [message] = smtp.inbox.to(DESK)
    assert smtp.inbox.to(CLINICIAN) == []
    assert message["Subject"] == f"New enquiry: {submission.reference}"
    assert "Test Physio Clinic" in message["From"]
    link = f"{PUBLIC_URL}/staff/submissions/{submission.reference}"
    assert link in message.get_body(("plain",)).get_content()
    assert f'href="{link}"' in message.get_body(("html",)).get_content()
    assert_says_nothing_of_health(text_of(message), submission)
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "notify.sent")
        ).one()
        assert event.detail == {"messages": [row.id], "kind": "new_call"}
        assert event.submission_id == submission.id


def test_a_clinician_review_reaches_the_clinicians_only(app: Flask, smtp: MailServer) -> None:
    staff(app, "front_desk", DESK)
    staff(app, "clinician", CLINICIAN)
    staff(app, "clinician", "second@clinic.example")
    submission = submit(app, blood_thinners="yes")
    assert submission.outcome == Outcome.CLINICIAN_REVIEW

    assert round_at(app).sent == 2
    assert smtp.inbox.to(DESK) == []
    for address in (CLINICIAN, "second@clinic.example"):
        [message] = smtp.inbox.to(address)
        assert_says_nothing_of_health(text_of(message), submission)


def test_a_safety_stop_and_staff_who_chose_none_hear_nothing(app: Flask, smtp: MailServer) -> None:
    staff(app, "front_desk", DESK, notify_mode="none")
    staff(app, "front_desk", "other@clinic.example")
    submit(app)
    client = app.test_client()

    post_step(client, "safety", step_data("safety", {**BASE_ANSWERS, "rf_chest_breathing": "yes"}))
    assert len(rows(app)) == 1, "one message: the enquiry, to the one who wants to hear"
    round_at(app)
    assert smtp.inbox.to(DESK) == []
    assert len(smtp.inbox.to("other@clinic.example")) == 1


def test_french_staff_get_french_messages(app: Flask, smtp: MailServer) -> None:
    staff(app, "front_desk", DESK, language="fr_CA")
    submission = submit(app)
    round_at(app)
    [message] = smtp.inbox.to(DESK)
    assert message["Subject"] == f"Nouvelle demande\u00a0: {submission.reference}"
    assert "Ouvrir la file" in message.get_body(("html",)).get_content()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_receipt_goes_to_a_patient_who_asked_in_their_language(
    app: Flask, smtp: MailServer, lang: str
) -> None:
    client = app.test_client()
    client.get(f"/?lang={lang}")

    for step in STEPS:
        data = step_data(step.id, BASE_ANSWERS)
        if step.id == "contact":
            data["receipt"] = "y"
        assert post_step(client, step.id, data).status_code == 302
    send(client)
    round_at(app)
    [message] = smtp.inbox.to(BASE_ANSWERS["email"])
    with app.app_context():
        submission = db.session.scalars(select(Submission)).one()
    body = text_of(message)
    assert submission.reference in body
    expected = "received your answers" if lang == "en" else "a bien reçu vos réponses"
    assert expected in message["Subject"]
    assert_says_nothing_of_health(body.replace(str(submission.email), ""), submission)
    assert str(submission.email) not in message.get_body(("plain",)).get_content()


def test_a_receipt_needs_an_email_address(app: Flask) -> None:
    client = app.test_client()

    answers = {**BASE_ANSWERS, "email": "", "contact_preference": "phone"}
    for step in STEPS[:-1]:
        post_step(client, step.id, step_data(step.id, answers))
    data = {**step_data("contact", answers), "receipt": "y"}
    response = post_step(client, "contact", data)
    assert response.status_code == 422
    assert "Enter your email address to get a receipt, or untick the box." in response.text
    assert 'href="#receipt"' in response.text


def test_no_receipt_unless_asked(app: Flask, smtp: MailServer) -> None:
    submit(app)
    round_at(app)
    assert smtp.inbox.to(BASE_ANSWERS["email"]) == []


def test_follow_ups_due_and_enquiries_past_the_target_are_told_once(
    app: Flask, smtp: MailServer
) -> None:
    desk = staff(app, "front_desk", DESK)
    clinician = staff(app, "clinician", CLINICIAN)
    waiting = submit(app)
    assigned = submit(app)
    now = utcnow()
    with app.app_context():
        for found, due in (
            (waiting, now - timedelta(minutes=5)),
            (assigned, now - timedelta(minutes=1)),
        ):
            row = db.session.get(Submission, found.id)
            assert row
            row.due_at = due  # past the response target
        follow = db.session.get(Submission, assigned.id)
        assert follow
        follow.assignee_id, follow.follow_up_due = clinician.id, now - timedelta(minutes=2)
        follow.work = Work.FOLLOW_UP
        db.session.commit()
    round_at(app, now)
    round_at(app, now + timedelta(minutes=1))
    kinds = sorted((r.kind, r.staff_id) for r in rows(app) if r.kind != MessageKind.NEW_CALL)
    assert kinds == [
        (MessageKind.FOLLOW_UP_DUE, clinician.id),
        (MessageKind.PAST_TARGET, desk.id),
    ]
    subjects = sorted(str(m["Subject"]) for m in smtp.inbox.to(DESK) + smtp.inbox.to(CLINICIAN))
    assert f"Follow-up due: {assigned.reference}" in subjects
    assert f"Past the response target: {waiting.reference}" in subjects
    assert len(subjects) == 4  # two new enquiries, one follow-up, one past the target
    for message in smtp.inbox.to(DESK) + smtp.inbox.to(CLINICIAN):
        for submission in (waiting, assigned):
            assert_says_nothing_of_health(text_of(message), submission)


@pytest.mark.parametrize(
    ("assignee_change", "told"),
    [({"notify_mode": "none"}, []), ({"is_active": False}, [DESK])],
    ids=["assignee-turned-messages-off", "assignee-disabled"],
)
def test_a_follow_up_goes_to_its_assignee_or_else_the_front_desk(
    app: Flask, smtp: MailServer, assignee_change: dict[str, object], told: list[str]
) -> None:
    found = submit(app)  # before anyone listens: no message for the enquiry itself
    staff(app, "front_desk", DESK)
    clinician = staff(app, "clinician", CLINICIAN, **assignee_change)
    now = utcnow()
    with app.app_context():
        row = db.session.get(Submission, found.id)
        assert row
        row.assignee_id, row.follow_up_due, row.work = (
            clinician.id,
            now - timedelta(minutes=1),
            Work.FOLLOW_UP,
        )
        db.session.commit()
    round_at(app, now)
    assert [m["Subject"] for m in smtp.inbox.to(DESK)] == [
        f"Follow-up due: {found.reference}" for _ in told
    ]
    assert smtp.inbox.to(CLINICIAN) == []


@pytest.mark.parametrize("ticked", [True, False])
def test_the_check_page_says_whether_a_receipt_was_asked_for(app: Flask, ticked: bool) -> None:
    client = app.test_client()
    for step in STEPS:
        data = step_data(step.id, BASE_ANSWERS)
        if step.id == "contact" and ticked:
            data["receipt"] = "y"
        assert post_step(client, step.id, data).status_code == 302
    page = client.get("/screening/check").text
    row = re.search(r'<dt id="q-receipt">([^<]*)</dt><dd>([^<]*)</dd>', page)
    assert row
    assert row[1] == "Email me a receipt with my reference number"
    assert row[2] == ("Yes" if ticked else "No")
    assert 'href="/screening/contact#receipt"' in page
    # Going back to the contact step shows the box as it was left.
    box = re.search(r'<input[^>]*id="receipt"[^>]*>', client.get("/screening/contact").text)
    assert box
    assert ("checked" in box[0]) is ticked
