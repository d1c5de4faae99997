"""The review queue: pinned order, filters, keyset pagination, find by reference, no PII in URLs."""

from __future__ import annotations

import base64
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select

from app.extensions import db
from app.models import AuditEvent, Submission
from tests.builders import make_submission
from tests.conftest import sign_in
from tests.forms import csrf_token

REFERENCE = re.compile(r"IMS-[0-9A-Z]{4}-[0-9A-Z]{4}")


def references(page_html: str) -> list[str]:
    """The references listed in the queue table, in order."""
    table = page_html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    seen: list[str] = []
    for ref in REFERENCE.findall(table):
        if ref not in seen:
            seen.append(ref)
    return seen


@pytest.fixture
def desk(app: Flask, client: FlaskClient, front_desk) -> FlaskClient:
    sign_in(client, app, front_desk)
    return client


def test_waiting_ones_first_most_urgent_first_then_newest(app: Flask, desk: FlaskClient) -> None:
    old = make_submission(app, minutes_ago=300)
    new = make_submission(app, minutes_ago=5)
    stop = {"is_safety_stop": True, "full_name": None, "email": None, "phone": None}
    emergency = make_submission(app, minutes_ago=400, outcome="emergency", attention=3, **stop)
    doctor = make_submission(app, minutes_ago=250, outcome="see_doctor", attention=2, **stop)
    review = make_submission(app, minutes_ago=200, outcome="clinician_review", attention=1)
    html = desk.get("/staff/").text
    pinned = [emergency.reference, doctor.reference, review.reference]
    assert references(html) == [*pinned, new.reference, old.reference]
    assert html.count("Needs attention") == 3
    assert "Safety stop: no contact details" in html
    assert "5 minutes" in html, "how long each has waited"
    rows = re.findall(r'<tr data-reference="([^"]+)" data-outcome="([^"]+)"', html)
    assert rows[:3] == [
        (emergency.reference, "emergency"),
        (doctor.reference, "see_doctor"),
        (review.reference, "clinician_review"),
    ], "every queue row names its submission and outcome (SPEC section 6)"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("outcome=clinician_review", {"review"}),
        ("status=contacted", {"contacted"}),
        ("outcome=suggest_consult&status=new", {"recent"}),
        ("from=2000-01-01&to=2000-01-31", set()),
        ("outcome=not-a-code", {"recent", "review", "contacted", "old"}),
    ],
)
def test_filters(app: Flask, desk: FlaskClient, query: str, expected: set[str]) -> None:
    made = {
        "recent": make_submission(app, minutes_ago=1),
        "review": make_submission(app, minutes_ago=2, outcome="clinician_review"),
        "contacted": make_submission(app, minutes_ago=3, status="contacted"),
        "old": make_submission(app, minutes_ago=60 * 24 * 40, status="closed"),
    }
    html = desk.get(f"/staff/?{query}").text
    shown = set(references(html)) if "<tbody>" in html else set()
    assert shown == {made[name].reference for name in expected}


def test_date_filter_uses_clinic_days(app: Flask, desk: FlaskClient) -> None:
    today = make_submission(app, minutes_ago=1)
    make_submission(app, minutes_ago=60 * 24 * 3)
    # The clinic's day of the newer one (Ottawa is UTC-5 or UTC-4), whatever the hour of the run.
    clinic_zone = ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"])
    its_day = today.created_at.astimezone(clinic_zone).date()
    html = desk.get(f"/staff/?from={its_day.isoformat()}").text
    assert references(html) == [today.reference]
    html = desk.get(f"/staff/?to={(its_day - timedelta(days=1)).isoformat()}").text
    assert today.reference not in references(html)


def test_keyset_pages_are_stable_while_new_submissions_arrive(
    app: Flask, desk: FlaskClient
) -> None:
    app.config["STAFF_PAGE_SIZE"] = 3
    made = [make_submission(app, minutes_ago=10 + i) for i in range(8)]  # newest first
    expected = [s.reference for s in made]
    first = desk.get("/staff/").text
    assert references(first) == expected[:3]
    for _ in range(4):  # new patients submit between page loads
        make_submission(app)
    next_url = re.search(r'rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    second = desk.get(next_url).text
    assert references(second) == expected[3:6]
    third_url = re.search(r'rel="next" href="([^"]+)"', second).group(1).replace("&amp;", "&")
    third = desk.get(third_url).text
    assert references(third) == expected[6:]
    assert 'rel="next"' not in third
    back_url = re.search(r'rel="prev" href="([^"]+)"', third).group(1).replace("&amp;", "&")
    assert references(desk.get(back_url).text) == expected[3:6]


def test_bad_cursor_shows_the_first_page(app: Flask, desk: FlaskClient) -> None:
    made = make_submission(app)
    for cursor in ("garbage", "%%%", "MXx4fDE"):
        assert references(desk.get(f"/staff/?after={cursor}").text) == [made.reference]


def test_find_by_reference_uses_post(app: Flask, desk: FlaskClient) -> None:
    made = make_submission(app)
    token = csrf_token(desk.get("/staff/"))
    found = desk.post(
        "/staff/find", data={"reference": made.reference.lower(), "csrf_token": token}
    )
    assert found.headers["Location"] == f"/staff/submissions/{made.reference}"
    missing = desk.post("/staff/find", data={"reference": "IMS-ZZZZ-ZZZZ", "csrf_token": token})
    assert missing.headers["Location"] == "/staff/"
    assert "No submission has that reference" in desk.get("/staff/").text


def test_no_patient_data_in_any_url(app: Flask, desk: FlaskClient) -> None:
    made = make_submission(app, full_name="Émilie Tremblay", email="emilie@example.org")
    html = desk.get("/staff/").text + desk.get(f"/staff/submissions/{made.reference}").text
    urls = re.findall(r'(?:href|action)="([^"]*)"', html)
    assert urls
    for url in urls:
        for secret in ("Tremblay", "emilie", "613-555", "tennis"):
            assert secret.lower() not in url.lower(), url


def test_queue_views_are_audited_with_the_ids_shown(
    app: Flask, desk: FlaskClient, front_desk
) -> None:
    made = make_submission(app)
    desk.get("/staff/?status=new")
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "queue.view")
        ).one()
    assert event.staff_id == front_desk.id
    assert event.detail == {"filters": {"status": "new"}, "submission_ids": [made.id]}
    assert event.remote_addr == "127.0.0.1"


def test_no_count_query_per_page(app: Flask, desk: FlaskClient) -> None:
    from sqlalchemy import event

    make_submission(app)
    statements: list[tuple[str, tuple]] = []
    with app.app_context():
        engine = db.engine

    def capture(_conn, _cursor, statement, parameters, *_args) -> None:
        statements.append((statement.lower(), tuple(parameters)))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        desk.get("/staff/")
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    queue_queries = [(s, p) for s, p in statements if "from submission" in s]
    assert queue_queries
    assert not any("count(" in s for s, _ in queue_queries)
    # SQLite always renders "LIMIT ? OFFSET ?"; the offset must stay 0 (keyset, not OFFSET).
    assert all(p[-1] == 0 for s, p in queue_queries if "offset" in s)
    assert Submission.__tablename__ == "submission"


@pytest.mark.parametrize(
    "query", ["to=9999-12-31", "from=0001-01-01", "from=2026-02-30", "to=abc", "outcome=%00"]
)
def test_odd_filters_are_ignored(app: Flask, desk: FlaskClient, query: str) -> None:
    made = make_submission(app)
    for url in (f"/staff/?{query}", f"/staff/export?{query}"):
        response = desk.get(url)
        assert response.status_code == 200, url
        assert made.reference in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "raw",
    [
        "7|2026-01-15T00:00:00+00:00|5",  # a rank the queue does not have
        "1|0001-01-01T00:00:00+14:00|5",  # a time out of range once in UTC
        "1|9999-12-31T23:59:59-14:00|5",
    ],
)
def test_forged_cursors_show_the_first_page(app: Flask, desk: FlaskClient, raw: str) -> None:
    made = make_submission(app)
    cursor = base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
    for direction in ("after", "before"):
        response = desk.get(f"/staff/?{direction}={cursor}")
        assert response.status_code == 200
        assert references(response.text) == [made.reference]


def test_a_page_costs_the_same_few_queries_however_many_rows_it_shows(
    app: Flask, desk: FlaskClient
) -> None:
    """Rows loaded for the page are shown as loaded: the audit commit before rendering must
    not make each row load itself again (one query per row on a 25-row page)."""

    def queries_for_queue_page() -> int:
        statements: list[str] = []

        def count(*args: object) -> None:
            statements.append(str(args[2]))

        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", count)
            try:
                assert desk.get("/staff/").status_code == 200
            finally:
                event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    make_submission(app)
    with_one = queries_for_queue_page()
    for _ in range(9):
        make_submission(app)
    assert queries_for_queue_page() == with_one
