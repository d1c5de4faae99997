"""The audit log in words admins read: every action the app records has a label in English and
French, shown with its code on the page and offered by it in the filter; the detail as a list of
its keys and values; the CSV export keeps the raw codes and JSON for the systems that read it."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale

from app.admin.actions import ACTION_GROUPS, ACTION_LABELS
from tests.admin import add_events
from tests.conftest import sign_in

APP = Path(__file__).resolve().parents[2] / "app"
# audit.record("code", ...) and AuditEvent(..., action="code", ...), across lines too.
RECORD_CALL = re.compile(r"\baudit\.record\(\s*(?P<arg>[^,)\s]+)")
EVENT_CALL = re.compile(r"\bAuditEvent\((?P<args>[^)]*)\)")
ACTION_ARG = re.compile(r"\baction\s*=\s*(?P<arg>[^,)\s]+)")
LITERAL = re.compile(r"""^(["'])(?P<code>[^"']+)\1$""")


def recorded_in_source() -> tuple[set[str], set[tuple[str, str]]]:
    """The action codes the app's source records, and the calls that pass something else."""
    codes: set[str] = set()
    others: set[tuple[str, str]] = set()
    for path in sorted(APP.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        args = [m["arg"] for m in RECORD_CALL.finditer(text)]
        for call in EVENT_CALL.finditer(text):
            args.extend(m["arg"] for m in ACTION_ARG.finditer(call["args"]))
        for arg in args:
            literal = LITERAL.match(arg)
            if literal:
                codes.add(literal["code"])
            else:
                others.add((path.relative_to(APP).as_posix(), arg))
    return codes, others


def test_every_action_the_app_records_has_a_label() -> None:
    codes, _others = recorded_in_source()
    # The scan finds one-line, multi-line and constructor calls, in every part of the app.
    assert {
        "auth.login_failed",  # multi-line call
        "submission.create",  # AuditEvent(action=...)
        "staff.create",
        "audit.view",
        "backup.create",
        "retention.purge",
    } <= codes
    assert sorted(codes - ACTION_LABELS.keys()) == []


def test_no_action_code_is_computed() -> None:
    """Only ``audit.record`` itself passes its argument on; every caller names its action."""
    _codes, others = recorded_in_source()
    assert others == {("audit.py", "action")}


def test_each_label_sits_in_its_group_and_is_translated(app: Flask) -> None:
    with app.test_request_context():
        for prefix, (_group, actions) in ACTION_GROUPS.items():
            for code, label in actions:
                assert code.startswith(prefix)
                with force_locale("en"):
                    english = str(label)
                with force_locale("fr_CA"):
                    french = str(label)
                assert english not in ("", code)
                assert french not in ("", english), code


@pytest.fixture
def events_shown(app: Flask, admin) -> dict[str, int]:
    """A failed sign-in, a purge with a nested detail, an action no longer used, an empty
    filter and a detail with markup in it."""
    ids = add_events(
        app,
        {
            "actor_type": "staff",
            "staff_id": admin.id,
            "action": "auth.login_failed",
            "detail": {"reason": "unknown_user"},
        },
        {
            "action": "retention.purge",
            "detail": {
                "counts": {"submission": 1, "draft": 2},
                "ids_truncated": False,
                "submission_ids": [7, 8],
                "cutoff": None,
            },
        },
        {"action": "legacy.gone", "detail": None},
        {"actor_type": "staff", "staff_id": admin.id, "action": "audit.view", "detail": {}},
        {"action": "queue.view", "detail": {"filters": {}, "odd": "<b>x</b>"}},
    )
    return dict(zip(["failed", "purge", "legacy", "empty", "markup"], ids, strict=True))


def browser(app: Flask, client: FlaskClient, admin, lang: str) -> FlaskClient:
    client.get(f"/auth/login?lang={lang}")
    sign_in(client, app, admin)
    return client


def row(page: str, event_id: int) -> str:
    return page.split(f'<tr id="event-{event_id}">')[1].split("</tr>")[0]


@pytest.mark.parametrize(
    ("lang", "failed", "purge", "yes_no", "none"),
    [
        ("en", "Failed sign-in", "Old submissions and drafts deleted", "No", "None"),
        ("fr", "Échec de connexion", "Anciennes demandes et brouillons supprimés", "Non", "Aucun"),
    ],
)
def test_rows_and_filter_show_labels_with_their_codes(
    app: Flask,
    client: FlaskClient,
    admin,
    events_shown: dict[str, int],
    lang: str,
    failed: str,
    purge: str,
    yes_no: str,
    none: str,
) -> None:
    page = browser(app, client, admin, lang).get("/admin/audit").text
    assert f"<td>{failed}<br><small><code>auth.login_failed</code></small></td>" in row(
        page, events_shown["failed"]
    )
    assert f'<option value="auth.login_failed">{failed}</option>' in page
    assert f'<option value="retention.purge">{purge}</option>' in page
    assert '<option value="retention.*">' in page
    purge_row = row(page, events_shown["purge"])
    assert f"<td>{purge}<br><small><code>retention.purge</code></small></td>" in purge_row
    assert (
        '<td><dl class="facts"><dt>counts</dt><dd><dl class="facts"><dt>draft</dt><dd>2</dd>'
        "<dt>submission</dt><dd>1</dd></dl></dd>"
        f"<dt>cutoff</dt><dd>{none}</dd><dt>ids_truncated</dt><dd>{yes_no}</dd>"
        "<dt>submission_ids</dt><dd>7, 8</dd></dl></td>"
    ) in purge_row
    assert "<td></td>" in row(page, events_shown["legacy"])  # no detail: an empty cell
    assert f"<td>{none}</td>" in row(page, events_shown["empty"])
    markup = row(page, events_shown["markup"])
    assert f"<dt>filters</dt><dd>{none}</dd>" in markup
    assert "<dd>&lt;b&gt;x&lt;/b&gt;</dd>" in markup  # escaped, never markup
    assert '{"' not in page  # no JSON left
    assert "&#34;" not in page
    if lang == "fr":
        assert "Failed sign-in" not in page
        assert "Submission viewed" not in page


def test_an_action_without_a_label_shows_its_code(
    app: Flask, client: FlaskClient, admin, events_shown: dict[str, int]
) -> None:
    page = browser(app, client, admin, "fr").get("/admin/audit").text
    assert "<td><code>legacy.gone</code></td>" in row(page, events_shown["legacy"])


@pytest.mark.parametrize(
    ("query", "expected"),
    [("action=auth.login_failed", ["failed"]), ("action=retention.*", ["purge"])],
)
def test_the_filter_still_filters_by_code(
    app: Flask,
    client: FlaskClient,
    admin,
    events_shown: dict[str, int],
    query: str,
    expected: list[str],
) -> None:
    page = browser(app, client, admin, "fr").get(f"/admin/audit?{query}").text
    shown = [int(n) for n in re.findall(r'<tr id="event-(\d+)">', page)]
    assert shown == [events_shown[name] for name in expected]
    value = query.removeprefix("action=")
    assert f'<option selected value="{value}">' in page


def test_the_page_keeps_its_headers_and_unique_ids(
    app: Flask, client: FlaskClient, admin, events_shown: dict[str, int]
) -> None:
    page = browser(app, client, admin, "fr").get("/admin/audit").text
    assert page.count('<th scope="col">') == 7
    ids = Counter(re.findall(r'\sid="([^"]+)"', page))
    assert [name for name, count in ids.items() if count > 1] == []


def test_the_csv_export_keeps_codes_and_json(
    app: Flask, client: FlaskClient, admin, events_shown: dict[str, int]
) -> None:
    response = browser(app, client, admin, "fr").get("/admin/audit/export")
    text = response.get_data().decode("utf-8").removeprefix("\ufeff")
    rows = {int(r[0]): r for r in list(csv.reader(io.StringIO(text)))[1:]}
    assert rows[events_shown["failed"]][5:] == [
        "auth.login_failed",
        "",
        "",
        "",
        '{"reason":"unknown_user"}',
    ]
    assert rows[events_shown["purge"]][5] == "retention.purge"
    assert rows[events_shown["legacy"]][5] == "legacy.gone"
    assert "Échec de connexion" not in text
    assert "Failed sign-in" not in text
