"""A patient's "who looked at my record?": the audit log by submission reference, references
instead of internal ids, and one submission's access report to print or download."""

from __future__ import annotations

import csv
import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.models import Submission
from tests.admin import add_events, events
from tests.builders import make_submission
from tests.conftest import sign_in
from tests.staff.test_submission import post


@pytest.fixture
def handled(app: Flask, front_desk, clinician) -> tuple[Submission, Submission]:
    """Two submissions: the first viewed, changed and noted by the front desk and viewed by a
    clinician; the second viewed once."""
    first, second = make_submission(app), make_submission(app)
    desk, doctor = app.test_client(), app.test_client()
    sign_in(desk, app, front_desk)
    sign_in(doctor, app, clinician)
    url = f"/staff/submissions/{first.reference}"
    post(desk, f"{url}/status", url, status="contacted")
    post(desk, f"{url}/notes", url, body="Called, booked for Monday.")
    doctor.get(url)
    desk.get(f"/staff/submissions/{second.reference}")
    return first, second


@pytest.fixture
def admin_client(app: Flask, client: FlaskClient, admin) -> FlaskClient:
    sign_in(client, app, admin)
    return client


def rows(html: str) -> list[str]:
    """The body rows of the page's table, as text."""
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in body.split("</tr>")[:-1]]


def test_the_log_filters_by_reference_however_it_is_typed(
    app: Flask, admin_client: FlaskClient, handled: tuple[Submission, Submission]
) -> None:
    first, second = handled
    typed = first.reference.lower().replace("-", " ").removeprefix("ims ")
    page = admin_client.get("/admin/audit", query_string={"reference": typed}).text
    expected = [e for e in events(app) if e.submission_id == first.id]
    assert len(rows(page)) == len(expected) == 5  # 3 views, the status, the note
    assert all(first.reference in row for row in rows(page))
    assert second.reference not in page.split("<tbody>")[1]
    assert f'value="{first.reference}"' in page  # the filter, shown as read
    assert f'href="/admin/audit/submissions/{first.reference}"' in page
    # A reference nobody holds, or what is not one, shows nothing rather than everything.
    nothing = admin_client.get("/admin/audit?reference=IMS-ZZZZ-ZZZZ").text
    assert "No records match these filters." in nothing
    typo = admin_client.get("/admin/audit?reference=IMS-7KQ4").text
    assert "No records match these filters." in typo
    assert "Enter a reference such as IMS-7KQ4-M2XD." in typo
    assert 'value="IMS-7KQ4"' in typo  # as typed
    assert events(app, "audit.view")[-1].detail == {"filters": {}}  # what was typed: not kept


def test_the_log_shows_references_and_says_when_one_is_gone(
    app: Flask, admin_client: FlaskClient, handled: tuple[Submission, Submission]
) -> None:
    first, _second = handled
    page = admin_client.get("/admin/audit").text
    assert f">{first.reference}</a>" in page
    assert f"<td>{first.id}</td>" not in page
    add_events(app, {"action": "submission.view", "submission_id": first.id + 1000})
    page = admin_client.get("/admin/audit").text
    assert f"deleted (no. {first.id + 1000})" in page  # purged: its id, said so


def test_the_access_report_lists_exactly_that_submissions_records(
    app: Flask, admin_client: FlaskClient, handled: tuple[Submission, Submission]
) -> None:
    first, _second = handled
    url = f"/admin/audit/submissions/{first.reference}"
    page = admin_client.get(url).text
    trail = [e for e in events(app) if e.submission_id == first.id and e.action != "audit.report"]
    shown = [
        re.fullmatch(r"Clinic time: .+ Who: (.+) Action: (.+) Address:.*", row)
        for row in rows(page)
    ]
    assert [(m[1], m[2]) for m in shown if m] == [
        ("Sam Staff", "Submission viewed"),
        ("Sam Staff", "Submission status changed"),
        ("Sam Staff", "Submission viewed"),
        ("Sam Staff", "Note added"),
        ("Dr Casey Clinician", "Submission viewed"),
    ]
    assert len(trail) == 5
    assert "Called, booked" not in page  # the note's words are not the report's business
    assert "by Ada Admin" in page
    # Making it is recorded against the submission, so the next report lists it.
    assert [e.action for e in events(app, "audit.report")] == ["audit.report"]
    assert "Access report viewed" in admin_client.get(url).text


def test_the_access_report_downloads_as_csv(
    app: Flask, admin_client: FlaskClient, handled: tuple[Submission, Submission]
) -> None:
    first, _second = handled
    response = admin_client.get(f"/admin/audit/submissions/{first.reference}/csv")
    assert response.mimetype == "text/csv"
    assert (
        f'filename="ims-screen-access-{first.reference}-' in response.headers["Content-Disposition"]
    )
    text = response.get_data(as_text=True).removeprefix("\ufeff")
    header, *lines = list(csv.reader(io.StringIO(text)))
    assert header == ["at_utc", "clinic_time", "who", "action", "action_code", "remote_addr"]
    trail = [
        e for e in events(app) if e.submission_id == first.id and not e.action.startswith("audit.")
    ]
    assert [line[4] for line in lines] == [e.action for e in trail]
    assert {line[2] for line in lines} == {"Sam Staff", "Dr Casey Clinician"}
    assert [e.submission_id for e in events(app, "audit.report_export")] == [first.id]


def test_only_admins_see_access_reports_and_unknown_references_are_404(
    app: Flask, admin_client: FlaskClient, front_desk, handled: tuple[Submission, Submission]
) -> None:
    first, _second = handled
    assert admin_client.get("/admin/audit/submissions/IMS-ZZZZ-ZZZZ").status_code == 404
    # A URL holds a reference in its one form, as the staff pages' do.
    for odd in (first.reference.lower(), "%00", first.reference.replace("-", " ")):
        assert admin_client.get(f"/admin/audit/submissions/{odd}").status_code == 404
    desk = app.test_client()
    sign_in(desk, app, front_desk)
    assert desk.get(f"/admin/audit/submissions/{first.reference}").status_code == 403
