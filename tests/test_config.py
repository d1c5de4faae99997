"""Configuration: production refuses unsafe settings; development makes its own secret key."""

from __future__ import annotations

import multiprocessing
import re
import runpy
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask

from app import create_app
from config import (
    ENVIRONMENT,
    DevelopmentConfig,
    ProductionConfig,
    TestConfig,
    config_from_environment,
    gunicorn_workers,
)

GOOD_KEY = "k" * 48
PRODUCTION = {"DATABASE_URL": "sqlite:///x.db", "SECRET_KEY": GOOD_KEY}
GUNICORN_CONF = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


def bare_app(tmp_path: Path) -> Flask:
    app = Flask("config_test", instance_path=str(tmp_path / "instance"))
    return app


@pytest.mark.parametrize(
    ("environ", "problem"),
    [
        ({"SECRET_KEY": GOOD_KEY}, "DATABASE_URL"),
        ({"DATABASE_URL": "sqlite:///x.db"}, "SECRET_KEY"),
        ({"DATABASE_URL": "sqlite:///x.db", "SECRET_KEY": "change-me"}, "SECRET_KEY"),
        ({"DATABASE_URL": "sqlite:///x.db", "SECRET_KEY": "short"}, "SECRET_KEY"),
    ],
)
def test_production_refuses_to_start_without_real_settings(
    tmp_path: Path, environ: dict[str, str], problem: str
) -> None:
    app = bare_app(tmp_path)
    app.config.from_object(ProductionConfig)
    with pytest.raises(RuntimeError, match=problem):
        ProductionConfig.load(app, environ)


def test_production_app_starts_with_real_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", GOOD_KEY)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.sqlite3'}")
    monkeypatch.setenv("CLINIC_NAME", "Rideau Physiotherapy")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/15")
    app = create_app()
    assert app.config["SECRET_KEY"] == GOOD_KEY
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SEND_HSTS"] is True
    assert app.debug is False
    assert app.config["CLINIC_NAME"] == "Rideau Physiotherapy"
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/15"


@pytest.mark.parametrize(
    ("environ", "problem"),
    [
        ({}, "RATELIMIT_STORAGE_URI is unset .default 'memory://'.: .* 5 workers"),
        ({"RATELIMIT_STORAGE_URI": "  "}, "RATELIMIT_STORAGE_URI is unset .* 5 workers"),
        ({"RATELIMIT_STORAGE_URI": "memory://"}, "'memory://': .* 5 workers"),
        ({"RATELIMIT_STORAGE_URI": "memory://", "WEB_CONCURRENCY": "4"}, "4 times its sign-in"),
        ({"WEB_CONCURRENCY": "2"}, "Set RATELIMIT_STORAGE_URI=redis://.* or WEB_CONCURRENCY=1"),
    ],
)
def test_production_refuses_per_worker_rate_limits_under_several_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, environ: dict[str, str], problem: str
) -> None:
    """Memory storage counts in each worker: N workers would give every address N times its
    limits. Two cores here: gunicorn.conf.py would start 5 workers by default."""
    monkeypatch.setattr(multiprocessing, "cpu_count", lambda: 2)
    app = bare_app(tmp_path)
    app.config.from_object(ProductionConfig)
    with pytest.raises(RuntimeError, match=problem):
        ProductionConfig.load(app, {**PRODUCTION, **environ})


@pytest.mark.parametrize(
    "environ",
    [
        {"RATELIMIT_STORAGE_URI": "memory://", "WEB_CONCURRENCY": "1"},  # one worker
        {"WEB_CONCURRENCY": "1"},
        {"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"},  # shared by the 5 workers
        {"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0", "WEB_CONCURRENCY": "8"},
        {"RATELIMIT_ENABLED": "false", "WEB_CONCURRENCY": "4"},  # no limits: nothing counted
    ],
)
def test_production_starts_with_shared_rate_limits_or_one_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, environ: dict[str, str]
) -> None:
    monkeypatch.setattr(multiprocessing, "cpu_count", lambda: 2)
    app = bare_app(tmp_path)
    app.config.from_object(ProductionConfig)
    ProductionConfig.load(app, {**PRODUCTION, **environ})
    assert app.config["SECRET_KEY"] == GOOD_KEY


@pytest.mark.parametrize("value", ["0", "-2", "four", "1.5"])
def test_a_bad_worker_count_is_refused(tmp_path: Path, value: str) -> None:
    with pytest.raises(RuntimeError, match="WEB_CONCURRENCY must be a whole number"):
        gunicorn_workers({"WEB_CONCURRENCY": value})
    app = bare_app(tmp_path)
    app.config.from_object(ProductionConfig)
    with pytest.raises(RuntimeError, match="WEB_CONCURRENCY"):
        ProductionConfig.load(app, {**PRODUCTION, "WEB_CONCURRENCY": value})


@pytest.mark.parametrize(("environ", "workers"), [({}, 7), ({"WEB_CONCURRENCY": "3"}, 3)])
def test_the_app_counts_the_workers_gunicorn_conf_starts(
    monkeypatch: pytest.MonkeyPatch, environ: dict[str, str], workers: int
) -> None:
    monkeypatch.setattr(multiprocessing, "cpu_count", lambda: 3)  # 2 x 3 + 1 = 7
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    assert gunicorn_workers(environ) == workers
    assert runpy.run_path(str(GUNICORN_CONF))["workers"] == workers


def test_production_is_the_default_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("APP_ENV", raising=False)
    assert config_from_environment() is ProductionConfig
    monkeypatch.setenv("APP_ENV", "staging")
    with pytest.raises(RuntimeError, match="APP_ENV"):
        config_from_environment()


def test_development_generates_and_keeps_a_secret_key(tmp_path: Path) -> None:
    first, second = bare_app(tmp_path), bare_app(tmp_path)
    DevelopmentConfig.load(first, {})
    DevelopmentConfig.load(second, {})
    key = first.config["SECRET_KEY"]
    assert len(key) >= 32
    assert second.config["SECRET_KEY"] == key
    key_file = tmp_path / "instance" / "secret_key"
    assert key_file.stat().st_mode & 0o777 == 0o600


def test_environment_values_are_parsed(tmp_path: Path) -> None:
    app = bare_app(tmp_path)
    app.config.from_object(DevelopmentConfig)
    DevelopmentConfig.load(
        app,
        {
            "DATABASE_URL": "postgresql+psycopg://db/ims",
            "DRAFT_TTL_MINUTES": "90",
            "HEALTH_LINE": "Info-Santé 811",
            "RATELIMIT_ENABLED": "false",
            "CLINIC_PHONE": "  ",
            "RETENTION_DAYS": " 730 ",
        },
    )
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://db/ims"
    assert app.config["DRAFT_TTL"] == timedelta(minutes=90)
    assert app.config["HEALTH_LINE"] == "Info-Santé 811"
    assert app.config["RATELIMIT_ENABLED"] is False
    assert app.config["CLINIC_PHONE"] is None, "blank values keep the default"
    assert app.config["RETENTION_DAYS"] == 730


def test_retention_days_is_unset_by_default(tmp_path: Path) -> None:
    app = bare_app(tmp_path)
    app.config.from_object(DevelopmentConfig)
    DevelopmentConfig.load(app, {"RETENTION_DAYS": ""})
    assert app.config["RETENTION_DAYS"] is None


@pytest.mark.parametrize("value", ["0", "-30", "two years", "730.5", "1e3"])
def test_retention_days_must_be_a_positive_whole_number(tmp_path: Path, value: str) -> None:
    app = bare_app(tmp_path)
    app.config.from_object(ProductionConfig)
    with pytest.raises(RuntimeError, match="RETENTION_DAYS must be a whole number of days"):
        ProductionConfig.load(
            app, {**PRODUCTION, "RATELIMIT_STORAGE_URI": "redis://", "RETENTION_DAYS": value}
        )


def test_default_database_is_a_sqlite_file_in_the_instance_folder(tmp_path: Path) -> None:
    app = bare_app(tmp_path)
    app.config.from_object(DevelopmentConfig)
    DevelopmentConfig.load(app, {})
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    assert uri == f"sqlite:///{tmp_path / 'instance' / 'ims-screen.sqlite3'}"


def test_test_config_ignores_the_environment(tmp_path: Path) -> None:
    app = bare_app(tmp_path)
    app.config.from_object(TestConfig)
    TestConfig.load(app, {"CLINIC_NAME": "Should not be read"})
    assert app.config["CLINIC_NAME"] == "Test Physio Clinic"


@pytest.mark.sqlite_only
def test_sqlite_is_set_up_for_durability(app: Flask) -> None:
    from sqlalchemy import text

    from app.extensions import db

    with app.app_context(), db.engine.connect() as connection:
        pragma = {
            name: connection.execute(text(f"PRAGMA {name}")).scalar()
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        }
    assert pragma == {
        "journal_mode": "wal",
        "synchronous": 2,  # FULL
        "foreign_keys": 1,
        "busy_timeout": 10_000,
    }


@pytest.mark.parametrize("value", ["enabled", "y", "ture", "2"])
def test_a_switch_that_is_neither_true_nor_false_is_refused(tmp_path: Path, value: str) -> None:
    """A typo must not turn rate limiting (and the check of its storage) off."""
    app = bare_app(tmp_path)
    app.config.from_object(ProductionConfig)
    with pytest.raises(RuntimeError, match="RATELIMIT_ENABLED: expected true or false"):
        ProductionConfig.load(app, {**PRODUCTION, "RATELIMIT_ENABLED": value})


@pytest.mark.parametrize(("value", "expected"), [("on", True), ("No", False), ("0", False)])
def test_switches_take_the_usual_spellings(tmp_path: Path, value: str, expected: bool) -> None:
    app = bare_app(tmp_path)
    app.config.from_object(DevelopmentConfig)
    DevelopmentConfig.load(app, {"RATELIMIT_ENABLED": value})
    assert app.config["RATELIMIT_ENABLED"] is expected


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SCREENING_RATE_LIMIT", "thirty per minute"),
        ("LOGIN_RATE_LIMIT", "10 per fortnight"),
        ("LOGIN_RATE_LIMIT", "0 per minute"),
        ("DRAFT_TTL_MINUTES", "-5"),
        ("RESULT_TTL_MINUTES", "0"),
        ("PROXY_FIX_HOPS", "-1"),
        ("LOG_LEVEL", "VERBOSE"),
        ("LOG_FORMAT", "yaml"),
    ],
)
def test_a_setting_the_app_cannot_use_stops_it_and_is_named(
    tmp_path: Path, name: str, value: str
) -> None:
    """A rate limit the limiter could not read would leave its forms unlimited, silently."""
    app = bare_app(tmp_path)
    app.config.from_object(ProductionConfig)
    with pytest.raises(RuntimeError, match=f"^{name}: expected"):
        ProductionConfig.load(app, {**PRODUCTION, "RATELIMIT_STORAGE_URI": "redis://", name: value})


def test_limits_and_levels_in_the_usual_forms_are_taken(tmp_path: Path) -> None:
    app = bare_app(tmp_path)
    app.config.from_object(DevelopmentConfig)
    DevelopmentConfig.load(
        app,
        {"SCREENING_RATE_LIMIT": "5/second", "LOG_LEVEL": "warning", "PROXY_FIX_HOPS": "0"},
    )
    assert app.config["SCREENING_RATE_LIMIT"] == "5/second"
    assert app.config["LOG_LEVEL"] == "WARNING"
    assert app.config["PROXY_FIX_HOPS"] == 0


def test_production_refuses_plain_text_logs(tmp_path: Path) -> None:
    """Only the JSON logs leave out paths and exception messages (app.logs)."""
    app = bare_app(tmp_path)
    app.config.from_object(ProductionConfig)
    with pytest.raises(RuntimeError, match="LOG_FORMAT must be json in production"):
        ProductionConfig.load(
            app, {**PRODUCTION, "RATELIMIT_STORAGE_URI": "redis://", "LOG_FORMAT": "text"}
        )


def test_the_test_settings_cannot_be_chosen_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """They ignore the environment (a public secret key, no rate limits, cheap hashing)."""
    monkeypatch.setenv("APP_ENV", "test")
    with pytest.raises(RuntimeError, match="APP_ENV must be one of development, production"):
        config_from_environment()


def test_every_setting_is_in_env_example_and_the_readme() -> None:
    """Operators learn the settings from these two files (gunicorn.conf.py reads its own)."""
    root = GUNICORN_CONF.parent
    names = {*ENVIRONMENT, "APP_ENV", "WEB_CONCURRENCY"}
    names |= set(re.findall(r"environ\.get\(\"([A-Z_]+)\"", GUNICORN_CONF.read_text()))
    example = set(re.findall(r"^#? ?([A-Z][A-Z_]+)=", (root / ".env.example").read_text(), re.M))
    readme = (root / "README.md").read_text()
    assert names - example == set()
    assert {name for name in names if f"`{name}`" not in readme} == set()


def test_env_example_can_be_loaded_by_a_shell() -> None:
    """The same file serves systemd's EnvironmentFile= and a shell running flask commands."""
    loaded = subprocess.run(
        ["/bin/sh", "-c", 'set -a; . ./.env.example; printf %s "$SCREENING_RATE_LIMIT"'],
        cwd=GUNICORN_CONF.parent,
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stderr == ""
    assert loaded.stdout == "30 per minute;300 per hour"
