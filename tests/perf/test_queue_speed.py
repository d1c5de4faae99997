"""The staff queue's views and search stay fast at 100,000 submissions (``make perf-guard``, in
``make check``).

A regression guard, not the benchmark (that is ``bench/scale.py``, up to 1,000,000 rows on both
engines), reusing its code: one SQLite database, migrated with the real revisions and seeded
once (``bench.seed``: work items, follow-ups, assignments and search terms as the app keeps
them), then every view and filter (``bench.scale_views.view_cases``) at its first, middle and
last page and the page before its last row, and every search (``SEARCHES``), each request's
median server time held to the QUALITY.md bound for a million rows: at a tenth of that size,
several times the headroom a noisy machine needs. A missing index or an N+1 query blows
through it at once. Each view and search must also find something in the seeded data (but the
search meant to find nobody), or it would measure nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine

from app.extensions import db
from bench import scale_app
from bench.scale import QUEUE_MS
from bench.scale_views import SEARCHES, ViewCase, found, page_urls, search_cases, view_cases
from bench.seed import seed
from bench.server import fresh_database

pytestmark = pytest.mark.perf

ROWS = 100_000
RUNS = 5
CASES = view_cases(datetime.now(ZoneInfo("America/Toronto")).date())


@pytest.fixture(scope="module")
def staff() -> Iterator[tuple[Flask, FlaskClient, int]]:
    with fresh_database("sqlite") as url:
        app = scale_app.make_app(url)
        scale_app.migrate(app)
        seeder = create_engine(url)
        seed(seeder, ROWS, random_seed=1)
        seeder.dispose()
        yield app, scale_app.signed_in_client(app), scale_app.clinician_id(app)
        with app.app_context():
            db.engine.dispose()


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_every_page_of_every_view_is_served_in_under_50_ms(
    staff: tuple[Flask, FlaskClient, int], case: ViewCase
) -> None:
    app, client, me = staff
    count, urls = page_urls(app, case, me)
    assert count > 0, f"the seeded data has nothing for {case.name}"
    medians = {}
    for page, url in urls.items():
        if url is None:
            continue
        timing = scale_app.time_request(client, "GET", url, RUNS)
        medians[page] = round(timing.median, 1)
    assert medians, "no page measured"
    assert all(m < QUEUE_MS for m in medians.values()), medians


@pytest.mark.parametrize("name", SEARCHES)
def test_every_search_is_answered_in_under_50_ms(
    staff: tuple[Flask, FlaskClient, int], name: str
) -> None:
    app, client, _ = staff
    case = {case.name: case for case in search_cases(app)}[name]
    count = found(app, case)  # "0+": none among the candidates a bounded search read
    assert (not count.startswith("0")) == case.matches, f"{case.typed!r} found {count}"
    data = {"query": case.typed, "csrf_token": scale_app.csrf_token(client)}
    timing = scale_app.time_request(
        client, "POST", "/staff/find", RUNS, expected=case.expected, data=data
    )
    assert timing.median < QUEUE_MS, round(timing.median, 1)
