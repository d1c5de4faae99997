"""CPU time per request in process: where the throughput benchmark's ratios come from.

``python -m bench.inprocess`` (``--help`` for the options) builds the app as a gunicorn worker
would (production settings, a fresh migrated database, the local Redis for rate limits) and
calls it as a WSGI server does, without a network, alternating with bench/hello.py in rounds.
For each request it prints the CPU time of a call (``time.process_time``, median of the rounds)
and that time in bare Flask requests and in health checks. ``--profile DIR`` also writes a
cProfile file per request kind, for ``python -m pstats``; ``--set NAME=VALUE`` changes a
setting, to see what a part of the app costs.

Requests: the bare Flask app, the health check, the start page, every step page and every step
form (a session whose draft is complete), and the final submission (a new complete draft each
call, so that every call stores one).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from itertools import repeat
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Flask

from bench.hello import app as hello
from bench.server import SHARED_RATE_LIMITS
from bench.sessions import final_submission, make_sessions, production_app, step_forms, step_pages

Call = Callable[[], None]


def wsgi_call(
    app: Flask, method: str, path: str, body: str, sessions: Iterator[tuple[str, str]]
) -> Call:
    """One request as gunicorn makes it: a fresh environ, the body read to the end; each call
    takes the next of ``sessions`` (a cookie and the CSRF token its forms carry)."""

    def start_response(status: str, _headers: Any, _exc: Any = None) -> Callable[[bytes], object]:
        if not status.startswith(("200", "302")):
            raise RuntimeError(f"{method} {path}: {status}")
        return lambda _data: None

    def call() -> None:
        cookie, token = next(sessions)
        data = "&".join(part for part in (body, urlencode({"csrf_token": token})) if part)
        payload = data.encode() if method == "POST" else b""
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_COOKIE": cookie,
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
            "CONTENT_LENGTH": str(len(payload)),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(payload),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        response = app(environ, start_response)
        b"".join(response)
        getattr(response, "close", lambda: None)()

    return call


def requests(app: Flask, calls: int, rounds: int) -> dict[str, Call]:
    """Every measured request kind, ready to call."""
    nobody = ("", "")
    walked = make_sessions(app, 1)[0]
    kinds: dict[str, Call] = {
        "bare Flask GET /": wsgi_call(hello, "GET", "/", "", repeat(nobody)),
        "health check GET": wsgi_call(app, "GET", "/healthz", "", repeat(nobody)),
        "start page GET": wsgi_call(app, "GET", "/", "", repeat(nobody)),
    }
    for method, path, body in step_pages() + step_forms():
        kinds[f"{method} {path}"] = wsgi_call(app, method, path, body, repeat(walked))
    method, path, body = final_submission()[0]
    fresh = iter(make_sessions(app, calls * (rounds + 1)))
    kinds["final submission POST"] = wsgi_call(app, method, path, body, fresh)
    return kinds


def measure(
    kinds: dict[str, Call],
    calls: int,
    rounds: int,
    pick: Callable[[list[float]], float] = statistics.median,
) -> dict[str, float]:
    """``pick`` (the median, by default) over ``rounds`` of the CPU seconds a call, the kinds'
    rounds alternating."""
    for call in kinds.values():
        call()  # warm: templates compiled, statements cached
    times: dict[str, list[float]] = {name: [] for name in kinds}
    for _ in range(rounds):
        for name, call in kinds.items():
            started = time.process_time()
            for _ in range(calls):
                call()
            times[name].append((time.process_time() - started) / calls)
    return {name: pick(values) for name, values in times.items()}


def _repeat(call: Call, calls: int) -> None:
    for _ in range(calls):
        call()


def profile(kinds: dict[str, Call], calls: int, directory: Path) -> None:
    """A cProfile file per request kind, timed in CPU time as the figures are (waiting for the
    disk or Redis is not counted)."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, call in kinds.items():
        profiler = cProfile.Profile(time.process_time)
        profiler.runcall(_repeat, call, calls)
        target = directory / (name.replace(" ", "_").replace("/", "_") + ".prof")
        profiler.dump_stats(target)
        print(f"wrote {target}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.inprocess", description=__doc__)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--calls", type=int, default=200, help="calls a round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", type=Path, help="write cProfile files to this folder")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a setting over the production ones, as in the environment (repeatable), "
        "e.g. RATELIMIT_ENABLED=false to see what the rate limiter costs",
    )
    args = parser.parse_args(argv)
    settings = dict(setting.split("=", 1) for setting in args.set)
    with production_app(args.database, **(SHARED_RATE_LIMITS | settings)) as (app, _environment):
        kinds = requests(app, args.calls, args.rounds + (1 if args.profile else 0))
        figures = measure(kinds, args.calls, args.rounds)
        if args.profile:
            profile(kinds, args.calls, args.profile)
    bare, health = figures["bare Flask GET /"], figures["health check GET"]
    print(f"\nCPU a request, in process, {args.database}: median of {args.rounds} rounds")
    if settings:
        print("settings: " + ", ".join(f"{name}={value}" for name, value in settings.items()))
    print(f"{'request':<32} {'µs':>8} {'x bare':>8} {'x health':>9}")
    for name, seconds in figures.items():
        print(f"{name:<32} {seconds * 1e6:>8.0f} {seconds / bare:>8.1f} {seconds / health:>9.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
