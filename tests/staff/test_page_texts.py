"""What the submission page and the queue say, in English and French: errors tied to their
fields and announced in the title, messages in the app's own words, language names."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, StatusChange
from tests.builders import make_submission
from tests.conftest import make_staff, sign_in
from tests.forms import csrf_token, hidden_fields

NBSP = "\u00a0"  # French puts a no-break space before a colon
LANGS = ["en", "fr"]


def signed_in(app: Flask, role: str, lang: str) -> FlaskClient:
    """A browser of a staff member in ``role`` who chose ``lang`` before signing in."""
    client = app.test_client()
    client.get(f"/auth/login?lang={lang}")
    sign_in(client, app, make_staff(app, role))
    return client


def post(client: FlaskClient, url: str, page: str, **data: str):
    """Send the form of ``page`` that posts to ``url``, as rendered, with ``data`` filled in."""
    return client.post(url, data={**hidden_fields(client.get(page), url), **data})


def title(html: str) -> str:
    found = re.search(r"<title>(.*?) – ", html)
    assert found, "no title"
    return found[1]


def summary_targets(html: str) -> list[str]:
    """The ids the error summary links to; each must exist on the page."""
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.DOTALL)
    assert summary, "no error summary"
    targets = re.findall(r'href="#([^"]+)"', summary[0])
    for target in targets:
        assert f'id="{target}"' in html, f"the summary links to #{target}, which is not there"
    return targets


@pytest.mark.parametrize(
    ("lang", "message", "error"),
    [
        ("en", "Choose a decision.", "Error: "),
        ("fr", "Choisissez une décision.", f"Erreur{NBSP}: "),
    ],
)
def test_clearance_decision_error_is_tied_to_its_radios(
    app: Flask, lang: str, message: str, error: str
) -> None:
    client = signed_in(app, "clinician", lang)
    made = make_submission(app, outcome="clinician_review")
    url = f"/staff/submissions/{made.reference}"
    heading = ("Submission " if lang == "en" else "Demande ") + made.reference
    assert title(client.get(url).text) == heading

    response = post(client, f"{url}/clearance", url, reason="INR stable.")
    html = response.text
    assert response.status_code == 422
    assert title(html) == error + heading
    assert summary_targets(html) == ["decision-0"]
    group = re.search(
        r'<fieldset id="decision" aria-describedby="decision-error">.*?</fieldset>', html, re.DOTALL
    )
    assert group, "the decision's radios, described by their error"
    assert re.search(r'<p class="error-message" id="decision-error">.*?' + message, group[0])
    assert 'id="decision-0"' in group[0]
    assert 'id="decision-1"' in group[0]


def test_a_decision_not_offered_gets_one_message_in_the_apps_words(app: Flask) -> None:
    client = signed_in(app, "clinician", "en")
    made = make_submission(app, outcome="clinician_review")
    url = f"/staff/submissions/{made.reference}"
    html = post(client, f"{url}/clearance", url, decision="maybe", reason="x").text
    assert "Not a valid choice" not in html
    assert html.count("Choose a decision.") == 2  # the summary and beside the radios


@pytest.mark.parametrize(
    ("lang", "note_message", "reason_message"),
    [
        (
            "en",
            "Keep the note to 4000 characters or fewer.",
            "Keep the reason to 4000 characters or fewer.",
        ),
        ("fr", "Limitez la note à 4000 caractères.", "Limitez le motif à 4000 caractères."),
    ],
)
def test_overlong_note_and_reason_get_the_apps_own_messages(
    app: Flask, lang: str, note_message: str, reason_message: str
) -> None:
    client = signed_in(app, "clinician", lang)
    made = make_submission(app, outcome="clinician_review")
    url = f"/staff/submissions/{made.reference}"
    note = post(client, f"{url}/notes", url, body="x" * 4001)
    assert note.status_code == 422
    assert note_message in note.text
    assert title(note.text).startswith("Error: " if lang == "en" else f"Erreur{NBSP}: ")
    reason = post(client, f"{url}/clearance", url, decision="cleared", reason="x" * 4001)
    assert reason_message in reason.text
    for html in (note.text, reason.text):
        assert "Field cannot be longer" not in html


@pytest.mark.parametrize(
    ("lang", "english", "french"),
    [("en", "English", "French"), ("fr", "anglais", "français")],
)
def test_languages_are_named_in_the_page_language(
    app: Flask, lang: str, english: str, french: str
) -> None:
    client = signed_in(app, "front_desk", lang)
    label = "Language" if lang == "en" else "Langue"
    for locale, name in (("en", english), ("fr_CA", french)):
        made = make_submission(app, locale=locale, consent_locale=locale)
        html = client.get(f"/staff/submissions/{made.reference}").text
        assert f"<dt>{label}</dt><dd>{name}</dd>" in html
        consent = "in" if lang == "en" else f"langue{NBSP}:"
        assert f"{consent} {name}," in html


@pytest.mark.parametrize(
    ("lang", "message", "heading"),
    [
        ("en", "Enter a name, a phone number, an email address or a reference.", "Error: To do"),
        (
            "fr",
            "Entrez un nom, un numéro de téléphone, une adresse courriel ou une référence.",
            f"Erreur{NBSP}: À faire",
        ),
    ],
)
def test_find_with_an_empty_box_marks_the_field(
    app: Flask, lang: str, message: str, heading: str
) -> None:
    client = signed_in(app, "front_desk", lang)
    made = make_submission(app)
    token = csrf_token(client.get("/staff/"))
    response = client.post("/staff/find", data={"query": "  ", "csrf_token": token})
    html = response.text
    assert response.status_code == 422
    assert title(html) == heading
    assert summary_targets(html) == ["query"]
    assert '<p class="error-message" id="query-error">' in html
    assert message in html
    assert 'class="question has-error"' in html
    assert 'aria-describedby="query-hint query-error"' in html
    assert "No submission has that reference" not in html
    assert "Aucune demande ne porte cette référence" not in html
    assert made.reference in html, "the queue is still shown"
    with app.app_context():
        shown = db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "queue.view")
        )
    assert shown == 2, "the queue shown again with the error is audited too"


def test_find_with_an_overlong_search_says_so(app: Flask) -> None:
    client = signed_in(app, "front_desk", "en")
    token = csrf_token(client.get("/staff/"))
    response = client.post("/staff/find", data={"query": "X" * 101, "csrf_token": token})
    assert response.status_code == 422
    assert "Enter 100 characters or fewer." in response.text
    assert "Field cannot be longer" not in response.text


@pytest.mark.parametrize(
    ("lang", "message"), [("en", "The status is unchanged."), ("fr", "Le statut n’a pas changé.")]
)
def test_saving_the_same_status_says_it_is_unchanged(app: Flask, lang: str, message: str) -> None:
    client = signed_in(app, "front_desk", lang)
    made = make_submission(app, status="contacted")
    url = f"/staff/submissions/{made.reference}"
    response = post(client, f"{url}/status", url, status="contacted")
    assert response.headers["Location"] == f"{url}#change-status"  # back at the form
    assert message in client.get(url).text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StatusChange)) == 0
    post(client, f"{url}/status", url, status="booked")
    html = client.get(url).text
    assert message not in html
    assert ("Status updated." if lang == "en" else "Statut mis à jour.") in html
