"""How far the fixed stack itself is from the step targets, in one run.

``python -m bench.floor`` (the same options as ``bench.throughput``): bench/hello.py, the
reference pages of bench/floor_app.py and the app, each under gunicorn with the same
gunicorn.conf.py and worker count, all running, the reference pages on the app's own database
(SQLite or PostgreSQL, ``--database``); then ``wrk`` against hello and each other page in turn,
as bench/throughput.py does. Each figure is a share of the bare Flask runs just before and
after it, against QUALITY.md's targets: 20% for a step page, 10% for a step form, 6% for a
final submission.

The reference pages read a session cookie and one row, make a CSRF token and answer 8 KB; the
reference form checks a Flask-WTF form, saves one row and redirects; the reference submission
checks the form, reads the row, inserts a submission and its audit row, clears the draft and
redirects; nothing of the app's (bench/floor_app.py). When even they miss a target, no work on
the app's own page can reach it under these settings. Exits 0 whatever the ratios: it
measures, it does not judge.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlencode

from bench.floor_app import ANSWERS, draft, metadata
from bench.server import Server, gunicorn
from bench.sessions import Plan, make_sessions, step_forms, step_pages
from bench.throughput import (
    TARGETS,
    Bench,
    Figure,
    bench_app,
    measure_submissions,
    parse,
    print_report,
    server_log_errors,
    wrk_missing,
)

FORM = urlencode(ANSWERS)
# method, path, body, the target it stands for, name
REFERENCE_REQUESTS = [
    ("GET", "/row", "", "step page", "reference page: session, row, token, string"),
    ("GET", "/jinja", "", "step page", "reference page: ... and a Jinja loop"),
    ("GET", "/wtforms", "", "step page", "reference page: ... a WTForms form"),
    ("POST", "/wtforms", FORM, "step form", "reference form: check, UPDATE, redirect"),
    ("POST", "/submit", FORM, "final submission", "reference submission: 2 INSERTs, UPDATE"),
]


def reference_session(url: str, secret_key: str) -> tuple[str, str]:
    """Store the reference pages' one row; the cookie of a browser whose session holds its
    token, and the CSRF token its form carries."""
    from flask import session
    from flask_wtf.csrf import generate_csrf
    from sqlalchemy import create_engine

    from bench.floor_app import app

    token = "reference-token"  # noqa: S105 - a session of the benchmark's own
    engine = create_engine(url)
    metadata.create_all(engine)
    with engine.begin() as connection:
        row = {"token_hash": hashlib.sha256(token.encode()).hexdigest()}
        connection.execute(draft.insert(), [{**row, "answers": json.dumps(ANSWERS)}])
    engine.dispose()
    app.config["SECRET_KEY"] = secret_key
    with app.test_request_context():
        session["token"] = token
        csrf_token = generate_csrf()
        signed = app.session_interface.get_signing_serializer(app).dumps(dict(session))  # type: ignore[attr-defined]
    return f"{app.config['SESSION_COOKIE_NAME']}={signed}", csrf_token


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    if wrk_missing():
        return 2
    with bench_app(args.database) as (app, environment, directory):
        floor_url = environment["DATABASE_URL"]  # the same engine and database as the app
        reference = reference_session(floor_url, environment["SECRET_KEY"])
        floor_environment = {**environment, "FLOOR_DATABASE_URL": floor_url}
        plans = [
            (name, Plan([(method, path, body)], [reference] * args.threads), TARGETS[target])
            for method, path, body, target, name in REFERENCE_REQUESTS
        ]
        sessions = make_sessions(app, 2000)
        ours_plans = [
            ("the app's step page GET", Plan(step_pages(), sessions), TARGETS["step page"]),
            ("the app's step POST", Plan(step_forms(), sessions), TARGETS["step form"]),
        ]
        with (
            gunicorn(
                environment, directory / "hello.log", args.workers, "bench.hello:app"
            ) as hello,
            gunicorn(
                floor_environment, directory / "floor.log", args.workers, "bench.floor_app:app"
            ) as floor,
            gunicorn(environment, directory / "app.log", args.workers) as ours,
        ):
            bench = Bench(args, hello, floor)
            bench.measure_hello()
            runs = [(floor, plan) for plan in plans] + [(ours, plan) for plan in ours_plans]
            figures: dict[str, Figure] = {}
            for number, (server, (name, plan, target)) in enumerate(runs):
                plan_file = plan.write(directory / f"plan-{number}.tsv")

                def run(
                    server: Server = server, name: str = name, plan_file: Path = plan_file
                ) -> Figure:
                    return bench.wrk.with_sessions(name, server.base_url, plan_file, False)

                figures[name] = bench.add(bench.on(server, run), target)
            step_rps = figures["the app's step POST"].rps  # how many drafts submissions need
            name = "the app's final submission POST"
            submit = measure_submissions(bench, ours, app, directory, step_rps, name)
            bench.add(submit, TARGETS["final submission"])
            print_report(args, bench, server_log_errors(hello, floor, ours))
    print(f"\nreference pages: bench/floor_app.py; load average {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
