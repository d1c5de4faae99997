"""The staff queue stays fast at 100,000 submissions (``make perf-guard``, in ``make check``).

A regression guard, not the benchmark (that is ``bench/scale.py``, up to 1,000,000 rows on both
engines): one SQLite database, migrated with the real revisions and seeded once, then every
filter of the queue at its first, middle and last page, each request's median server time held
to the QUALITY.md bound for a million rows: at a tenth of that size, several times the
headroom a noisy machine needs. A missing index or an N+1 query blows through it at once.
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
from bench.scale import QUEUE_MS, page_urls, queue_filters
from bench.seed import seed
from bench.server import fresh_database

pytestmark = pytest.mark.perf

ROWS = 100_000
RUNS = 5


@pytest.fixture(scope="module")
def staff() -> Iterator[tuple[Flask, FlaskClient]]:
    with fresh_database("sqlite") as url:
        app = scale_app.make_app(url)
        scale_app.migrate(app)
        seeder = create_engine(url)
        seed(seeder, ROWS, random_seed=1)
        seeder.dispose()
        yield app, scale_app.signed_in_client(app)
        with app.app_context():
            db.engine.dispose()


def _pages() -> list[tuple[str, dict[str, str]]]:
    today = datetime.now(ZoneInfo("America/Toronto")).date()
    return queue_filters(today)


@pytest.mark.parametrize(("name", "args"), _pages(), ids=[name for name, _ in _pages()])
def test_every_page_of_every_filter_is_served_in_under_50_ms(
    staff: tuple[Flask, FlaskClient], name: str, args: dict[str, str]
) -> None:
    app, client = staff
    count, urls = page_urls(app, args)
    assert count > 0, f"the seeded data has nothing for {name}"
    medians = {}
    for page, url in urls.items():
        if url is None:
            continue
        timing = scale_app.time_request(client, "GET", url, RUNS)
        medians[page] = round(timing.median, 1)
    assert medians, "no page measured"
    assert all(m < QUEUE_MS for m in medians.values()), medians
