"""Start the app (or another WSGI app) under gunicorn on a free loopback port, and stop it.

Used by the load test (tests/load) and the benchmarks (bench/): the same gunicorn.conf.py as
production, with the worker count, the database and the rate-limit store set from outside.
Also the benchmarks' fresh databases and production environment.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
START_TIMEOUT_S = 30.0


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def fresh_database(kind: str) -> Iterator[str]:
    """The URL of a new, empty database of ``kind`` (``sqlite``: a file in a temporary folder;
    ``postgresql``: a database on the local server), removed afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="ims-bench-db-") as folder:
            yield f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        return
    from tests.engines import postgres_database

    with postgres_database("ims_bench") as url:
        yield url.render_as_string(hide_password=False)


# Rate limits kept as in production, in the Redis all workers share, but raised: every request
# of a benchmark or of the load test comes from one address.
SHARED_RATE_LIMITS = {
    "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
    "SCREENING_RATE_LIMIT": "1000000 per minute",
}


def production_environment(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a production deployment on ``database_url``, for one run."""
    return {
        **os.environ,
        "APP_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": database_url,
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "WARNING",  # errors only: a line per request would slow the measurement
        # One process: the app built in process, flask db upgrade. gunicorn() below sets its
        # real worker count, which production checks against the rate-limit storage.
        "WEB_CONCURRENCY": "1",
        **extra,
    }


def migrate(environment: Mapping[str, str]) -> None:
    """``flask db upgrade`` on the database the environment names."""
    subprocess.run(  # noqa: S603 - fixed argument list
        [str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=dict(environment),
        check=True,
        capture_output=True,
    )


@dataclass
class Server:
    """A running gunicorn master and where to reach it."""

    process: subprocess.Popen[bytes]
    base_url: str
    log_path: Path

    def worker_pids(self) -> list[int]:
        """The master's live worker processes."""
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return [int(child) for child in children]

    def cpu_seconds(self) -> float:
        """User and system CPU time of every worker so far: the live ones, and those the master
        has already reaped (after ``max_requests``, or killed)."""
        ticks = os.sysconf("SC_CLK_TCK")

        def fields(pid: int) -> list[str]:
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()

        master = fields(self.process.pid)
        total = int(master[13]) + int(master[14])  # cutime, cstime: reaped workers
        for pid in self.worker_pids():
            try:
                worker = fields(pid)
            except FileNotFoundError:  # reaped since the listing: counted above next time
                continue
            total += int(worker[11]) + int(worker[12])  # utime, stime
        return total / ticks

    def kill_worker(self) -> int:
        """SIGKILL one worker, as the kernel's OOM killer or a crash would; returns its pid."""
        victim = self.worker_pids()[0]
        os.kill(victim, signal.SIGKILL)
        return victim

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextmanager
def gunicorn(
    environment: Mapping[str, str],
    log_path: Path,
    workers: int = 4,
    app: str = "wsgi:app",
    chdir: Path = ROOT,
) -> Iterator[Server]:
    """gunicorn with the project's settings and ``workers`` workers, until the block ends."""
    port = free_port()
    env = {**environment, "WEB_CONCURRENCY": str(workers), "GUNICORN_BIND": f"127.0.0.1:{port}"}
    command = [
        str(BIN / "gunicorn"),
        "-c",
        str(ROOT / "gunicorn.conf.py"),
        "--chdir",
        str(chdir),
        app,
    ]
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(  # noqa: S603 - fixed argument list
            command, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT
        )
    server = Server(process, f"http://127.0.0.1:{port}", log_path)
    try:
        _wait_until_serving(server, workers)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_serving(server: Server, workers: int) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited at start:\n{server.log()}")
        try:
            with urllib.request.urlopen(server.base_url + "/", timeout=2) as response:  # noqa: S310
                if response.status == 200 and len(server.worker_pids()) == workers:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not start within {START_TIMEOUT_S} s:\n{server.log()}")
