"""gunicorn.conf.py: workers are forks of a preloaded app and open their own connections, and
gunicorn refuses per-worker rate limits under the workers it really runs."""

from __future__ import annotations

import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import Flask
from sqlalchemy import text

from app.extensions import db

CONF = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


def test_production_defaults(monkeypatch) -> None:
    for name in ("WEB_CONCURRENCY", "GUNICORN_BIND", "GUNICORN_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    settings = runpy.run_path(str(CONF))
    assert settings["preload_app"] is True
    assert settings["bind"] == "127.0.0.1:8000"
    assert settings["workers"] >= 3
    assert settings["timeout"] >= 300  # a large export streams for minutes
    assert settings["accesslog"] is None  # its lines would hold full URLs


def test_a_forked_worker_starts_with_no_connection_of_the_master(app: Flask) -> None:
    with app.app_context():
        db.session.execute(text("SELECT 1"))
        db.session.remove()
        pool = db.engine.pool
        assert pool.checkedin() == 1  # the "master" holds a connection
    server = SimpleNamespace(app=SimpleNamespace(wsgi=lambda: app))
    runpy.run_path(str(CONF))["post_fork"](server, None)
    with app.app_context():
        assert db.engine.pool is not pool
        assert db.engine.pool.checkedin() == 0
    assert pool.checkedin() == 1  # left open for the master, not closed under it
    pool.dispose()  # the test is the master here: close its connection


def test_an_app_without_a_database_forks_as_it_is() -> None:
    """The benchmarks' bare Flask app: nothing to dispose, and the worker serves it as before."""
    bare = Flask("bare")
    bare.add_url_rule("/", view_func=lambda: "Hello")
    server = SimpleNamespace(app=SimpleNamespace(wsgi=lambda: bare))
    runpy.run_path(str(CONF))["post_fork"](server, None)
    assert bare.extensions == {}
    assert bare.test_client().get("/").text == "Hello"


def production_server(workers: int, **settings: object) -> SimpleNamespace:
    """What on_starting sees: gunicorn's arbiter, with its settings and the preloaded app."""
    app = Flask("production")
    app.config.update(APP_ENV="production", RATELIMIT_ENABLED=True, **settings)
    return SimpleNamespace(
        app=SimpleNamespace(wsgi=lambda: app), cfg=SimpleNamespace(workers=workers)
    )


def test_gunicorn_refuses_memory_rate_limits_under_workers_it_was_given(monkeypatch) -> None:
    """``gunicorn --workers 4`` with WEB_CONCURRENCY=1: the app's own check passed at load."""
    monkeypatch.setenv("WEB_CONCURRENCY", "1")
    on_starting = runpy.run_path(str(CONF))["on_starting"]
    with pytest.raises(RuntimeError, match="gunicorn would run 4 workers"):
        on_starting(production_server(4, RATELIMIT_STORAGE_URI="memory://"))
    on_starting(production_server(1, RATELIMIT_STORAGE_URI="memory://"))
    on_starting(production_server(4, RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0"))


def test_gunicorn_leaves_other_apps_alone() -> None:
    """The benchmarks' bare Flask app, or a development app, has no such check: settings
    refused in production start there."""
    on_starting = runpy.run_path(str(CONF))["on_starting"]
    server = production_server(4)  # rate limits counted in memory, under four workers
    with pytest.raises(RuntimeError, match="gunicorn would run 4 workers"):
        on_starting(server)
    server.app.wsgi().config["APP_ENV"] = "development"
    on_starting(server)
    bare = Flask("bare")
    on_starting(
        SimpleNamespace(app=SimpleNamespace(wsgi=lambda: bare), cfg=SimpleNamespace(workers=4))
    )
