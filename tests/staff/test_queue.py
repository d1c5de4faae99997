"""The queue's views (SPEC section 5): who is in each, in what order, their counts, filters,
keyset pages, and what each view records in the audit log."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select

from app.database import utcnow
from app.extensions import db
from app.models import AuditEvent
from app.staff.queries import QueueFilter, view_counts
from tests.builders import make_submission
from tests.conftest import sign_in

REFERENCE = re.compile(r'<tr data-reference="(IMS-[0-9A-Z]{4}-[0-9A-Z]{4})"')
DAY = 60 * 24
STOP = {"is_safety_stop": True, "full_name": None, "email": None, "phone": None}


def references(page_html: str) -> list[str]:
    """The references of the queue table's rows, in order."""
    return REFERENCE.findall(page_html)


def link(html: str, rel: str) -> str | None:
    match = re.search(rf'rel="{rel}" href="([^"]+)"', html)
    return match.group(1).replace("&amp;", "&") if match else None


@pytest.fixture
def desk(app: Flask, client: FlaskClient, front_desk) -> FlaskClient:
    sign_in(client, app, front_desk)
    return client


def test_to_do_is_most_urgent_first_then_longest_waiting(app: Flask, desk: FlaskClient) -> None:
    now = utcnow()
    made = {
        # Reviews waiting for a clinician, oldest first, whatever else they have.
        "review_old": make_submission(app, minutes_ago=5 * DAY, outcome="clinician_review"),
        "review_new": make_submission(app, minutes_ago=10, outcome="clinician_review"),
        # Follow-ups due, the longest overdue first.
        "follow_up_late": make_submission(
            app,
            minutes_ago=9 * DAY,
            status="contacted",
            attempts=1,
            follow_up_due=now - timedelta(days=2),
        ),
        "follow_up_due": make_submission(
            app, minutes_ago=DAY, attempts=1, follow_up_due=now - timedelta(minutes=5)
        ),
        # New enquiries past the response target (a week old), oldest first.
        "late_old": make_submission(app, minutes_ago=8 * DAY),
        "late_new": make_submission(app, minutes_ago=7 * DAY),
        # Then new enquiries within it, other open ones, and follow-ups not yet due.
        "fresh": make_submission(app, minutes_ago=5),
        "tried": make_submission(app, minutes_ago=20 * DAY, status="contacted", attempts=2),
        "follow_up_later": make_submission(
            app, minutes_ago=2 * DAY, attempts=1, follow_up_due=now + timedelta(days=3)
        ),
    }
    # Never in To do: safety stops (nobody to call) and closed ones.
    make_submission(app, minutes_ago=30 * DAY, outcome="emergency", **STOP)
    make_submission(app, minutes_ago=1, outcome="see_doctor", **STOP)
    make_submission(app, minutes_ago=30 * DAY, status="booked")
    make_submission(app, minutes_ago=40 * DAY, outcome="clinician_review", status="declined")
    html = desk.get("/staff/").text
    assert references(html) == [s.reference for s in made.values()]
    overdue = ("review_old", "follow_up_late", "follow_up_due", "late_old", "late_new")
    rows = re.findall(r'<tr data-reference="([^"]+)"[^>]*?( class="overdue")?>', html)
    assert {ref for ref, late in rows if late} == {made[name].reference for name in overdue}
    assert "Past the response target by" in html
    assert "Follow-up overdue since" in html
    assert 'aria-current="page">To do' in html


def test_a_safety_stop_is_never_a_work_item_whatever_its_status(
    app: Flask, desk: FlaskClient
) -> None:
    stops = [
        make_submission(app, outcome="emergency", status=status, **STOP)
        for status in ("new", "contacted", "closed")
    ]
    assert desk.get("/staff/").text.count("<tr data-reference") == 0
    shown = references(desk.get("/staff/safety-stops").text)
    assert shown == [s.reference for s in reversed(stops)], "newest first"


def test_follow_ups_soonest_due_first_overdue_marked(app: Flask, desk: FlaskClient) -> None:
    now = utcnow()
    later = make_submission(app, attempts=1, follow_up_due=now + timedelta(days=2))
    overdue = make_submission(app, attempts=1, follow_up_due=now - timedelta(hours=3))
    soon = make_submission(app, attempts=1, follow_up_due=now + timedelta(hours=1))
    make_submission(app)  # no follow-up date
    make_submission(app, status="booked", attempts=1)  # closed: nothing due
    html = desk.get("/staff/follow-ups").text
    assert references(html) == [overdue.reference, soon.reference, later.reference]
    assert html.count('class="overdue"') == 1
    assert "1 due of 3" in html


def test_safety_stop_counts_use_the_clinics_week_and_month(app: Flask) -> None:
    """Wednesday 2 December 2026, 10:00 in Ottawa: the week began on Monday 30 November at
    00:00 and the month on 1 December at 00:00, Ottawa time (05:00 UTC)."""
    now = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
    for at in (
        datetime(2026, 11, 30, 4, 30, tzinfo=UTC),  # Sunday 23:30 in Ottawa: last week
        datetime(2026, 11, 30, 5, 30, tzinfo=UTC),  # Monday 00:30: this week, November
        datetime(2026, 12, 1, 4, 50, tzinfo=UTC),  # 30 November 23:50 in Ottawa: November
        datetime(2026, 12, 1, 5, 10, tzinfo=UTC),  # 1 December 00:10: this month
    ):
        make_submission(app, created_at=at, outcome="emergency", **STOP)
    with app.test_request_context():
        counts = view_counts(db.session, QueueFilter(), me=1, now=now)
    assert (counts.stops_this_week, counts.stops_this_month) == (3, 1)


def test_the_safety_stops_view_says_what_they_are(app: Flask, desk: FlaskClient) -> None:
    make_submission(app, minutes_ago=1, outcome="emergency", **STOP)
    html = desk.get("/staff/safety-stops").text
    assert "1 this week" in html
    assert "1 this month" in html
    assert "nobody to call" in html
    assert "No contact details" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"recent", "review", "contacted", "old"}),
        ("outcome=clinician_review", {"review"}),
        ("status=contacted", {"contacted"}),
        ("outcome=suggest_consult&status=new", {"recent"}),
        ("from=2000-01-01&to=2000-01-31", set()),
        ("outcome=not-a-code", {"recent", "review", "contacted", "old"}),
    ],
)
def test_all_with_filters(app: Flask, desk: FlaskClient, query: str, expected: set[str]) -> None:
    made = {
        "recent": make_submission(app, minutes_ago=1),
        "review": make_submission(app, minutes_ago=2, outcome="clinician_review"),
        "contacted": make_submission(app, minutes_ago=3, status="contacted"),
        "old": make_submission(app, minutes_ago=40 * DAY, status="closed"),
    }
    html = desk.get(f"/staff/all?{query}").text
    assert set(references(html)) == {made[name].reference for name in expected}
    if not query:
        assert references(html) == [
            made[n].reference for n in ("recent", "review", "contacted", "old")
        ]


def test_assignee_filter_mine_and_nobody(
    app: Flask, desk: FlaskClient, front_desk, clinician
) -> None:
    mine = make_submission(app, assignee_id=front_desk.id)
    theirs = make_submission(app, assignee_id=clinician.id)
    nobodys = make_submission(app)
    for path in ("/staff/", "/staff/all"):
        assert references(desk.get(f"{path}?assignee=me").text) == [mine.reference]
        assert references(desk.get(f"{path}?assignee={clinician.id}").text) == [theirs.reference]
    assert references(desk.get("/staff/?assignee=none").text) == [nobodys.reference]
    # "Nobody" narrows the work items only: in All it would read most of the table.
    everyone = {mine.reference, theirs.reference, nobodys.reference}
    assert set(references(desk.get("/staff/all?assignee=none").text)) == everyone
    assert 'value="none"' not in desk.get("/staff/all").text
    html = desk.get("/staff/").text
    assert "Jordan Patient" in html
    assert html.count(front_desk.name) >= 1, "the assignee's name in the row"


def test_date_filter_uses_clinic_days(app: Flask, desk: FlaskClient) -> None:
    today = make_submission(app, minutes_ago=1)
    make_submission(app, minutes_ago=3 * DAY)
    # The clinic's day of the newer one (Ottawa is UTC-5 or UTC-4), whatever the hour of the run.
    clinic_zone = ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"])
    its_day = today.created_at.astimezone(clinic_zone).date()
    html = desk.get(f"/staff/all?from={its_day.isoformat()}").text
    assert references(html) == [today.reference]
    html = desk.get(f"/staff/all?to={(its_day - timedelta(days=1)).isoformat()}").text
    assert today.reference not in references(html)


def test_keyset_pages_are_stable_while_new_submissions_arrive(
    app: Flask, desk: FlaskClient
) -> None:
    app.config["STAFF_PAGE_SIZE"] = 3
    made = [make_submission(app, minutes_ago=10 + i) for i in range(8)]  # newest first
    expected = [s.reference for s in made]
    first = desk.get("/staff/all").text
    assert references(first) == expected[:3]
    for _ in range(4):  # new patients submit between page loads
        make_submission(app)
    second = desk.get(link(first, "next")).text
    assert references(second) == expected[3:6]
    third = desk.get(link(second, "next")).text
    assert references(third) == expected[6:]
    assert 'rel="next"' not in third
    assert references(desk.get(link(third, "prev")).text) == expected[3:6]


def test_to_do_pages_cross_from_one_kind_to_the_next_both_ways(
    app: Flask, desk: FlaskClient
) -> None:
    app.config["STAFF_PAGE_SIZE"] = 2
    now = utcnow()
    made = [
        make_submission(app, minutes_ago=5 * DAY - i, outcome="clinician_review") for i in range(3)
    ]
    made += [
        make_submission(app, attempts=1, follow_up_due=now - timedelta(hours=5 - i))
        for i in range(2)
    ]
    made += [make_submission(app, minutes_ago=9 * DAY - i) for i in range(2)]
    made += [make_submission(app, minutes_ago=3 - i) for i in range(2)]
    expected = [s.reference for s in made]
    pages, url, html = [], "/staff/", ""
    while url:
        html = desk.get(url).text
        pages.append(references(html))
        url = link(html, "next")
    assert pages == [expected[i : i + 2] for i in range(0, len(expected), 2)]
    back, url = [], link(html, "prev")
    while url:
        html = desk.get(url).text
        back.append(references(html))
        url = link(html, "prev")
    assert back == pages[-2::-1]


@pytest.mark.parametrize(
    "raw",
    [
        "9|2026-01-15T00:00:00+00:00|5",  # a run the view does not have
        "0|0001-01-01T00:00:00+14:00|5",  # a time out of range once in UTC
        "garbage",
    ],
)
def test_forged_cursors_show_the_first_page(app: Flask, desk: FlaskClient, raw: str) -> None:
    made = make_submission(app)
    cursor = base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
    for path in ("/staff/", "/staff/all", "/staff/follow-ups", "/staff/safety-stops"):
        for direction in ("after", "before"):
            response = desk.get(f"{path}?{direction}={cursor}")
            assert response.status_code == 200
            if path in ("/staff/", "/staff/all"):
                assert references(response.text) == [made.reference]


def test_back_to_the_queue_returns_to_the_same_view_filters_and_page(
    app: Flask, desk: FlaskClient
) -> None:
    app.config["STAFF_PAGE_SIZE"] = 1
    made = [make_submission(app, minutes_ago=i, status="contacted") for i in range(3)]
    first = desk.get("/staff/all?status=contacted").text
    second_url = link(first, "next")
    desk.get(second_url)
    page = desk.get(f"/staff/submissions/{made[1].reference}").text
    back = re.search(r'class="back-link" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert back == second_url


def test_no_patient_data_in_any_url(app: Flask, desk: FlaskClient) -> None:
    made = make_submission(
        app, full_name="Émilie Tremblay", email="emilie@example.org", phone="613-555-0199"
    )
    html = "".join(
        desk.get(path).text
        for path in (
            "/staff/",
            "/staff/all",
            "/staff/follow-ups",
            f"/staff/submissions/{made.reference}",
        )
    )
    urls = re.findall(r'(?:href|action)="([^"]*)"', html)
    assert urls
    # The submission page's tel: and mailto: links hold the phone and e-mail address to call
    # or write to: they open the phone or mail program and never reach a server.
    dialled = [url for url in urls if url.startswith(("tel:", "mailto:"))]
    assert dialled == ["tel:6135550199", "mailto:emilie@example.org"]
    for url in set(urls) - set(dialled):
        for secret in ("Tremblay", "emilie", "613-555", "tennis"):
            assert secret.lower() not in url.lower(), url


def test_queue_views_are_audited_with_the_ids_shown(
    app: Flask, desk: FlaskClient, front_desk
) -> None:
    made = make_submission(app)
    desk.get("/staff/all?status=new")
    desk.get("/staff/")
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "queue.view").order_by(AuditEvent.id)
        ).all()
    assert [e.detail for e in events] == [
        {"view": "all", "filters": {"status": "new"}, "submission_ids": [made.id]},
        {"view": "todo", "filters": {}, "submission_ids": [made.id]},
    ]
    assert events[0].staff_id == front_desk.id
    assert events[0].remote_addr == "127.0.0.1"


def test_counts_are_capped_and_pages_use_no_offset(app: Flask, desk: FlaskClient) -> None:
    app.config["STAFF_PAGE_SIZE"] = 2
    for i in range(3):
        make_submission(app, minutes_ago=i)
    statements: list[tuple[str, tuple]] = []
    with app.app_context():
        engine = db.engine

    def capture(_conn, _cursor, statement, parameters, *_args) -> None:
        statements.append((statement.lower(), tuple(parameters)))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        html = desk.get("/staff/").text
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert 'To do <span class="count">(3)</span>' in html
    counts = [(s, p) for s, p in statements if "count(" in s]
    assert counts, "the tabs show counts"
    # Each count reads at most COUNT_CAP rows: a count of a LIMITed subquery.
    assert all("limit" in s for s, _ in counts)
    # SQLite always renders "LIMIT ? OFFSET ?"; the offset must stay 0 (keyset, not OFFSET).
    assert all(p[-1] == 0 for s, p in statements if "offset" in s and "from submission" in s)


def test_a_count_at_the_cap_says_or_more(app: Flask, desk: FlaskClient, monkeypatch) -> None:
    import app.staff.queries as queries
    import app.staff.templating as templating

    monkeypatch.setattr(queries, "COUNT_CAP", 2)
    monkeypatch.setattr(templating, "COUNT_CAP", 2)
    for i in range(3):
        make_submission(app, minutes_ago=i)
    assert 'To do <span class="count">(2 or more)</span>' in desk.get("/staff/").text


def test_a_page_costs_the_same_few_queries_however_many_rows_it_shows(
    app: Flask, desk: FlaskClient, front_desk
) -> None:
    """Rows loaded for the page are shown as loaded, with the staff they name read once: no
    query per row on a 25-row page."""

    def queries_for(path: str) -> int:
        statements: list[str] = []

        def count(*args: object) -> None:
            statements.append(str(args[2]))

        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", count)
            try:
                assert desk.get(path).status_code == 200
            finally:
                event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    make_submission(
        app,
        assignee_id=front_desk.id,
        last_action="note:",
        last_action_by=front_desk.id,
        last_action_at=utcnow(),
    )
    with_one = {path: queries_for(path) for path in ("/staff/", "/staff/all")}
    for _ in range(9):
        make_submission(
            app,
            assignee_id=front_desk.id,
            last_action="note:",
            last_action_by=front_desk.id,
            last_action_at=utcnow(),
        )
    assert {path: queries_for(path) for path in with_one} == with_one
