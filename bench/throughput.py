"""Throughput against a bare Flask app, as QUALITY.md's performance targets are stated.

``python -m bench.throughput`` (``--help`` for the options): a fresh database (SQLite file or
a new PostgreSQL database on the local server), migrated; the app and bench/hello.py each under
gunicorn with the same gunicorn.conf.py and worker count, both running; then ``wrk`` against
one and the other in turn, so the machine's drift touches both alike. Each of the app's figures
is divided by the mean of the bare Flask runs just before and just after it.

Measured: the health check (the app's lightest request: the same middleware, one query, no
page), the start page (no session), step pages and step forms (every step in turn, each
request with a session whose draft is complete), the final submission (each request with its own
complete draft, so that every one stores a submission), and whole questionnaires walked over
HTTP by 32 simulated patients (bench/client.py). Exits non-zero when a target is missed or any
request failed: a socket error, a non-2xx/3xx answer, a submission not stored, a session used
twice, a traceback in the server log.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask

from bench.client import Run, run_patients
from bench.server import ROOT, SHARED_RATE_LIMITS, Server, gunicorn
from bench.sessions import (
    Plan,
    final_submission,
    make_sessions,
    production_app,
    step_forms,
    step_pages,
    submission_count,
)

WRK_DIR = ROOT / "bench" / "wrk"
# QUALITY.md, Performance: the share of the bare Flask app's requests per second.
TARGETS = {"step page": 0.20, "step form": 0.10, "final submission": 0.06}  # QUALITY.md
STEP_SESSIONS = 2000
MIN_SUBMIT_SESSIONS = 2000


@dataclass
class Figure:
    """One measurement: requests per second, latency and everything that went wrong."""

    name: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: dict[str, int] = field(default_factory=dict)
    note: str = ""
    cpu_us: float = 0.0  # the server's worker CPU time a request (user + system)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


@dataclass
class Row:
    figure: Figure
    hello_rps: float
    hello_cpu_us: float
    target: float | None

    @property
    def ratio(self) -> float:
        return self.figure.rps / self.hello_rps if self.hello_rps else 0.0

    @property
    def passed(self) -> bool:
        return self.figure.error_count == 0 and (self.target is None or self.ratio >= self.target)


class Wrk:
    """Runs wrk with the same threads, connections, duration and timeout every time."""

    def __init__(self, duration: int, connections: int, threads: int) -> None:
        self.options = ["-t", str(threads), "-c", str(connections), "-d", f"{duration}s"]
        self.options += ["--timeout", "10s"]
        self.threads = threads
        self.commands: list[str] = []

    def get(self, name: str, url: str) -> Figure:
        """Plain GETs of one URL, no cookie."""
        return self._run(name, [*self.options, "-s", str(WRK_DIR / "report.lua"), url])

    def with_sessions(self, name: str, base_url: str, plan_file: Path, once: bool) -> Figure:
        """The requests of a plan file, each with the next ready session."""
        mode = "once" if once else "cycle"
        script = str(WRK_DIR / "sessions.lua")
        arguments = [*self.options, "-s", script, base_url, "--", str(plan_file), mode]
        return self._run(name, [*arguments, str(self.threads)])

    def _run(self, name: str, arguments: list[str]) -> Figure:
        command = ["wrk", *arguments]
        self.commands.append(shlex.join(command))
        finished = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        lines = [line for line in finished.stdout.splitlines() if line.startswith("BENCH ")]
        if finished.returncode != 0 or not lines:
            raise RuntimeError(f"{shlex.join(command)} failed:\n{finished.stdout}{finished.stderr}")
        data = json.loads(lines[-1].removeprefix("BENCH "))
        errors = {key: data[key] for key in ("connect", "read", "write", "timeout") if data[key]}
        if data["status"]:
            errors["non-2xx/3xx"] = data["status"]
        if data["reused"]:
            errors["session used twice"] = data["reused"]
        return Figure(
            name,
            data["requests"],
            data["seconds"],
            data["p50_us"] / 1000,
            data["p99_us"] / 1000,
            errors,
        )


class Bench:
    """The two servers, the measurements in the order they ran, and the ratios."""

    def __init__(self, args: argparse.Namespace, hello: Server, ours: Server) -> None:
        self.args = args
        self.hello = hello
        self.ours = ours
        self.wrk = Wrk(args.duration, args.connections, args.threads)
        self.hellos: list[Figure] = []
        self.rows: list[Row] = []

    def measure_hello(self) -> None:
        url = self.hello.base_url + "/"
        self.hellos.append(self.on(self.hello, lambda: self.wrk.get("bare Flask GET /", url)))

    def on(self, server: Server, run: Callable[[], Figure]) -> Figure:
        """The figure ``run`` returns, with the CPU time ``server``'s workers spent a request."""
        before = server.cpu_seconds()
        figure = run()
        if figure.requests:
            figure.cpu_us = 1e6 * (server.cpu_seconds() - before) / figure.requests
        return figure

    def add(self, figure: Figure, target: float | None = None) -> Figure:
        """Record ``figure`` against the hello runs before and after it (the next one runs now)."""
        before = self.hellos[-1]
        self.measure_hello()
        hello_rps = (before.rps + self.hellos[-1].rps) / 2
        hello_cpu_us = (before.cpu_us + self.hellos[-1].cpu_us) / 2
        self.rows.append(Row(figure, hello_rps, hello_cpu_us, target))
        return figure


def measure(args: argparse.Namespace, bench: Bench, app: Flask, directory: Path) -> None:
    """hello, then each of ours followed by hello: health check, start page, step GET, step
    POST, final submission, whole questionnaires."""
    base_url = bench.ours.base_url
    wrk = bench.wrk
    sessions = make_sessions(app, STEP_SESSIONS)
    step_plan = Plan(step_pages(), sessions).write(directory / "get.tsv")
    post_plan = Plan(step_forms(), sessions).write(directory / "post.tsv")

    def ours(run: Callable[[], Figure]) -> Figure:
        return bench.on(bench.ours, run)

    bench.measure_hello()
    # The app's lightest request (its middleware and one query, no page, no session): the
    # ceiling of every other figure.
    bench.add(ours(lambda: wrk.get("health check GET", base_url + "/healthz")))
    bench.add(ours(lambda: wrk.get("start page GET", base_url + "/")))
    page = ours(lambda: wrk.with_sessions("step page GET", base_url, step_plan, False))
    bench.add(page, TARGETS["step page"])
    steps = ours(lambda: wrk.with_sessions("step POST", base_url, post_plan, False))
    bench.add(steps, TARGETS["step form"])
    name = "final submission POST"
    submit = measure_submissions(bench, bench.ours, app, directory, steps.rps, name)
    bench.add(submit, TARGETS["final submission"])

    before = submission_count(app)
    wrk.commands.append(f"bench.client.run_patients: {args.connections} clients, {args.duration} s")

    def patients() -> Figure:
        run = run_patients(base_url, 10**9, args.connections, float(args.duration))
        return patients_figure(run, args.connections, submission_count(app) - before)

    bench.add(ours(patients))


def measure_submissions(
    bench: Bench, server: Server, app: Flask, directory: Path, step_rps: float, name: str
) -> Figure:
    """Final submissions to ``app`` (served by ``server``), each with its own complete draft,
    so that every one stores a submission; the rows stored checked against the answers."""
    # Enough drafts for twice the step POST rate, at least.
    needed = max(MIN_SUBMIT_SESSIONS, math.ceil(2 * step_rps * bench.args.duration))
    plan_file = Plan(final_submission(), make_sessions(app, needed)).write(directory / "submit.tsv")
    before = submission_count(app)
    submit = bench.on(
        server, lambda: bench.wrk.with_sessions(name, server.base_url, plan_file, True)
    )
    stored = submission_count(app) - before
    answered = submit.requests - submit.errors.get("non-2xx/3xx", 0)
    # Requests still in flight when wrk stops may be stored without being counted.
    if not answered <= stored <= answered + bench.args.connections:
        submit.errors["stored != answered"] = abs(stored - answered)
    submit.note = f"{stored} submissions stored, {answered} answered"
    return submit


def patients_figure(run: Run, clients: int, stored: int) -> Figure:
    """Whole questionnaires over HTTP: every page, every form, as bench/client.py walks them."""
    tally = run.tally
    acknowledged = len(tally.references)
    errors = {
        "5xx": tally.server_errors,
        "cut connections": len(tally.transport_errors),
        "failed questionnaires": len(tally.failures),
        "stored != acknowledged": abs(stored - acknowledged),
    }
    return Figure(
        f"whole questionnaires ({clients} patients)",
        tally.requests,
        run.seconds,
        tally.percentile(50) if tally.latencies else 0.0,
        tally.percentile(99) if tally.latencies else 0.0,
        {name: count for name, count in errors.items() if count},
        note=f"{acknowledged / run.seconds:.1f} submissions/s, {stored} stored",
    )


def server_log_errors(*servers: Server) -> dict[str, int]:
    """Tracebacks and lock errors in the gunicorn logs."""
    found: dict[str, int] = {}
    for server in servers:
        log = server.log()
        for needle in ("Traceback", "database is locked", "WORKER TIMEOUT"):
            if log.count(needle):
                found[f"{needle!r} in {server.log_path.name}"] = log.count(needle)
    return found


def print_report(args: argparse.Namespace, bench: Bench, log_errors: dict[str, int]) -> bool:
    """The table, the bare Flask runs and the commands; True when everything passed."""
    load = os.getloadavg()
    print(
        f"\nThroughput on {args.database}: gunicorn.conf.py, {args.workers} sync workers each, "
        f"wrk {args.threads} threads x {args.connections} connections x {args.duration} s; "
        f"{os.cpu_count()} cores, load average {load[0]:.2f} at the end\n"
    )
    header = (
        f"{'endpoint':<34} {'ours req/s':>10} {'hello req/s':>11} {'ratio':>6} {'target':>7} "
        f"{'p50 ms':>7} {'p99 ms':>7} {'CPU us':>7} {'hello':>6} {'errors':>6}  result"
    )
    print(header)
    print("-" * len(header))
    for row in bench.rows:
        f = row.figure
        target = f">={row.target:.0%}" if row.target is not None else "-"
        verdict = "PASS" if row.passed else "FAIL"
        print(
            f"{f.name:<34} {f.rps:>10.1f} {row.hello_rps:>11.1f} {row.ratio:>6.1%} {target:>7} "
            f"{f.p50_ms:>7.1f} {f.p99_ms:>7.1f} {f.cpu_us:>7.0f} {row.hello_cpu_us:>6.0f} "
            f"{f.error_count:>6}  {verdict}"
        )
        for detail in [f.note, *(f"{k}: {v}" for k, v in f.errors.items())]:
            if detail:
                print(f"{'':<36}{detail}")
    runs = ", ".join(f"{h.rps:.0f}" for h in bench.hellos)
    errors = sum(h.error_count for h in bench.hellos)
    print(f"\nbare Flask runs, in order (req/s): {runs}; errors: {errors}")
    print(
        "CPU us: the server's worker CPU time (user + system) a request, ours and bare Flask's "
        "(mean of the runs before and after); wrk's own CPU time is not in it"
    )
    for name, count in log_errors.items():
        print(f"server log: {name}: {count}")
    print("\ncommands, in order:")
    for command in bench.wrk.commands:
        print(f"  {command}")
    missed = sum(1 for row in bench.rows if row.target is not None and row.ratio < row.target)
    errors += sum(row.figure.error_count for row in bench.rows) + sum(log_errors.values())
    passed = not missed and not errors
    print(
        "\nPASS: every target met, no error"
        if passed
        else f"\nFAIL: {missed} target(s) missed, {errors} error(s)"
    )
    return passed


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.throughput", description=__doc__)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers, each server")
    return parser.parse_args(argv)


@contextmanager
def bench_app(database: str) -> Iterator[tuple[Flask, dict[str, str], Path]]:
    """The app on a fresh database of kind ``database`` with the benchmarks' shared rate limits,
    its environment for the servers, and a temporary folder for their logs and plan files."""
    with (
        tempfile.TemporaryDirectory(prefix="ims-bench-") as temporary,
        production_app(database, **SHARED_RATE_LIMITS) as (app, environment),
    ):
        yield app, environment, Path(temporary)


def wrk_missing() -> bool:
    """Whether wrk is missing (said on standard error)."""
    if shutil.which("wrk") is None:
        print("wrk is missing: run scripts/install-bench-deps", file=sys.stderr)
        return True
    return False


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    if wrk_missing():
        return 2
    with (
        bench_app(args.database) as (app, environment, directory),
        gunicorn(environment, directory / "hello.log", args.workers, "bench.hello:app") as hello,
        gunicorn(environment, directory / "app.log", args.workers) as ours,
    ):
        bench = Bench(args, hello, ours)
        measure(args, bench, app, directory)
        log_errors = server_log_errors(hello, ours)
    return 0 if print_report(args, bench, log_errors) else 1


if __name__ == "__main__":
    sys.exit(main())
