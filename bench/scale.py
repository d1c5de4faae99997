"""The staff workspace at scale: the queue's views, search, the submission page, the CSV and
FHIR exports and the statistics page against the QUALITY.md targets, at growing numbers of
submissions.

    .venv/bin/python -m bench.scale --database sqlite --sizes 10000,100000,1000000
    .venv/bin/python -m bench.scale --database postgresql --sizes 10000,100000,1000000

A fresh database (a SQLite file in a temporary folder, or a new PostgreSQL database on the
local server) is migrated with the Alembic revisions, so the real indexes are measured, and
grown to each size with ``bench.seed``. Every request runs in this process through the Flask
test client as a signed-in clinician: its time is the app's whole work. Every view (To do,
Follow-ups, Safety stops, All with each filter; the clinician's own where a view has them) is
measured at its first, middle and last page and the page before its last row; every search
(surnames common and rare, the first letters of a name, whole names, a phone number, an
e-mail address, a reference) once (``bench.scale_views``). Each passes when its median is
under 50 ms (the worst run is shown beside it). Each export runs in a fresh process
(``bench.scale_export``) for its memory high-water mark. The plans of the views' middle pages
and of the searches are printed at the largest size. Exits non-zero when a target is missed at
1,000,000 or more.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
from contextlib import ExitStack
from datetime import datetime
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine

from app.dates import clinic_zone
from app.extensions import db
from bench import scale_app, scale_statistics, scale_views
from bench.seed import seed
from bench.server import fresh_database

QUEUE_MS = 50.0
EXPORT_ROWS_PER_S = 50_000
EXPORT_GROWTH_MB = 50.0
TARGET_SIZE = 1_000_000  # misses at or above this size fail the run
_LOADED_COLUMNS = re.compile(r"^SELECT (\w+)\.\w+(?:, \1\.\w+){8,} FROM")


class Report:
    """One size's results: printed lines and whether every target was met."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.failed = 0

    def add(self, what: str, figure: str, passed: bool | None) -> None:
        verdict = "" if passed is None else ("PASS" if passed else "FAIL")
        self.failed += passed is False
        self.lines.append(f"  {what:<72} {figure:>30}  {verdict}")


def _plans(app: Flask, client: FlaskClient, title: str, request: dict[str, Any]) -> list[str]:
    """The plans of the queries one request runs (``request``: ``client.open``'s arguments)."""
    with app.app_context():
        engine = db.engine
    with scale_app.captured_queries(engine) as seen:
        client.open(**request)
    lines = [f"--- {title}"]
    for statement, parameters in seen:
        # The columns a page loads say nothing of its plan: "submission.*" stands for them.
        lines.append(_LOADED_COLUMNS.sub(r"SELECT \1.* FROM", " ".join(statement.split()), count=1))
        lines.append(f"parameters: {parameters}")
        lines.append(scale_app.explain(app, statement, parameters))
    return lines


def measure_views(
    app: Flask, client: FlaskClient, report: Report, runs: int, plans: list[str] | None
) -> None:
    """Every page of every view and filter; the middle page's query plans when ``plans`` is
    given (the page and the counts on the tabs)."""
    with app.app_context():
        zone = clinic_zone()
    me = scale_app.clinician_id(app)
    for case in scale_views.view_cases(datetime.now(zone).date()):
        count, urls = scale_views.page_urls(app, case, me)
        for page, url in urls.items():
            label = f"{case.name} ({count:,}), {page}"
            if url is None:
                report.add(label, "(no such page)", None)
                continue
            timing = scale_app.time_request(client, "GET", url, runs)
            figure = f"{timing.median:8.1f} ms (max {timing.worst:7.1f})"
            report.add(label, figure, timing.median < QUEUE_MS)
        if plans is not None:
            url = urls["middle"] or urls["first"] or case.path
            plans += _plans(app, client, f"{case.name}: {url}", {"path": url})


def measure_search(
    app: Flask, client: FlaskClient, report: Report, runs: int, plans: list[str] | None
) -> None:
    """Every search (``bench.scale_views.search_cases``): POST /staff/find, each a page of
    matches or a redirect; their query plans when ``plans`` is given."""
    token = scale_app.csrf_token(client)
    for case in scale_views.search_cases(app):
        data = {"query": case.typed, "csrf_token": token}
        timing = scale_app.time_request(
            client, "POST", "/staff/find", runs, expected=case.expected, data=data
        )
        label = f"search, {case.name} ({scale_views.found(app, case)} found)"
        figure = f"{timing.median:8.1f} ms (max {timing.worst:7.1f})"
        report.add(label, figure, timing.median < QUEUE_MS)
        if plans is not None:
            request = {"path": "/staff/find", "method": "POST", "data": data}
            plans += _plans(app, client, f"search, {case.name}: {case.typed!r}", request)


def measure_find(app: Flask, client: FlaskClient, report: Report, size: int, runs: int) -> None:
    """Find by reference (POST, then the page it leads to) and the submission page."""
    reference = scale_app.reference_at(app, size // 2)
    token = scale_app.csrf_token(client)
    data = {"query": reference, "csrf_token": token}
    found = scale_app.time_request(client, "POST", "/staff/find", runs, data=data)
    page = scale_app.time_request(client, "GET", f"/staff/submissions/{reference}", runs)
    total = found.median + page.median
    report.add("find by reference (POST /staff/find)", f"{found.median:8.1f} ms", None)
    report.add("submission page", f"{page.median:8.1f} ms (max {page.worst:7.1f})", None)
    report.add("find + submission page", f"{total:8.1f} ms", total < QUEUE_MS)


def measure_statistics(app: Flask, client: FlaskClient, report: Report, runs: int) -> None:
    """The statistics page for each period, once the day's counts are made."""
    rows = scale_statistics.make_counts(app)
    with app.app_context():
        today = datetime.now(clinic_zone()).date()
    for name, timing in scale_statistics.measure(client, runs, today):
        label = f"statistics page, {name} ({rows:,} daily counts in all)"
        figure = f"{timing.median:8.1f} ms (max {timing.worst:7.1f})"
        report.add(label, figure, timing.median < scale_statistics.PAGE_MS)


# Each export by name: its path, and what else ``bench.scale_export`` is told. The seeded
# answers come from a pool of answer sets (``bench.seed``), so the FHIR export finds most of a
# row's groups made already; "nothing kept" is its worst case, every row's made anew.
EXPORTS = {
    "CSV export": ("/staff/export",),
    "readable CSV export": ("/staff/export/readable",),
    "FHIR NDJSON export": ("/staff/export/fhir",),
    "FHIR NDJSON export, nothing kept": ("/staff/export/fhir", "--nothing-kept"),
}


def measure_exports(url: str, report: Report, size: int, runs: int) -> None:
    """Each export (codes, words, FHIR), whole."""
    for name, arguments in EXPORTS.items():
        measure_export(url, report, size, runs, name, arguments)


def measure_export(
    url: str, report: Report, size: int, runs: int, name: str, arguments: tuple[str, ...]
) -> None:
    """The whole export (``arguments``: its path, and options), ``runs`` times, each in a
    fresh process."""
    results = []
    for _ in range(runs):
        done = subprocess.run(  # noqa: S603 (this interpreter, our module, our URL)
            [sys.executable, "-m", "bench.scale_export", url, "", *arguments],
            check=True,
            capture_output=True,
            text=True,
        )
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    rates = [size / result["seconds"] for result in results]
    growth = max(result["growth_mb"] for result in results)
    rate = statistics.median(rates)
    report.add(
        f"{name}, {size:,} rows, {runs} runs (median)",
        f"{rate:10,.0f} rows/s (min {min(rates):,.0f})",
        rate >= EXPORT_ROWS_PER_S,
    )
    megabytes = results[0]["bytes"] / 1e6
    report.add(
        f"{name}, RSS high-water growth ({megabytes:,.0f} MB sent)",
        f"{growth:8.1f} MB",
        growth < EXPORT_GROWTH_MB,
    )


def run(kind: str, sizes: list[int], runs: int, export_runs: int, exports_only: bool) -> int:
    """Grow one database through ``sizes``, measuring at each (``exports_only``: the exports
    alone); returns the failures at 1M+."""
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
            plans: list[str] | None = [] if size == sizes[-1] and not exports_only else None
            search_plans: list[str] | None = [] if plans is not None else None
            if not exports_only:
                measure_views(app, client, report, runs, plans)
                measure_search(app, client, report, runs, search_plans)
                measure_find(app, client, report, size, runs)
            measure_exports(url, report, size, export_runs)
            if not exports_only:
                measure_statistics(app, client, report, runs)
            print("\n".join(report.lines), flush=True)
            if plans:
                print(f"\n== {kind}, {size:,}: plans of the views' queries (middle pages)")
                print("\n".join(plans), flush=True)
            if search_plans:
                print(f"\n== {kind}, {size:,}: plans of the searches' queries")
                print("\n".join(search_plans), flush=True)
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
    parser.add_argument("--exports-only", action="store_true", help="measure the exports alone")
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))
    failures = run(args.database, sizes, args.runs, args.export_runs, args.exports_only)
    if failures:
        print(f"\n{failures} target(s) missed at {TARGET_SIZE:,} submissions or more.")
        sys.exit(1)


if __name__ == "__main__":
    main()
