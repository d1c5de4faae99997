"""The audit log as CSV: streamed, UTF-8 with a BOM, safe in a spreadsheet, itself audited."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.csvsafe import neutralise
from tests.admin import ADMIN_ADDRESS, add_events, events
from tests.conftest import make_staff, sign_in

HEADER = [
    "id",
    "at_utc",
    "actor_type",
    "staff_id",
    "staff_name",
    "action",
    "submission_id",
    "submission_reference",
    "remote_addr",
    "detail",
]


@pytest.fixture
def admin_client(app: Flask, client: FlaskClient, admin) -> FlaskClient:
    client.environ_base["REMOTE_ADDR"] = ADMIN_ADDRESS
    sign_in(client, app, admin)
    return client


def download(client: FlaskClient, query: str = "") -> tuple[str, list[list[str]]]:
    response = client.get(f"/admin/audit/export{query}")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="ims-screen-audit-'
    )
    assert response.headers["Cache-Control"] == "no-store"
    text = response.get_data().decode("utf-8")
    return text, list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+33 1 23", "'+33 1 23"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("\0x", "'\0x"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_neutralise(value: str, expected: str) -> None:
    assert neutralise(value) == expected


def test_export_content(app: Flask, admin_client: FlaskClient, admin) -> None:
    at = datetime(2026, 1, 15, 4, 30, 12, tzinfo=UTC)
    [event_id] = add_events(
        app,
        {
            "actor_type": "staff",
            "staff_id": admin.id,
            "action": "submission.view",
            "submission_id": 42,
            "remote_addr": "198.51.100.4",
            "at": at,
            "detail": {"note_id": 3, "b": "é"},
        },
    )
    text, rows = download(admin_client)
    assert text.startswith("\ufeffid,")
    assert rows[0] == HEADER
    assert [
        str(event_id),
        "2026-01-15T04:30:12+00:00",
        "staff",
        str(admin.id),
        "Ada Admin",
        "submission.view",
        "42",
        "",  # no submission 42: its reference is not known
        "198.51.100.4",
        '{"b":"é","note_id":3}',
    ] in rows
    assert rows[1][5] == "audit.export"  # newest first: the export itself
    assert len(rows) == 1 + len(events(app))


def test_formulas_are_neutralised(app: Flask, admin_client: FlaskClient) -> None:
    evil = make_staff(app, "clinician", name='=HYPERLINK("http://x")', email="evil@clinic.example")
    add_events(
        app,
        {"action": "=cmd|' /C calc'!A0", "detail": None},
        {"actor_type": "staff", "staff_id": evil.id, "action": "-2+3", "remote_addr": "@x"},
    )
    _text, rows = download(admin_client)
    cells = [cell for row in rows[1:] for cell in row]
    assert "'=cmd|' /C calc'!A0" in cells
    assert "'-2+3" in cells
    assert "'@x" in cells
    assert '\'=HYPERLINK("http://x")' in cells
    assert not [c for c in cells if c and c[0] in "=+-@\t\r\0"]


def test_export_follows_the_filter(app: Flask, admin_client: FlaskClient) -> None:
    at = datetime(2026, 1, 15, 12, tzinfo=UTC)
    add_events(
        app,
        {"actor_type": "patient", "action": "submission.create", "submission_id": 7, "at": at},
        {"action": "demo_data.create", "at": at},
    )
    _text, rows = download(admin_client, "?who=patient&from=2026-01-15&to=2026-01-15&who=patient")
    assert [row[5] for row in rows[1:]] == ["submission.create"]
    page = admin_client.get("/admin/audit?who=patient&from=2026-01-15").text
    assert 'href="/admin/audit/export?who=patient&amp;from=2026-01-15"' in page


def test_export_is_audited(app: Flask, admin_client: FlaskClient, admin) -> None:
    download(admin_client, "?action=auth.*&to=2026-12-31&who=nobody")
    [event] = events(app, "audit.export")
    assert event.staff_id == admin.id
    assert event.remote_addr == ADMIN_ADDRESS
    assert event.detail == {"filters": {"action": "auth.*", "to": "2026-12-31"}}


def test_large_export_streams_in_chunks(app: Flask, admin_client: FlaskClient) -> None:
    add_events(app, *({"action": "submission.view", "submission_id": n} for n in range(1200)))
    response = admin_client.get("/admin/audit/export?action=submission.view")
    chunks = list(response.response)
    assert len(chunks) >= 4  # header, then a chunk per 500 rows
    rows = list(csv.reader(io.StringIO(b"".join(chunks).decode("utf-8").removeprefix("\ufeff"))))
    assert len(rows) == 1 + 1200
