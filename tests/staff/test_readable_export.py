"""The export for people: words in the staff member's language, the clinic's local times,
clearance, assignee, last action and attempts; streamed, neutralised and audited like the
coded export, which stays as it was."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.admin import events
from tests.builders import ANSWERS, make_submission
from tests.conftest import sign_in
from tests.staff.test_submission import post

RECEIVED = datetime(2026, 1, 15, 14, 30, tzinfo=UTC)  # 09:30 in Ottawa (EST)


def download(client: FlaskClient, lang: str = "en") -> list[dict[str, str]]:
    client.get(f"/staff/?lang={lang}")
    response = client.get("/staff/export/readable")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.mimetype == "text/csv"
    assert 'filename="ims-screen-export-readable-' in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


@pytest.fixture
def desk(app: Flask, front_desk) -> FlaskClient:
    client = app.test_client()
    sign_in(client, app, front_desk)
    return client


def test_every_row_reads_in_words_with_local_times(
    app: Flask, desk: FlaskClient, clinician
) -> None:
    review = make_submission(
        app,
        outcome="clinician_review",
        reasons=["PR_DIABETES", "IND_TENNIS_ELBOW"],
        answers={**ANSWERS, "diabetes": "yes"},
        created_at=RECEIVED,
        full_name="=HYPERLINK(1)",
    )
    decided = make_submission(app, outcome="clinician_review", reasons=["PR_EPILEPSY"])
    doctor = app.test_client()
    sign_in(doctor, app, clinician)
    url = f"/staff/submissions/{decided.reference}"
    post(doctor, f"{url}/clearance", url, decision="not_cleared", reason="Seizures.")
    url = f"/staff/submissions/{review.reference}"
    post(desk, f"{url}/assignee", url)
    post(desk, f"{url}/attempts", url, channel="phone", result="no_answer")

    rows = {row["Reference"]: row for row in download(desk)}
    row = rows[review.reference]
    assert row["Received"] == "2026-01-15 09:30"
    assert row["Outcome"] == "Clinician review"
    assert row["Status"] == "New"
    assert row["Clearance"] == "Waiting for a clinician's decision"
    assert row["Assigned to"] == "Sam Staff"
    assert row["Contact attempts"] == "1"
    assert row["Last action"] == "Phone: No answer"
    assert row["Last action by"] == "Sam Staff"
    assert row["Name"] == "'=HYPERLINK(1)"  # neutralised, as in the coded export
    assert row["Do you have diabetes?"] == "Yes"
    assert row["Where do you have pain?"] == "Elbow or forearm"
    assert "Diabetes: impaired healing" in row["Why this outcome"]
    assert rows[decided.reference]["Clearance"] == "Not cleared"
    assert [e.detail["readable"] for e in events(app, "submission.export_sent")] == [True]
    assert events(app, "submission.export")[0].detail == {"filters": {}, "readable": True}


def test_the_export_speaks_the_staff_members_language(app: Flask, desk: FlaskClient) -> None:
    made = make_submission(app, created_at=RECEIVED)
    [row] = download(desk, "fr")
    assert row["Référence"] == made.reference
    assert row["Résultat"] == "Consultation suggérée"
    assert row["Statut"] == "Nouvelle"
    assert row["Reçue"] == "2026-01-15 09:30"
    assert "6 sur 10" in row.values()


def test_the_queue_offers_both_exports(app: Flask, desk: FlaskClient) -> None:
    page = desk.get("/staff/all?outcome=clinician_review").text
    assert 'href="/staff/export/readable?outcome=clinician_review"' in page
    assert 'href="/staff/export?outcome=clinician_review"' in page


@pytest.mark.parametrize("lang", ["en", "fr_CA"])
def test_no_word_of_ours_starts_a_formula(app: Flask, lang: str) -> None:
    """The export neutralises only what a person typed: every label it writes, in both
    languages, must never begin a spreadsheet formula."""
    from flask_babel import force_locale

    from app.csvsafe import FORMULA_STARTS
    from app.staff.readable_export import HEADINGS, _Words

    with app.test_request_context(), force_locale(lang):
        words = _Words({})
        ours = [
            *map(str, HEADINGS),
            words.yes,
            words.no,
            *words.languages.values(),
            *words.outcomes.values(),
            *words.statuses.values(),
            *words.clearance.values(),
            *words.channels.values(),
            *words.reasons.values(),
            *(label for labels in words.labels for label in labels.values()),
            *(
                words.action(code)
                for code in ("note", "assign", "status:new", "attempt:phone/no_answer")
            ),
        ]
    assert len(ours) > 150
    assert [word for word in ours if word[:1] in FORMULA_STARTS] == []


@pytest.mark.parametrize(
    ("zone", "utc", "local"),
    [
        ("America/Toronto", "2026-01-15T14:30:00+00:00", "2026-01-15 09:30"),  # EST
        ("America/Toronto", "2026-03-08T06:59:00+00:00", "2026-03-08 01:59"),  # before the
        ("America/Toronto", "2026-03-08T07:01:00+00:00", "2026-03-08 03:01"),  # clocks go on
        ("America/Toronto", "2026-11-01T05:30:00+00:00", "2026-11-01 01:30"),  # EDT, then
        ("America/Toronto", "2026-11-01T06:30:00+00:00", "2026-11-01 01:30"),  # EST again
        ("America/Toronto", "2026-01-01T03:15:00+00:00", "2025-12-31 22:15"),  # the day before
        ("America/St_Johns", "2026-01-15T14:30:00+00:00", "2026-01-15 11:00"),  # UTC-3:30
        ("America/St_Johns", "2026-01-15T14:45:00+00:00", "2026-01-15 11:15"),
    ],
)
def test_times_read_in_the_clinics_zone(app: Flask, zone: str, utc: str, local: str) -> None:
    from zoneinfo import ZoneInfo

    from app.staff.readable_export import _Words

    with app.test_request_context():
        words = _Words({})
        words.zone = ZoneInfo(zone)
        assert words.moment(utc) == local
        assert words.moment(utc) == local  # the second time, from what the first kept
        assert words.moment(None) == words.moment("") == ""


def test_answers_no_choice_has_are_shown_as_stored_and_neutralised(
    app: Flask, desk: FlaskClient
) -> None:
    """A multi-select's choices joined; a stored value the questionnaire does not offer (an
    older version's, or damaged) as it is, never as a formula, quoted as CSV quotes it."""
    make_submission(
        app,
        answers={
            **ANSWERS,
            "pain_areas": ["elbow_forearm", "lower_back", "old_code"],
            "diabetes": "=1+1",
            "epilepsy": 'said "no", twice',
            "age_band": 42,
        },
        reasons=["PR_DIABETES", "NOT_A_RULE"],
        comments="first line\r\nsecond, line",
    )
    [row] = download(desk)
    assert row["Where do you have pain?"] == "Elbow or forearm; Lower back; old_code"
    assert row["Do you have diabetes?"] == "'=1+1"
    assert row["Do you have epilepsy or seizures?"] == 'said "no", twice'
    assert row["How old are you?"] == "42"
    assert row["Comments"] == "first line\r\nsecond, line"
    assert row["Why this outcome"].endswith("; NOT_A_RULE")
    assert None not in row  # every row has exactly the headings' columns
