"""Every view of the queue reads one index in its own order, on every page: no sort, no scan
of the whole table, for the page and for the counts on the tabs (SQLite's plans; the same
indexes serve PostgreSQL, measured by ``bench.scale``)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from app.database import utcnow
from app.extensions import db
from tests.builders import make_submission
from tests.conftest import sign_in
from tests.staff.test_queue import link


@pytest.fixture
def desk(app: Flask, client: FlaskClient, front_desk) -> FlaskClient:
    sign_in(client, app, front_desk)
    return client


def plans(app: Flask, desk: FlaskClient, url: str) -> list[tuple[str, str]]:
    """The statements against ``submission`` that loading ``url`` ran, with their plans."""
    seen: list[tuple[str, tuple]] = []

    def capture(_conn, _cursor, statement, parameters, *_args) -> None:
        text = statement.lower()
        if text.lstrip().startswith("select") and "from submission" in text:
            seen.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        assert desk.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    found = []
    with app.app_context(), db.engine.connect() as connection:
        for statement, parameters in seen:
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            found.append((statement, " | ".join(row[3] for row in rows)))
    return found


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    ("url", "index"),
    [
        ("/staff/", "ix_submission_work"),
        ("/staff/?assignee=me", "ix_submission_assignee_work"),
        ("/staff/follow-ups", "ix_submission_follow_up"),
        ("/staff/follow-ups?assignee=me", "ix_submission_assignee_follow_up"),
        ("/staff/safety-stops", "ix_submission_stops"),
        ("/staff/all", "ix_submission_newest"),
        ("/staff/all?from=2026-01-01&to=2026-02-01", "ix_submission_newest"),
        ("/staff/all?outcome=emergency", "ix_submission_outcome_newest"),
        ("/staff/all?outcome=emergency&from=2026-01-01", "ix_submission_outcome_newest"),
        ("/staff/all?status=booked", "ix_submission_status_newest"),
        ("/staff/all?status=booked&to=2026-02-01", "ix_submission_status_newest"),
        ("/staff/all?outcome=emergency&status=booked", "ix_submission_outcome_status_newest"),
        ("/staff/all?assignee=me", "ix_submission_assignee_newest"),
        ("/staff/all?assignee=me&outcome=emergency", "ix_submission_assignee_outcome_newest"),
        ("/staff/all?assignee=me&status=booked", "ix_submission_assignee_status_newest"),
        (
            "/staff/all?assignee=me&outcome=emergency&status=booked",
            "ix_submission_assignee_outcome_status_newest",
        ),
    ],
)
def test_every_view_and_filter_reads_one_index_in_its_order(
    app: Flask, desk: FlaskClient, front_desk, url: str, index: str
) -> None:
    app.config["STAFF_PAGE_SIZE"] = 1
    for outcome in ("clinician_review", "emergency", "suggest_consult"):
        for _ in range(2):
            make_submission(
                app,
                outcome=outcome,
                status="booked" if outcome == "emergency" else "new",
                is_safety_stop=outcome == "emergency",
                assignee_id=front_desk.id,
                follow_up_due=utcnow(),
            )
    first = desk.get(url).text
    # The next page when there is one (a cursor bounds the range), else the first again.
    for statement, plan in plans(app, desk, link(first, "next") or url):
        if "count(" in statement.lower():
            assert "USING" in plan, (statement, plan)
            assert "INDEX" in plan, (statement, plan)
            continue
        assert f"USING INDEX {index} (" in plan or f"USING COVERING INDEX {index} (" in plan, plan
        assert "TEMP B-TREE" not in plan, plan


@pytest.mark.sqlite_only
def test_counts_read_an_index_never_the_whole_table(app: Flask, desk: FlaskClient) -> None:
    make_submission(app)
    counted = [(s, p) for s, p in plans(app, desk, "/staff/") if "count(" in s.lower()]
    # The navigation's count of what arrived since the queue was last opened: on the index
    # of the newest, from that moment on.
    (_, new_plan), *views = sorted(counted, key=lambda pair: pair[0].lower().count("count("))
    assert "ix_submission_newest (created_at>?)" in new_plan, new_plan
    assert len(views) == 1, "the views' counts: one statement, one round trip"
    (statement, plan) = views[0]
    assert statement.lower().count("count(") == 6, "to do, follow-ups (all, due), stops, open"
    assert plan.count("USING COVERING INDEX") + plan.count("USING INDEX") >= 6, plan
    assert "SCAN submission |" not in plan + " |", "no count reads the whole table"
