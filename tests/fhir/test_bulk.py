"""The filtered queue as FHIR NDJSON: one valid ``QuestionnaireResponse`` a line, each the same
as the submission's own download, newest first, streamed and audited like the CSV exports."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.fhir.reading import answers_from_response
from app.screening.rules import evaluate
from tests.admin import events
from tests.builders import make_submission
from tests.conftest import sign_in
from tests.fhir import validated
from tests.fhir.test_response import COMPLETE


@pytest.fixture
def desk(app: Flask, front_desk) -> FlaskClient:
    client = app.test_client()
    sign_in(client, app, front_desk)
    return client


def download(client: FlaskClient, query: str = "") -> list[dict[str, Any]]:
    response = client.get(f"/staff/export/fhir{query}")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.mimetype == "application/fhir+ndjson"
    assert response.headers["Cache-Control"] == "no-store"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="ims-screen-export-')
    assert disposition.endswith('.ndjson"')
    body = response.get_data()
    assert body == b"" or body.endswith(b"\n")
    return [orjson.loads(line) for line in body.splitlines()]


def test_each_line_is_the_submissions_own_response_newest_first(
    app: Flask, desk: FlaskClient
) -> None:
    stop = make_submission(
        app,
        minutes_ago=30,
        outcome="emergency",
        reasons=["RF_BLADDER_BOWEL"],
        answers={q: "no" for q in COMPLETE if q.startswith("rf_")} | {"rf_bladder_bowel": "yes"},
        is_safety_stop=True,
        full_name=None,
        email=None,
        phone=None,
        contact_preference=None,
        consented_at=None,
        consent_version=None,
    )
    older = make_submission(app, minutes_ago=20, answers=COMPLETE, comments='Says "hi"\nand =1+1')
    newer = make_submission(app, minutes_ago=10, answers=COMPLETE, locale="fr_CA", email=None)
    lines = download(desk)
    assert [line["id"] for line in lines] == [newer.reference, older.reference, stop.reference]
    for line, made in zip(lines, (newer, older, stop), strict=True):
        validated(line)
        own = orjson.loads(desk.get(f"/staff/submissions/{made.reference}/fhir").data)
        assert line == own
        read = answers_from_response(line)
        assert (evaluate(read).outcome, list(evaluate(read).reasons)) == (
            made.outcome,
            made.reasons,
        )
    assert [line["status"] for line in lines] == ["completed", "completed", "stopped"]
    contact = {i["linkId"]: i["answer"] for i in lines[1]["item"][-1]["item"]}
    assert contact["comments"] == [{"valueString": 'Says "hi"\nand =1+1'}]  # JSON, not a sheet


def test_it_exports_the_filtered_queue_and_records_what_left(app: Flask, desk: FlaskClient) -> None:
    review = make_submission(app, outcome="clinician_review", reasons=["PR_DIABETES"])
    make_submission(app)
    lines = download(desk, "?outcome=clinician_review")
    assert [line["id"] for line in lines] == [review.reference]
    (started,) = events(app, "submission.export")
    assert started.detail == {"filters": {"outcome": "clinician_review"}, "fhir": True}
    (ended,) = events(app, "submission.export_sent")
    assert ended.detail == {
        "filters": {"outcome": "clinician_review"},
        "finished": True,
        "rows": 1,
        "newest": review.reference,
        "oldest": review.reference,
        "fhir": True,
    }


def test_an_empty_queue_is_an_empty_file(desk: FlaskClient) -> None:
    assert download(desk) == []


def test_the_queue_links_to_it_with_its_filter(app: Flask, desk: FlaskClient) -> None:
    page = desk.get("/staff/all?outcome=clinician_review").text
    assert 'href="/staff/export/fhir?outcome=clinician_review"' in page


def test_only_staff_who_see_patients_export(app: Flask, admin) -> None:
    client = app.test_client()
    sign_in(client, app, admin)
    assert client.get("/staff/export/fhir").status_code == 403
    assert events(app, "submission.export") == []
