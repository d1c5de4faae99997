"""The submission's copy for the patient's chart: the print view and the one-page PDF, each
audited, with the clinic's name, when and by whom, a confidentiality line, and no forms."""

from __future__ import annotations

import io
import unicodedata
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from app.models import Submission
from app.screening.catalogue import Kind
from app.screening.codes import StepId
from app.screening.questions import STEPS_BY_ID
from app.screening.rules import evaluate
from tests.admin import events
from tests.builders import make_submission
from tests.conftest import sign_in

# The heaviest record a clinic can receive short of a safety stop: every precaution and every
# indication, the longest comments, a long name.
HEAVIEST: dict[str, Any] = {
    **{q: "no" for q in ("rf_saddle_numbness", "rf_bladder_bowel", "rf_chest_breathing")},
    **{q: "no" for q in ("rf_stroke_signs", "rf_fever_unwell", "rf_recent_trauma")},
    **{q: "no" for q in ("rf_hot_swollen", "rf_progressive_weakness")},
    **{q: "yes" for q in ("rf_cancer_history", "rf_weight_loss", "rf_night_pain")},
    "pain_areas": ["neck", "upper_back", "lower_back", "shoulder", "elbow_forearm", "heel_foot"],
    "pain_duration": "over_12_months",
    "pain_intensity": 9,
    "diagnoses": ["tennis_elbow", "plantar_fasciitis", "tension_headache", "nerve_pain"],
    "nerve_symptoms": ["burning", "electric_shooting", "pins_and_needles", "numbness"],
    "manual_therapy": "no_lasting_relief",
    "active_therapy": "made_worse",
    "needle_attitude": "nervous",
    # Every yes/no question of the health step: each a precaution.
    **{q.id: "yes" for q in STEPS_BY_ID[StepId.HEALTH].questions if q.kind is Kind.YES_NO},
    "pregnant": "not_sure",
    "age_band": "under_18",
}


def heaviest(app: Flask) -> Submission:
    decision = evaluate(HEAVIEST)
    return make_submission(
        app,
        outcome=decision.outcome,
        reasons=list(decision.reasons),
        answers=HEAVIEST,
        full_name="Marie-Ève Bouchard-Lévesque de la Fontaine",
        email="marie-eve.bouchard-levesque@example.org",
        comments="Je me réveille souvent à cause de la douleur. " * 22,  # about 1,000 characters
        locale="fr_CA",
    )


def pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def pdf_text(pdf: bytes) -> str:
    """The PDF's words, its font's ligatures ("ﬁ") undone."""
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return unicodedata.normalize("NFKC", text)


@pytest.fixture
def desk(app: Flask, client: FlaskClient, front_desk) -> FlaskClient:
    sign_in(client, app, front_desk)
    return client


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_pdf_is_one_page_even_for_the_heaviest_record(
    app: Flask, desk: FlaskClient, lang: str
) -> None:
    made = heaviest(app)
    desk.get(f"/staff/?lang={lang}")
    response = desk.get(f"/staff/submissions/{made.reference}/pdf")
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="ims-screen-{made.reference}.pdf"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    assert pages(response.data) == 1
    text = pdf_text(response.data)
    for shown in ("Test Physio Clinic", made.reference, "Sam Staff", "Marie-Ève"):
        assert shown in text
    assert ("Confidential" if lang == "en" else "Confidentiel") in text
    # The foot of the page: the reference, a confidentiality line, the page number.
    footer = "Confidential health information" if lang == "en" else "Renseignements de santé"
    assert f"{made.reference} · {footer}" in text
    assert "1 / 1" in text
    assert [(e.action, e.submission_id) for e in events(app, "submission.pdf")] == [
        ("submission.pdf", made.id)
    ]


def test_the_print_view_has_no_forms_or_navigation_and_is_audited(
    app: Flask, desk: FlaskClient
) -> None:
    made = make_submission(app, comments="Evenings <b>")
    html = desk.get(f"/staff/submissions/{made.reference}/print").text
    assert "<form" not in html
    assert "<nav" not in html
    assert 'role="status"' not in html  # no flashes
    assert "Test Physio Clinic" in html
    assert "Printed " in html
    assert " by Sam Staff." in html
    assert "Confidential: personal health information." in html
    assert "Evenings &lt;b&gt;" in html
    assert [e.submission_id for e in events(app, "submission.print")] == [made.id]
    page = desk.get(f"/staff/submissions/{made.reference}").text
    assert f'href="/staff/submissions/{made.reference}/print"' in page
    assert f'href="/staff/submissions/{made.reference}/pdf"' in page


def test_only_staff_who_see_patients_get_copies(app: Flask, admin) -> None:
    made = make_submission(app)
    client = app.test_client()
    sign_in(client, app, admin)
    for copy in ("print", "pdf"):
        assert client.get(f"/staff/submissions/{made.reference}/{copy}").status_code == 403
