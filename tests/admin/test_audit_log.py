"""The audit log page: what each row shows, the filters, and keyset pagination."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.admin import add_events, events
from tests.conftest import sign_in

JAN_15_0430 = datetime(2026, 1, 15, 4, 30, tzinfo=UTC)  # 23:30 on Jan 14 in Toronto


def row_ids(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'<tr id="event-(\d+)">', page)]


def link(page: str, rel: str) -> str | None:
    found = re.search(rf'rel="{rel}" href="([^"]+)"', page)
    return html.unescape(found.group(1)) if found else None


@pytest.fixture
def admin_client(app: Flask, client: FlaskClient, admin) -> FlaskClient:
    sign_in(client, app, admin)
    return client


@pytest.fixture
def sample(app: Flask, admin) -> dict[str, int]:
    """A patient's submission, a staff view of it and a system job, on three clinic days."""
    patient, view, job = add_events(
        app,
        {
            "actor_type": "patient",
            "action": "submission.create",
            "submission_id": 42,
            "at": JAN_15_0430,
        },
        {
            "actor_type": "staff",
            "staff_id": admin.id,
            "action": "submission.view",
            "submission_id": 42,
            "remote_addr": "198.51.100.4",
            "at": JAN_15_0430 + timedelta(hours=5),
            "detail": {"note_id": 3, "b": [1, 2]},
        },
        {
            "action": "demo_data.create",
            "detail": {"count": 5},
            "at": JAN_15_0430 + timedelta(hours=32),
        },
    )
    return {"patient": patient, "view": view, "job": job}


def test_rows_show_who_what_when_and_whence(
    admin_client: FlaskClient, sample: dict[str, int]
) -> None:
    page = admin_client.get("/admin/audit").text
    assert "<caption" in page
    assert '<th scope="col">Time (UTC)</th>' in page
    view_row = page.split(f'<tr id="event-{sample["view"]}">')[1].split("</tr>")[0]
    assert '<time datetime="2026-01-15T09:30:00+00:00">2026-01-15 09:30:00</time>' in view_row
    assert "4:30" in view_row  # clinic time, America/Toronto
    assert "Ada Admin" in view_row
    assert "Submission viewed<br><small><code>submission.view</code></small>" in view_row
    assert "deleted (no. 42)" in view_row  # no submission 42 any more: its id, said so
    assert "198.51.100.4" in view_row
    detail = '<dl class="facts"><dt>b</dt><dd>1, 2</dd><dt>note_id</dt><dd>3</dd></dl>'
    assert view_row.count(detail) == 1
    patient_row = page.split(f'<tr id="event-{sample["patient"]}">')[1].split("</tr>")[0]
    assert "<td>patient</td>" in patient_row
    assert "<td>system</td>" in page.split(f'<tr id="event-{sample["job"]}">')[1]


def test_newest_first(admin_client: FlaskClient, sample: dict[str, int]) -> None:
    ids = row_ids(admin_client.get("/admin/audit").text)
    mine = [i for i in ids if i in sample.values()]
    assert mine == [sample["job"], sample["view"], sample["patient"]]
    assert ids[0] not in sample.values()  # the admin's sign-in, today, comes first


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("action=submission.view", ["view"]),
        ("action=submission.*", ["view", "patient"]),
        ("who=patient", ["patient"]),
        ("who=system", ["job"]),
        ("from=2026-01-14&to=2026-01-14", ["patient"]),  # 23:30 in Toronto on the 14th
        ("from=2026-01-15&to=2026-01-15", ["view"]),
        ("from=2026-01-16&to=2026-01-16", ["job"]),
        ("to=2026-01-15", ["view", "patient"]),
        ("action=submission.*&to=2026-01-14", ["patient"]),
    ],
)
def test_filters(
    admin_client: FlaskClient, sample: dict[str, int], query: str, expected: list[str]
) -> None:
    page = admin_client.get(f"/admin/audit?{query}").text
    assert row_ids(page) == [sample[name] for name in expected]
    assert 'href="/admin/audit"' in page  # "Clear filters"


def test_filter_by_staff_member(
    app: Flask, admin_client: FlaskClient, admin, sample: dict[str, int]
) -> None:
    page = admin_client.get(f"/admin/audit?who={admin.id}").text
    ids = row_ids(page)
    assert sample["view"] in ids
    assert sample["patient"] not in ids
    assert sample["job"] not in ids
    assert {e.staff_id for e in events(app) if e.id in ids} == {admin.id}
    assert f'<option selected value="{admin.id}">Ada Admin</option>' in page


@pytest.mark.parametrize(
    "query",
    [
        "action=nonsense",
        "who=999999999999999999999999",
        "who=abc",
        "from=9999-12-31&to=9999-12-31",
        "from=2026-02-30",
        "after=not-a-cursor",
        "before=%FF%FE",
        "after=" + "A" * 500,
    ],
)
def test_bad_filters_are_ignored(
    admin_client: FlaskClient, sample: dict[str, int], query: str
) -> None:
    response = admin_client.get(f"/admin/audit?{query}")
    assert response.status_code == 200
    assert set(sample.values()) <= set(row_ids(response.text))


def test_keyset_pages_are_stable_while_events_arrive(app: Flask, admin_client: FlaskClient) -> None:
    app.config["STAFF_PAGE_SIZE"] = 3
    start = datetime(2026, 3, 1, 12, tzinfo=UTC)
    times = [start + timedelta(minutes=n) for n in range(8)]
    times[4] = times[5]  # a tie on time across a page boundary is broken by id
    ids = add_events(app, *({"action": "submission.view", "at": at} for at in times))
    newest_first = sorted(ids, key=lambda i: (times[ids.index(i)], i), reverse=True)

    first = admin_client.get("/admin/audit?action=submission.view").text
    assert row_ids(first) == newest_first[:3]
    assert link(first, "prev") is None
    add_events(
        app, *({"action": "submission.view", "at": start + timedelta(hours=n)} for n in (1, 2))
    )
    second = admin_client.get(link(first, "next")).text
    assert row_ids(second) == newest_first[3:6]
    third = admin_client.get(link(second, "next")).text
    assert row_ids(third) == newest_first[6:]
    assert link(third, "next") is None
    back = admin_client.get(link(second, "prev")).text
    assert row_ids(back) == newest_first[:3]  # the page as first seen, not shifted
    assert "action=submission.view" in link(back, "prev")  # newer events now precede it
    newest = admin_client.get(link(back, "prev")).text
    assert len(row_ids(newest)) == 2
    assert link(newest, "prev") is None


def test_no_route_changes_the_log(app: Flask) -> None:
    methods = {m for rule in app.url_map.iter_rules() if "audit" in rule.rule for m in rule.methods}
    assert methods <= {"GET", "HEAD", "OPTIONS"}
