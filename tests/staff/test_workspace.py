"""The submission page as a workspace: a summary first, the actions beside it (after it on a
phone), the answers that fired a rule flagged, each action coming back to its own section."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.staff.presenters import phone_uri
from tests.builders import ANSWERS, make_submission
from tests.conftest import sign_in
from tests.staff.test_submission import post

REVIEW_ANSWERS = {"diabetes": "yes", "diagnoses": ["tennis_elbow"]}


def section(html: str, name: str) -> str:
    """The HTML of the section whose id, or heading's id, is ``name``."""
    found = re.search(
        rf'<section[^>]*\b(?:id|aria-labelledby)="{name}"[^>]*>(.*?)</section>', html, re.S
    )
    assert found, name
    return found[1]


def text(html: str) -> str:
    """What a reader sees of ``html``: its words, one space apart, none before punctuation."""
    words = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    return re.sub(r" ([,.:;])", r"\1", words)


@pytest.fixture
def review(app: Flask) -> str:
    """The page of a clinician review (diabetes, a precaution; tennis elbow, an indication)."""
    made = make_submission(
        app,
        outcome="clinician_review",
        reasons=["PR_DIABETES", "IND_TENNIS_ELBOW"],
        answers={**ANSWERS, **REVIEW_ANSWERS},
        phone="+1 613 555 0142",
        email="alex@example.org",
    )
    return f"/staff/submissions/{made.reference}"


def signed_in(app: Flask, user) -> FlaskClient:
    client = app.test_client()
    sign_in(client, app, user)
    return client


def test_the_summary_says_what_the_front_desk_needs_first(
    app: Flask, front_desk, review: str
) -> None:
    html = signed_in(app, front_desk).get(review).text
    summary = text(section(html, "summary"))
    for fact in ("Clinician review", "Status New", "Received", "Respond within", "Nobody"):
        assert fact in summary
    assert "Clearance Waiting for a clinician's decision" in summary
    assert 'href="tel:+16135550142"' in html
    assert 'href="mailto:alex@example.org"' in html
    # The summary comes before the actions, and both before the answers (phones show the
    # page in this order; wide screens put the actions beside the summary).
    assert html.index('id="summary"') < html.index('class="actions') < html.index("answers-title")


def test_the_decision_shows_in_the_summary_and_a_new_one_is_asked_for_explicitly(
    app: Flask, front_desk, clinician, review: str
) -> None:
    doctor = signed_in(app, clinician)
    assert "<details" not in section(doctor.get(review).text, "clearance")
    response = post(doctor, f"{review}/clearance", review, decision="cleared", reason="Mild.")
    assert response.headers["Location"] == f"{review}#clearance"
    html = doctor.get(review).text
    clearance = section(html, "clearance")
    assert "Decision recorded." in clearance  # the confirmation, in the action's own section
    assert "Decision in force: Cleared for booking, by Dr Casey Clinician" in text(clearance)
    assert "<summary>Record a new decision</summary>" in clearance
    assert "<details open" not in clearance
    post(doctor, f"{review}/clearance", review, decision="not_cleared", reason="Seen again.")
    desk_view = text(section(signed_in(app, front_desk).get(review).text, "summary"))
    assert "Clearance Not cleared, by Dr Casey Clinician" in desk_view


def test_a_new_decision_with_an_error_opens_its_form(app: Flask, clinician, review: str) -> None:
    doctor = signed_in(app, clinician)
    post(doctor, f"{review}/clearance", review, decision="cleared", reason="Mild.")
    response = post(doctor, f"{review}/clearance", review, decision="not_cleared", reason="")
    assert response.status_code == 422
    assert "<details open" in section(response.text, "clearance")


@pytest.mark.parametrize(
    ("action", "data", "message"),
    [
        ("notes", {"body": "Called back."}, "Note added."),
        ("status", {"status": "contacted"}, "Status updated."),
        ("attempts", {"channel": "phone", "result": "no_answer"}, "Contact attempt recorded."),
        ("assignee", {}, "Assigned to you."),
    ],
)
def test_each_action_comes_back_to_its_section_with_its_confirmation(
    app: Flask, front_desk, review: str, action: str, data: dict, message: str
) -> None:
    desk = signed_in(app, front_desk)
    response = post(desk, f"{review}/{action}", review, **data)
    anchor = response.headers["Location"].partition("#")[2]
    html = desk.get(review).text
    assert message in section(html, anchor)
    assert html.count(message) == 1  # not also at the top of the page


def test_the_answers_that_fired_a_rule_come_first_flagged(
    app: Flask, front_desk, review: str
) -> None:
    html = signed_in(app, front_desk).get(review).text
    answers = section(html, "answers-title")
    flagged, _, by_step = answers.partition("</dl>")
    assert "Answers that fired a rule" in flagged
    # Flagged in words, not by colour alone; each answer shown once.
    assert text(flagged).count("Flagged") == 2
    assert "diabetes" in text(flagged).lower()
    assert "diabetes" not in text(by_step).lower()
    assert "Flagged" not in by_step


@pytest.mark.parametrize(
    ("typed", "uri"),
    [
        ("613-555-0199", "tel:6135550199"),
        ("+1 (613) 555-0199", "tel:+16135550199"),
        ("", None),
        (None, None),
    ],
)
def test_phone_links_dial_the_digits_typed(typed: str | None, uri: str | None) -> None:
    assert phone_uri(typed) == uri
