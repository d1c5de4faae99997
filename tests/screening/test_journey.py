"""The patient journey end to end through the test client, asserting what was stored."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select

from app.extensions import db
from app.models import AuditEvent, Draft, Submission
from app.screening.questions import STEPS
from tests.forms import csrf_token
from tests.journey import BASE_ANSWERS, answer_all, post_step, send, step_data

REFERENCE = re.compile(r"^IMS-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}$")


def stored(app: Flask) -> list[Submission]:
    with app.app_context():
        return list(db.session.scalars(select(Submission)))


def count(app: Flask, model: type) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize(
    ("overrides", "outcome", "reasons"),
    [
        (
            {},
            "suggest_consult",
            ["IND_TENNIS_ELBOW", "IND_PERSISTENT_PAIN", "IND_MANUAL_THERAPY_NO_RELIEF"],
        ),
        (
            {"blood_thinners": "yes", "needle_attitude": "nervous"},
            "clinician_review",
            [
                "PR_BLEEDING_RISK",
                "IND_TENNIS_ELBOW",
                "IND_PERSISTENT_PAIN",
                "IND_MANUAL_THERAPY_NO_RELIEF",
                "NOTE_NEEDLE_NERVOUS",
            ],
        ),
        (
            {"needle_attitude": "prefer_no_needles"},
            "not_suitable",
            [
                "CI_PREFERS_NO_NEEDLES",
                "IND_TENNIS_ELBOW",
                "IND_PERSISTENT_PAIN",
                "IND_MANUAL_THERAPY_NO_RELIEF",
            ],
        ),
        (
            {
                "diagnoses": ["none"],
                "pain_duration": "under_6_weeks",
                "manual_therapy": "helped",
            },
            "not_indicated",
            [],
        ),
    ],
)
def test_full_questionnaire_stores_one_submission(
    app: Flask, client: FlaskClient, overrides: dict[str, Any], outcome: str, reasons: list[str]
) -> None:
    answer_all(client, overrides)
    assert send(client).headers["Location"] == "/screening/result"

    page = client.get("/screening/result")
    html = page.get_data(as_text=True)
    [submission] = stored(app)
    assert page.status_code == 200
    assert f'data-outcome="{outcome}"' in html
    assert f'data-reference="{submission.reference}"' in html
    assert page.headers["Cache-Control"] == "no-store"
    assert REFERENCE.match(submission.reference)
    assert submission.outcome == outcome
    assert submission.reasons == reasons
    assert submission.status == "new"
    assert not submission.is_safety_stop
    assert submission.full_name == "Alex Tremblay"
    assert submission.email == "alex@example.org"
    assert submission.phone == "613-555-0199"
    assert submission.contact_preference == "phone"
    assert submission.comments is None
    assert submission.locale == "en"
    assert (submission.questionnaire_version, submission.rules_version) == ("2026.1", "2026.1")
    assert (submission.consent_version, submission.consent_locale) == ("2026.1", "en")
    assert submission.consented_at is not None
    assert submission.consented_at <= submission.created_at
    assert submission.created_at.utcoffset() == timedelta(0)
    expected = {**BASE_ANSWERS, **overrides, "pain_intensity": 6}
    assert submission.answers == {q.id: expected[q.id] for s in STEPS[:4] for q in s.questions}, (
        "clinical answers only, as validated"
    )
    assert count(app, Draft) == 0, "the draft is gone once submitted"
    with app.app_context():
        [event] = db.session.scalars(select(AuditEvent))
    assert (event.action, event.actor_type, event.submission_id) == (
        "submission.create",
        "patient",
        submission.id,
    )
    assert event.remote_addr is None, "no patient address is kept"


@pytest.mark.parametrize(
    ("flag", "outcome"),
    [("rf_bladder_bowel", "emergency"), ("rf_hot_swollen", "see_doctor")],
)
def test_safety_stop_ends_the_questionnaire_at_once(
    app: Flask, client: FlaskClient, flag: str, outcome: str
) -> None:
    answers = {**BASE_ANSWERS, flag: "yes"}
    response = post_step(client, "safety", step_data("safety", answers))
    assert response.headers["Location"] == "/screening/result"

    html = client.get("/screening/result").get_data(as_text=True)
    [submission] = stored(app)
    assert f'data-outcome="{outcome}"' in html
    assert f'data-reference="{submission.reference}"' in html
    assert "911" in html
    assert submission.is_safety_stop
    assert submission.outcome == outcome
    assert submission.answers == step_data("safety", answers)
    assert submission.full_name is None
    assert submission.email is None
    assert submission.phone is None
    assert submission.consented_at is None
    assert count(app, AuditEvent) == 1
    # Nothing more is asked: the questionnaire starts over.
    assert client.get("/screening").headers["Location"] == "/screening/safety"


def test_emergency_page_offers_no_booking(client: FlaskClient) -> None:
    post_step(client, "safety", step_data("safety", {**BASE_ANSWERS, "rf_stroke_signs": "yes"}))
    html = client.get("/screening/result").get_data(as_text=True)
    assert "booking.example.org" not in html
    assert "Call 911 now" in html
    assert '<a class="call-button" href="tel:911">Call 911</a>' in html


def test_resent_final_post_stores_one_submission(app: Flask, client: FlaskClient) -> None:
    answer_all(client)
    token = csrf_token(client.get("/screening/check"))
    first = client.post("/screening/submit", data={"csrf_token": token})
    again = client.post("/screening/submit", data={"csrf_token": token})
    assert first.headers["Location"] == again.headers["Location"] == "/screening/result"
    assert count(app, Submission) == 1
    assert count(app, AuditEvent) == 1


def test_double_click_from_the_same_cookie_stores_one_submission(
    app: Flask, client: FlaskClient
) -> None:
    """Both POSTs carry the cookie from before the first answer (the browser had no time)."""
    answer_all(client)
    token = csrf_token(client.get("/screening/check"))
    cookie = client.get_cookie("ims_session")
    assert cookie is not None
    client.post("/screening/submit", data={"csrf_token": token})
    client.set_cookie("ims_session", cookie.value)
    second = client.post("/screening/submit", data={"csrf_token": token})
    assert second.headers["Location"] == "/screening/result"
    assert count(app, Submission) == 1
    assert client.get("/screening/result").status_code == 200


def test_a_reference_already_taken_is_drawn_again(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The submit view hands the draft it checked to the service; when that first insert is
    refused, the service looks the draft up again and stores it once, under a new reference."""
    from app.screening import service

    answer_all(client)
    send(client)
    taken = stored(app)[0].reference
    drawn = iter([taken])
    real = service.new_reference
    monkeypatch.setattr(service, "new_reference", lambda: next(drawn, None) or real())
    other = app.test_client()
    answer_all(other)
    response = send(other)
    assert response.headers["Location"] == "/screening/result"
    references = sorted(s.reference for s in stored(app))
    assert len(references) == 2
    assert references.count(taken) == 1
    assert count(app, Draft) == 0
    assert count(app, AuditEvent) == 2


def test_double_click_and_resend_of_a_safety_stop_store_one_stop(
    app: Flask, client: FlaskClient
) -> None:
    answers = step_data("safety", {**BASE_ANSWERS, "rf_chest_breathing": "yes"})
    data = {**answers, "csrf_token": csrf_token(client.get("/screening/safety"))}
    before = client.get_cookie("ims_session")
    assert before is not None
    client.post("/screening/safety", data=data)
    resent = client.post("/screening/safety", data=data)  # with the cookie after the stop
    client.set_cookie("ims_session", before.value)
    double = client.post("/screening/safety", data=data)  # with the cookie before it
    assert resent.headers["Location"] == double.headers["Location"] == "/screening/result"
    assert count(app, Submission) == 1
    # The copy's answer points its browser at the result, as the lost first answer would have.
    assert client.get("/screening/result").status_code == 200


def test_another_browser_cannot_read_the_result(app: Flask, client: FlaskClient) -> None:
    answer_all(client)
    send(client)
    assert client.get("/screening/result").status_code == 200
    stranger = app.test_client()
    page = stranger.get("/screening/result")
    assert page.status_code == 404
    assert stored(app)[0].reference not in page.get_data(as_text=True)


def test_result_expires(app: Flask, client: FlaskClient) -> None:
    answer_all(client)
    send(client)
    with app.app_context():
        submission = db.session.scalars(select(Submission)).one()
        submission.created_at -= app.config["RESULT_TTL"] + timedelta(seconds=1)
        db.session.commit()
    assert client.get("/screening/result").status_code == 404


def test_answers_are_kept_on_the_server_when_going_back(client: FlaskClient) -> None:
    post_step(client, "safety", step_data("safety", BASE_ANSWERS))
    post_step(client, "pain", step_data("pain", BASE_ANSWERS))
    cookie = client.get_cookie("ims_session")
    assert cookie is not None
    assert "tennis_elbow" not in cookie.value, "answers never travel in the cookie"
    html = client.get("/screening/pain").get_data(as_text=True)
    assert 'value="tennis_elbow" checked' in html
    assert 'value="6" checked' in html
    assert 'href="/screening/safety"' in html, "Back goes to the previous step"
    assert "Step 2 of 5" in html


def test_steps_cannot_be_skipped(client: FlaskClient) -> None:
    assert client.get("/screening").headers["Location"] == "/screening/safety"
    assert client.get("/screening/health").headers["Location"] == "/screening/safety"
    post_step(client, "safety", step_data("safety", BASE_ANSWERS))
    assert client.get("/screening/contact").headers["Location"] == "/screening/pain"
    assert client.get("/screening/check").headers["Location"] == "/screening"


def test_check_page_lists_answers_with_change_links(client: FlaskClient) -> None:
    answer_all(client)
    assert client.get("/screening").headers["Location"] == "/screening/check"
    html = client.get("/screening/check").get_data(as_text=True)
    for step in STEPS:  # a Change link on every answer, back to its question, described by it
        for question in step.questions:
            link = f'href="/screening/{step.id}#{question.id}" aria-describedby="q-{question.id}"'
            assert link in html
            assert f'<dt id="q-{question.id}">' in html
    assert "Tennis elbow" in html
    assert "6 out of 10" in html
    assert "Alex Tremblay" in html
    assert "Not given" in html  # comments were left empty


def test_change_from_check_returns_to_check(client: FlaskClient) -> None:
    answer_all(client)
    changed = {**BASE_ANSWERS, "pain_duration": "3_to_12_months"}
    response = post_step(client, "pain", step_data("pain", changed))
    assert response.headers["Location"] == "/screening/check"
    assert "3 to 12 months" in client.get("/screening/check").get_data(as_text=True)


def test_expired_draft_starts_again(app: Flask, client: FlaskClient) -> None:
    post_step(client, "safety", step_data("safety", BASE_ANSWERS))
    with app.app_context():
        draft = db.session.scalars(select(Draft)).one()
        draft.expires_at -= app.config["DRAFT_TTL"] * 2
        db.session.commit()
    assert client.get("/screening").headers["Location"] == "/screening/safety"
    # Starting again deletes the expired answers.
    post_step(client, "safety", step_data("safety", BASE_ANSWERS))
    assert count(app, Draft) == 1


def test_start_page(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert 'href="/screening"' in html
    assert "How we use and keep your answers" in html
    assert 'href="/?lang=fr"' in html


@pytest.mark.sqlite_only
def test_pages_begin_deferred_and_forms_take_the_write_lock_first(
    app: Flask, client: FlaskClient
) -> None:
    """On SQLite a page's transaction only reads (a plain BEGIN), so rendering it never holds
    the write lock; a POST still begins IMMEDIATE, as every read-then-write must."""
    answer_all(client)
    begins: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("BEGIN"):
            begins.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        for url in ("/", "/screening", "/screening/pain", "/screening/check"):
            client.get(url)
            assert set(begins) == {"BEGIN"}, url  # at least one, each deferred
            begins.clear()
        assert send(client).headers["Location"] == "/screening/result"  # GET check, POST
        assert begins.count("BEGIN IMMEDIATE") == 1  # the final POST's; the reads are deferred
        assert set(begins) == {"BEGIN", "BEGIN IMMEDIATE"}
        begins.clear()
        assert client.get("/screening/result").status_code == 200
        assert set(begins) == {"BEGIN"}
    finally:
        event.remove(engine, "before_cursor_execute", record)
