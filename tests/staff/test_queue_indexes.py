"""The queue at any size: pages cross from pinned to unpinned submissions in both directions,
and every filter reads one index in the queue's order (no sort, no full scan)."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from app.extensions import db
from tests.builders import make_submission
from tests.conftest import sign_in
from tests.staff.test_queue import references


@pytest.fixture
def desk(app: Flask, client: FlaskClient, front_desk) -> FlaskClient:
    sign_in(client, app, front_desk)
    return client


def _link(html: str, rel: str) -> str | None:
    match = re.search(rf'rel="{rel}" href="([^"]+)"', html)
    return match.group(1).replace("&amp;", "&") if match else None


@pytest.mark.parametrize(
    ("query", "outcomes"),
    [
        ("", {"emergency", "see_doctor", "clinician_review"}),
        ("status=new", {"emergency", "see_doctor", "clinician_review"}),
        ("outcome=clinician_review", {"clinician_review"}),
    ],
)
def test_pages_cross_every_urgency_boundary_forwards_and_back(
    app: Flask, desk: FlaskClient, query: str, outcomes: set[str]
) -> None:
    app.config["STAFF_PAGE_SIZE"] = 3
    # Waiting ones older than the rest, and less urgent ones newer than more urgent ones: the
    # order is by urgency first whatever the date.
    made = []
    for rank, outcome, count in [
        (3, "emergency", 2),
        (2, "see_doctor", 2),
        (1, "clinician_review", 4),
    ]:
        made += [
            make_submission(app, minutes_ago=100 + 100 * rank + i, outcome=outcome, attention=rank)
            for i in range(count)
        ]
    made += [
        make_submission(app, minutes_ago=50 + 20 * i, outcome="clinician_review") for i in range(5)
    ]
    expected = [s.reference for s in made if s.outcome in outcomes]
    size = 3
    chunks = [expected[i : i + size] for i in range(0, len(expected), size)]

    pages, url = [], f"/staff/?{query}"
    while url:
        html = desk.get(url).text
        pages.append(references(html))
        url = _link(html, "next")
    assert pages == chunks

    back = []
    url = _link(html, "prev")
    while url:
        html = desk.get(url).text
        back.append(references(html))
        url = _link(html, "prev")
    assert back == chunks[-2::-1]


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    ("query", "index"),
    [
        ("", "ix_submission_queue"),
        ("from=2026-01-01&to=2026-02-01", "ix_submission_queue"),
        ("outcome=emergency", "ix_submission_outcome_queue"),
        ("outcome=emergency&from=2026-01-01", "ix_submission_outcome_queue"),
        ("status=booked", "ix_submission_status_queue"),
        ("status=booked&to=2026-02-01", "ix_submission_status_queue"),
        ("outcome=emergency&status=booked", "ix_submission_outcome_status_queue"),
    ],
)
def test_every_filter_reads_one_index_in_queue_order(
    app: Flask, desk: FlaskClient, query: str, index: str
) -> None:
    make_submission(app, outcome="clinician_review", attention=1)
    first = desk.get(f"/staff/?{query}").text
    cursor = _link(first, "next") or "/staff/?after=MXwyMDI2LTAxLTE1VDAwOjAwOjAwKzAwOjAwfDk5"
    with app.app_context():
        engine = db.engine
    seen: list[tuple[str, tuple]] = []

    def capture(_conn, _cursor, statement, parameters, *_args) -> None:
        if statement.lower().lstrip().startswith("select") and "order by" in statement.lower():
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        desk.get(f"{cursor}&{query}")
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    queue = [(s, p) for s, p in seen if "from submission" in s.lower()]
    assert queue
    with app.app_context(), db.engine.connect() as connection:
        for statement, parameters in queue:
            plan = " ".join(
                row[3]
                for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            )
            assert f"USING INDEX {index} (" in plan, plan
            assert "TEMP B-TREE" not in plan, plan
