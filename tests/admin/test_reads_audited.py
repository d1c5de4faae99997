"""An admin's reads are audited like every staff read: the accounts list, an account's page
and the audit log page each record who looked, from where, and at what (ids and filters only).
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent
from tests.admin import ADMIN_ADDRESS, ADMIN_READS, add_events, events
from tests.conftest import sign_in


@pytest.fixture
def admin_client(app: Flask, client: FlaskClient, admin) -> FlaskClient:
    """The admin, signed in from a known address."""
    client.environ_base["REMOTE_ADDR"] = ADMIN_ADDRESS
    sign_in(client, app, admin)
    return client


def row_ids(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'<tr id="event-(\d+)">', page)]


def link(page: str, rel: str) -> str | None:
    found = re.search(rf'rel="{rel}" href="([^"]+)"', page)
    return html.unescape(found.group(1)) if found else None


def the_read(app: Flask, action: str, admin) -> AuditEvent:
    """The one record of ``action``, checked to be the admin's, from the admin's browser."""
    [event] = events(app, action)
    assert (event.actor_type, event.staff_id) == ("staff", admin.id)
    assert event.remote_addr == ADMIN_ADDRESS
    assert event.submission_id is None
    return event


def test_accounts_list_is_recorded(app: Flask, admin_client: FlaskClient, admin) -> None:
    assert admin_client.get("/admin/accounts").status_code == 200
    assert the_read(app, "staff.list", admin).detail is None


def test_account_page_is_recorded_with_the_account_it_shows(
    app: Flask, admin_client: FlaskClient, admin, front_desk
) -> None:
    assert admin_client.get(f"/admin/accounts/{front_desk.id}").status_code == 200
    assert the_read(app, "staff.view", admin).detail == {"staff_id": front_desk.id}
    assert admin_client.get("/admin/accounts/9999").status_code == 404
    assert len(events(app, "staff.view")) == 1  # no account shown, nothing read


def test_audit_log_page_records_its_filter_as_the_export_does(
    app: Flask, admin_client: FlaskClient, admin
) -> None:
    query = f"?action=auth.*&who={admin.id}&from=2026-01-01&to=2026-12-31&after=not-a-cursor"
    assert admin_client.get(f"/admin/audit{query}").status_code == 200
    expected = {
        "filters": {
            "action": "auth.*",
            "who": str(admin.id),
            "from": "2026-01-01",
            "to": "2026-12-31",
        }
    }
    assert the_read(app, "audit.view", admin).detail == expected
    admin_client.get(f"/admin/audit/export{query}").get_data()
    assert events(app, "audit.export")[0].detail == expected


def test_audit_log_page_ignores_filters_it_does_not_offer(
    app: Flask, admin_client: FlaskClient, admin
) -> None:
    admin_client.get("/admin/audit?action=nonsense&who=abc&from=2026-02-30&name=Jane")
    assert the_read(app, "audit.view", admin).detail == {"filters": {}}


def test_each_page_load_is_recorded_but_not_listed_on_itself(
    app: Flask, admin_client: FlaskClient, admin
) -> None:
    first = admin_client.get("/admin/audit").text
    [first_view] = events(app, "audit.view")
    assert first_view.id not in row_ids(first)
    second = admin_client.get("/admin/audit").text
    assert row_ids(second)[0] == first_view.id
    assert "<code>audit.view</code>" in second
    assert len(events(app, "audit.view")) == 2


@pytest.mark.parametrize("action", ["staff.list", "staff.view", "audit.view"])
def test_each_read_can_be_filtered_on_its_own(
    app: Flask, admin_client: FlaskClient, admin, front_desk, action: str
) -> None:
    admin_client.get("/admin/accounts")
    admin_client.get(f"/admin/accounts/{front_desk.id}")
    admin_client.get("/admin/audit")
    [read] = events(app, action)
    assert row_ids(admin_client.get(f"/admin/audit?action={action}").text) == [read.id]


def test_other_roles_are_refused_and_record_no_admin_read(
    app: Flask, client: FlaskClient, front_desk
) -> None:
    sign_in(client, app, front_desk)
    for url in ("/admin/accounts", f"/admin/accounts/{front_desk.id}", "/admin/audit"):
        assert client.get(url).status_code == 403
    assert [e for e in events(app) if e.action in ADMIN_READS] == []


def newest_first_ids(app: Flask) -> list[int]:
    with app.app_context():
        query = select(AuditEvent.id).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        return list(db.session.scalars(query))


def test_paging_the_whole_log_is_stable_while_its_views_are_recorded(
    app: Flask, admin_client: FlaskClient, admin
) -> None:
    """Each page load adds an ``audit.view`` record at the top of the unfiltered log. The next
    and previous pages of a page already shown must neither shift nor repeat a row, and the new
    records must be reachable in front of the first page."""
    app.config["STAFF_PAGE_SIZE"] = 3
    start = datetime(2020, 3, 1, 12, tzinfo=UTC)  # older than the admin's sign-in
    add_events(
        app, *({"action": "demo_data.create", "at": start + timedelta(minutes=n)} for n in range(8))
    )
    before_paging = newest_first_ids(app)
    chunks = [before_paging[i : i + 3] for i in range(0, len(before_paging), 3)]

    pages = [admin_client.get("/admin/audit").text]
    assert link(pages[0], "prev") is None
    while (following := link(pages[-1], "next")) is not None:
        pages.append(admin_client.get(following).text)
    assert [row_ids(page) for page in pages] == chunks  # no shift, no repeat, nothing new

    page = pages[-1]
    for expected in reversed(chunks[:-1]):
        page = admin_client.get(link(page, "prev")).text
        assert row_ids(page) == expected  # each page as first seen
    newer = link(page, "prev")
    assert newer is not None, "the views recorded meanwhile now come before the first page"

    seen: list[int] = []
    while newer is not None:
        page = admin_client.get(newer).text
        ids = row_ids(page)
        assert ids
        assert ids == sorted(ids, reverse=True)
        assert not seen or ids[-1] > seen[0]  # each page newer than the one before
        seen = ids + seen
        newer = link(page, "prev")
    views = {e.id: e for e in events(app, "audit.view")}
    assert set(seen) <= set(views)
    assert {views[i].staff_id for i in seen} == {admin.id}
    assert not set(seen) & set(before_paging)
