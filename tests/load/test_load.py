"""No acknowledged submission is lost under load, nor when a worker dies (``make load-test``).

gunicorn with the production settings and 4 workers serves the app on a loopback port, first
on a fresh SQLite file, then on a fresh PostgreSQL database. 32 simulated patients complete
whole questionnaires over HTTP (every page, every CSRF token) until 1,000 are submitted. Every
reference a result page showed must then be stored exactly once, with no 5xx answer and no
"database is locked". The crash run does the same while one worker is SIGKILLed part-way.
"""

from __future__ import annotations

import os
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bench.client import Run, run_patients
from bench.server import SHARED_RATE_LIMITS, gunicorn, migrate, production_environment
from tests.engines import postgres_database

pytestmark = pytest.mark.load

SUBMISSIONS = int(os.environ.get("LOAD_SUBMISSIONS", "1000"))
CLIENTS = 32
WORKERS = 4
DEADLINE_S = 900.0  # a bound, far above the few minutes a run takes on a loaded 2-core machine
KILL_AFTER = SUBMISSIONS // 3  # acknowledged submissions before a worker is killed


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'load.sqlite3'}"
        return
    with postgres_database("ims_load") as url:
        yield url.render_as_string(hide_password=False)


def stored_references(database_url: str) -> Counter[str]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT reference FROM submission")).scalars()
            return Counter(rows)
    finally:
        engine.dispose()


def sqlite_integrity(database_url: str) -> str:
    path = database_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]


def report(capsys: pytest.CaptureFixture[str], title: str, run: Run, stored: int) -> None:
    tally = run.tally
    with capsys.disabled():
        print(
            f"\n[load] {title}: {len(tally.references)} submissions acknowledged, {stored} "
            f"stored, {tally.requests} requests in {run.seconds:.1f} s "
            f"({len(tally.references) / run.seconds:.1f} submissions/s, "
            f"{tally.requests / run.seconds:.0f} requests/s, p50 {tally.percentile(50):.0f} ms, "
            f"p99 {tally.percentile(99):.0f} ms, max {tally.percentile(100):.0f} ms); "
            f"5xx: {tally.server_errors}, cut connections: {len(tally.transport_errors)}, "
            f"failed questionnaires: {len(tally.failures)}"
        )


@pytest.mark.parametrize("crash", [False, True], ids=["steady", "worker-killed"])
def test_every_acknowledged_submission_is_stored_exactly_once(
    database_url: str, crash: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    environment = production_environment(database_url, **SHARED_RATE_LIMITS)
    migrate(environment)
    killed: list[int] = []

    with gunicorn(environment, tmp_path / "gunicorn.log", workers=WORKERS) as server:

        def kill_once(acknowledged: int) -> None:
            if crash and acknowledged >= KILL_AFTER and not killed:
                killed.append(server.kill_worker())

        run = run_patients(server.base_url, SUBMISSIONS, CLIENTS, DEADLINE_S, kill_once)
        log = server.log()
        workers_at_end = len(server.worker_pids())

    stored = stored_references(database_url)
    engine = database_url.split(":", 1)[0].split("+", 1)[0]
    report(capsys, f"{engine}, {'one worker killed' if crash else 'steady'}", run, len(stored))

    tally = run.tally
    assert not tally.failures, tally.failures[:5]
    assert len(tally.references) == SUBMISSIONS, "the run hit its deadline"
    assert tally.server_errors == 0, tally.statuses
    acknowledged = Counter(tally.references)
    assert max(acknowledged.values()) == 1, "two patients were shown the same reference"
    assert all(stored[reference] == 1 for reference in acknowledged), "acknowledged, not stored"
    assert sum(stored.values()) == SUBMISSIONS, "stored without being acknowledged"
    assert "database is locked" not in log
    assert "Traceback" not in log, log[-3000:]
    if crash:
        # The one request the dying worker held is cut (the patient sends it again); the
        # master replaces the worker.
        assert killed, "no worker was killed"
        assert len(tally.transport_errors) <= 1, tally.transport_errors
        assert workers_at_end == WORKERS
        assert f"pid:{killed[0]}" in log
    else:
        assert not tally.transport_errors, tally.transport_errors[:5]
    if engine == "sqlite":
        assert sqlite_integrity(database_url) == "ok"
