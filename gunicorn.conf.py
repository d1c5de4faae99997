"""gunicorn settings for production: ``gunicorn -c gunicorn.conf.py wsgi:app`` (``make serve``).

Every value can be overridden from the environment (names below) or the command line.
"""

import os
import sys
from pathlib import Path

# config.py sits beside this file; gunicorn reads this file before applying --chdir.
if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from config import gunicorn_workers, require_shared_rate_limits

# Listen on loopback behind the TLS proxy (nginx); the proxy forwards to this address.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers, two per core plus one: requests are short and CPU-bound (Argon2, templates).
# Set the count with WEB_CONCURRENCY: the app (config.py) counts the same way when it loads,
# and refuses per-process rate-limit storage (memory://) under more than one worker;
# on_starting checks again with the count gunicorn really runs (--workers included).
workers = gunicorn_workers()
worker_class = "sync"
# Long enough for a CSV export of a large queue (about a million rows) to finish streaming.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "300"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that no slow leak grows for ever.
max_requests = 2000
max_requests_jitter = 200
# The app is imported once, in the master, and each worker is a fork of it: a worker starts
# (and restarts, after max_requests) in milliseconds instead of importing everything again,
# which cost a second of CPU per restart. Database connections are opened after the fork
# (post_fork below): a connection shared across a fork would corrupt its protocol stream.
preload_app = True
# Errors to standard error; no access log: its lines would hold full URLs and query strings.
# The app logs one line per request itself, with the route pattern only (app.logs).
errorlog = "-"
accesslog = None
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Requests larger than this are refused before they reach the app.
limit_request_line = 4094
limit_request_fields = 100


def post_fork(server, worker):
    """Start each worker with an empty connection pool: the master opens none, but should the
    app ever query while loading, its connections stay the master's (``close=False``)."""
    app = server.app.wsgi()
    if "sqlalchemy" not in getattr(app, "extensions", {}):
        return  # an app without a database (the benchmarks' bare Flask app)
    with app.app_context():
        for engine in app.extensions["sqlalchemy"].engines.values():
            engine.dispose(close=False)


def on_starting(server):
    """Check the rate-limit storage against the workers gunicorn will really run, whatever set
    their count (``--workers``, ``GUNICORN_CMD_ARGS``): the app's own check, when it loads, can
    only count ``WEB_CONCURRENCY``. The app is loaded already (``preload_app``)."""
    config = getattr(server.app.wsgi(), "config", {})
    if config.get("APP_ENV") == "production":
        require_shared_rate_limits(config, server.cfg.workers, counted="its workers setting")
