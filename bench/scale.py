"""The staff workspace at scale: queue pages, find, submission page and CSV export against the
QUALITY.md targets, at growing numbers of submissions.

    .venv/bin/python -m bench.scale --database sqlite --sizes 10000,100000,1000000
    .venv/bin/python -m bench.scale --database postgresql --sizes 10000,100000,1000000

A fresh database (a SQLite file in a temporary folder, or a new PostgreSQL database on the
local server) is migrated with the Alembic revisions, so the real indexes are measured, and
grown to each size with ``bench.seed``. Every request runs in this process through the Flask
test client as a signed-in clinician: its time is the app's whole work. A page passes when its
median is under 50 ms (the worst run is shown beside it). Each export runs in a fresh process
(``bench.scale_export``) for its memory high-water mark. The plans of the queue's queries are
printed at the largest size. Exits non-zero when a target is missed at 1,000,000 or more.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from contextlib import ExitStack
from datetime import date, datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine

from app.extensions import db
from app.staff.queries import QueueFilter
from bench import scale_app
from bench.seed import seed
from bench.server import fresh_database

QUEUE_MS = 50.0
EXPORT_ROWS_PER_S = 50_000
EXPORT_GROWTH_MB = 50.0
TARGET_SIZE = 1_000_000  # misses at or above this size fail the run
PAGE_SIZE = 25  # config STAFF_PAGE_SIZE


def queue_filters(today: date) -> list[tuple[str, dict[str, str]]]:
    """The filters measured: none, a rare and a common value of each, date ranges, and all
    three at once."""

    def day(days_ago: int) -> str:
        return (today - timedelta(days=days_ago)).isoformat()

    return [
        ("no filter", {}),
        ("outcome=emergency", {"outcome": "emergency"}),
        ("outcome=clinician_review", {"outcome": "clinician_review"}),
        ("status=new", {"status": "new"}),
        ("status=booked", {"status": "booked"}),
        ("dates: a month, a year ago", {"from": day(395), "to": day(365)}),
        ("dates: the last week", {"from": day(6), "to": day(0)}),
        (
            "outcome+status+dates",
            {"outcome": "suggest_consult", "status": "contacted", "from": day(450), "to": day(360)},
        ),
    ]


class Report:
    """One size's results: printed lines and whether every target was met."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.failed = 0

    def add(self, what: str, figure: str, passed: bool | None) -> None:
        verdict = "" if passed is None else ("PASS" if passed else "FAIL")
        self.failed += passed is False
        self.lines.append(f"  {what:<62} {figure:>30}  {verdict}")


def page_urls(app: Flask, args: dict[str, str]) -> tuple[int, dict[str, str | None]]:
    """The first, middle and last page of a filter, and the page before its last row."""
    filters = QueueFilter.from_args(args)
    count = scale_app.matching(app, filters)
    last_start = ((count - 1) // PAGE_SIZE) * PAGE_SIZE
    cursors = {
        "first": "",
        "middle": scale_app.cursor_at(app, filters, count // 2 - 1) if count > 2 else None,
        "last": scale_app.cursor_at(app, filters, last_start - 1) if last_start else None,
        "before the last row": scale_app.cursor_at(app, filters, count - 1) if count else None,
    }
    urls: dict[str, str | None] = {}
    for page, cursor in cursors.items():
        if cursor is None:
            urls[page] = None
            continue
        extra = {"before": cursor} if page.startswith("before") else {"after": cursor}
        urls[page] = "/staff/?" + urlencode({**args, **(extra if cursor else {})})
    return count, urls


def measure_queue(
    app: Flask, client: FlaskClient, report: Report, runs: int, plans: list[str] | None
) -> None:
    """Every page of every filter; the middle page's query plans when ``plans`` is given."""
    zone = ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"])
    for name, args in queue_filters(datetime.now(zone).date()):
        count, urls = page_urls(app, args)
        for page, url in urls.items():
            label = f"queue, {name} ({count:,}), {page}"
            if url is None:
                report.add(label, "(no such page)", None)
                continue
            timing = scale_app.time_request(client, "GET", url, runs)
            figure = f"{timing.median:8.1f} ms (max {timing.worst:7.1f})"
            report.add(label, figure, timing.median < QUEUE_MS)
        if plans is not None:
            url = urls["middle"] or urls["first"] or "/staff/"
            with app.app_context():
                engine = db.engine
            with scale_app.captured_queries(engine) as seen:
                client.get(url)
            plans.append(f"--- {name}: {url}")
            for statement, parameters in seen:
                plans.append(" ".join(statement.split()))
                plans.append(f"parameters: {parameters}")
                plans.append(scale_app.explain(app, statement, parameters))


def measure_find(app: Flask, client: FlaskClient, report: Report, size: int, runs: int) -> None:
    """Find by reference (POST, then the page it leads to) and the submission page."""
    reference = scale_app.reference_at(app, size // 2)
    token = scale_app.csrf_token(client)
    found = scale_app.time_request(
        client, "POST", "/staff/find", runs, data={"reference": reference, "csrf_token": token}
    )
    page = scale_app.time_request(client, "GET", f"/staff/submissions/{reference}", runs)
    total = found.median + page.median
    report.add("find by reference (POST /staff/find)", f"{found.median:8.1f} ms", None)
    report.add("submission page", f"{page.median:8.1f} ms (max {page.worst:7.1f})", None)
    report.add("find + submission page", f"{total:8.1f} ms", total < QUEUE_MS)


def measure_export(url: str, report: Report, size: int, runs: int) -> None:
    """The whole export, ``runs`` times, each in a fresh process."""
    results = []
    for _ in range(runs):
        done = subprocess.run(  # noqa: S603 (this interpreter, our module, our URL)
            [sys.executable, "-m", "bench.scale_export", url],
            check=True,
            capture_output=True,
            text=True,
        )
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    rates = [size / result["seconds"] for result in results]
    growth = max(result["growth_mb"] for result in results)
    rate = statistics.median(rates)
    report.add(
        f"CSV export, {size:,} rows, {runs} runs (median)",
        f"{rate:10,.0f} rows/s (min {min(rates):,.0f})",
        rate >= EXPORT_ROWS_PER_S,
    )
    megabytes = results[0]["bytes"] / 1e6
    report.add(
        f"CSV export, RSS high-water growth ({megabytes:,.0f} MB sent)",
        f"{growth:8.1f} MB",
        growth < EXPORT_GROWTH_MB,
    )


def run(kind: str, sizes: list[int], runs: int, export_runs: int) -> int:
    """Grow one database through ``sizes``, measuring at each; returns the failures at 1M+."""
    failures = 0
    with ExitStack() as stack:
        url = stack.enter_context(fresh_database(kind))
        app = scale_app.make_app(url)
        scale_app.migrate(app)
        client = scale_app.signed_in_client(app)
        seeder = create_engine(url)
        stack.callback(seeder.dispose)
        held = 0
        for size in sizes:
            rate = seed(seeder, size - held, random_seed=size)
            held = size
            print(f"\n== {kind}, {size:,} submissions (seeded at {rate:,.0f} rows/s)", flush=True)
            report = Report()
            plans: list[str] | None = [] if size == sizes[-1] else None
            measure_queue(app, client, report, runs, plans)
            measure_find(app, client, report, size, runs)
            measure_export(url, report, size, export_runs)
            print("\n".join(report.lines), flush=True)
            if plans:
                print(f"\n== {kind}, {size:,}: plans of the queue's queries (middle pages)")
                print("\n".join(plans), flush=True)
            if size >= TARGET_SIZE:
                failures += report.failed
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    return failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--runs", type=int, default=7, help="timed runs per request")
    parser.add_argument("--export-runs", type=int, default=3, help="timed exports per size")
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))
    failures = run(args.database, sizes, args.runs, args.export_runs)
    if failures:
        print(f"\n{failures} target(s) missed at {TARGET_SIZE:,} submissions or more.")
        sys.exit(1)


if __name__ == "__main__":
    main()
