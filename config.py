"""Configuration classes.

Class attributes are safe defaults. Values from the environment are read when the app is
created (``Config.load``), never at import time, so tests stay hermetic.
"""

from __future__ import annotations

import multiprocessing
import os
import secrets
from collections.abc import Callable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar

from flask import Flask
from limits import parse_many

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_PLACEHOLDER_KEYS = {"", "change-me", "changeme", "dev", "secret", "development"}
MIN_SECRET_KEY_LENGTH = 32
# The config key listing the environment variables ``Config.load`` applied: the settings page
# says which clinic settings came from the environment.
ENVIRONMENT_APPLIED = "ENVIRONMENT_APPLIED"


def _whole(value: str, least: int) -> int:
    """A whole number of at least ``least``; anything else is refused (ValueError)."""
    try:
        number = int(value)
    except ValueError:
        number = least - 1
    if number < least:
        raise ValueError(f"expected a whole number, at least {least}, not {value!r}")
    return number


def _minutes(value: str) -> timedelta:
    return timedelta(minutes=_whole(value, 1))


def _rate_limits(value: str) -> str:
    """Limits such as ``30 per minute;300 per hour``, each above zero. A limit the rate limiter
    could not read would be skipped without a word, leaving the forms it guards unlimited."""
    try:
        limits = parse_many(value)
    except ValueError:
        limits = []
    if not limits or any(limit.amount < 1 for limit in limits):
        raise ValueError(f"expected limits such as '30 per minute;300 per hour', not {value!r}")
    return value


def _log_format(value: str) -> str:
    value = value.lower()
    if value not in {"json", "text"}:
        raise ValueError(f"expected json or text, not {value!r}")
    return value


def _log_level(value: str) -> str:
    level = value.upper()
    if level not in LOG_LEVELS:
        raise ValueError(f"expected one of {', '.join(LOG_LEVELS)}, not {value!r}")
    return level


def _bool(value: str) -> bool:
    """``true``/``false`` and their usual spellings; anything else stops the app, so that a typo
    never turns a protection off."""
    word = value.strip().lower()
    if word in {"1", "true", "yes", "on"}:
        return True
    if word in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"expected true or false, not {value!r}")


def _smtp_security(value: str) -> str:
    value = value.lower()
    if value not in SMTP_SECURITY_MODES:
        raise ValueError(f"must be one of {', '.join(SMTP_SECURITY_MODES)}, not {value!r}")
    return value


def _public_url(value: str) -> str:
    if not value.startswith(("https://", "http://")):
        raise ValueError(
            f"must be the address staff open, like https://screen.example.org, not {value!r}"
        )
    return value.rstrip("/")


def _retention_days(value: str) -> int:
    try:
        days = int(value)
    except ValueError:
        days = 0
    if days < 1:
        raise RuntimeError(
            f"RETENTION_DAYS must be a whole number of days, at least 1, not {value!r} "
            "(leave it unset to pass the period to each purge with --older-than)."
        )
    return days


def gunicorn_workers(environ: Mapping[str, str] | None = None) -> int:
    """How many workers gunicorn.conf.py starts: ``WEB_CONCURRENCY``, else two per core plus one.

    gunicorn.conf.py calls this too, so that production's check of the rate-limit storage
    counts the workers gunicorn really runs (unless ``--workers`` overrides the file).
    """
    source = os.environ if environ is None else environ
    value = source.get("WEB_CONCURRENCY", "").strip()
    if not value:
        return multiprocessing.cpu_count() * 2 + 1
    try:
        workers = int(value)
    except ValueError:
        workers = 0
    if workers < 1:
        raise RuntimeError(f"WEB_CONCURRENCY must be a whole number, at least 1, not {value!r}.")
    return workers


# Environment variable -> parser. Every variable an operator may set is listed here and in
# .env.example; the README's configuration table documents each one.
ENVIRONMENT: dict[str, Callable[[str], Any]] = {
    "SECRET_KEY": str,
    "DATABASE_URL": str,
    "CLINIC_NAME": str,
    "CLINIC_PHONE": str,
    "CLINIC_EMAIL": str,
    "CLINIC_ADDRESS": str,
    "CLINIC_BOOKING_URL": str,
    "EMERGENCY_NUMBER": str,
    "HEALTH_LINE": str,
    "HEALTH_LINE_NUMBER": str,
    "DRAFT_TTL_MINUTES": _minutes,
    "RESULT_TTL_MINUTES": _minutes,
    "RATELIMIT_STORAGE_URI": str,
    "SCREENING_RATE_LIMIT": _rate_limits,
    "RATELIMIT_ENABLED": _bool,
    "LOGIN_RATE_LIMIT": _rate_limits,
    "LOG_FORMAT": _log_format,
    "PROXY_FIX_HOPS": lambda value: _whole(value, 0),
    "LOG_LEVEL": _log_level,
    "RETENTION_DAYS": _retention_days,
    "RESPONSE_TARGET_DAYS": lambda value: _whole(value, 1),
    "PUBLIC_URL": _public_url,
    "SMTP_HOST": str,
    "SMTP_PORT": lambda value: _whole(value, 1),
    "SMTP_SECURITY": _smtp_security,
    "SMTP_USER": str,
    "SMTP_PASSWORD": str,
    "MAIL_SENDER": str,
    "NOTIFY_GIVE_UP_HOURS": lambda value: timedelta(hours=_whole(value, 1)),
    # Fernet keys, newest first, sealing TOTP secrets (app.sealing checks each at start-up).
    "TOTP_ENCRYPTION_KEYS": lambda value: tuple(k.strip() for k in value.split(",") if k.strip()),
}
# Variables whose config key differs from the environment name.
_RENAMED = {
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "DRAFT_TTL_MINUTES": "DRAFT_TTL",
    "RESULT_TTL_MINUTES": "RESULT_TTL",
    "NOTIFY_GIVE_UP_HOURS": "NOTIFY_GIVE_UP",
}
# How the sender talks to the mail server: STARTTLS on the submission port, TLS from the
# first byte (port 465), or plain (a relay on the same machine only).
SMTP_SECURITY_MODES = ("starttls", "tls", "none")


class Config:
    """Defaults shared by every environment; secure unless a subclass relaxes them."""

    APP_ENV: ClassVar[str] = "base"
    READS_ENVIRONMENT: ClassVar[bool] = True

    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None  # None: a SQLite file in the instance folder
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict[str, Any]] = {"pool_pre_ping": True}

    # Requests: the whole questionnaire is a few kilobytes; anything far larger is refused.
    MAX_CONTENT_LENGTH = 32 * 1024
    MAX_FORM_MEMORY_SIZE = 32 * 1024
    MAX_FORM_PARTS = 200

    SESSION_COOKIE_NAME = "ims_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    SEND_HSTS = True

    # A patient in pain may take a while on one page: the CSRF token outlives a draft.
    WTF_CSRF_TIME_LIMIT = 4 * 3600

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "America/Toronto"
    BABEL_TRANSLATION_DIRECTORIES = str(Path(__file__).parent / "app" / "translations")
    LANGUAGES: ClassVar[tuple[str, ...]] = ("en", "fr_CA")

    # The clinic's first settings: admins change them on /admin/settings (app.settings).
    CLINIC_NAME: str | None = None
    CLINIC_PHONE: str | None = None
    CLINIC_EMAIL: str | None = None
    CLINIC_ADDRESS: str | None = None
    CLINIC_BOOKING_URL: str | None = None
    EMERGENCY_NUMBER = "911"
    HEALTH_LINE: str | None = None  # None: the translated default, "Health811 (call 811)"
    HEALTH_LINE_NUMBER = "811"  # what the see-a-doctor page's call link dials

    # Staff sign-in (QUALITY.md): Argon2id costs, session lifetimes, brute-force limits.
    ARGON2_TIME_COST = 2
    ARGON2_MEMORY_COST = 19456  # KiB
    ARGON2_PARALLELISM = 1
    STAFF_IDLE_TIMEOUT = timedelta(minutes=30)
    STAFF_SESSION_MAX_AGE = timedelta(hours=12)
    LOGIN_FREE_ATTEMPTS = 5
    LOGIN_MAX_DELAY = timedelta(minutes=15)
    LOGIN_RATE_LIMIT = "10 per minute;100 per hour"
    STAFF_PAGE_SIZE = 25
    # The clinic's promise of a first contact: within this many business days (Monday to
    # Friday in BABEL_DEFAULT_TIMEZONE). The queue marks what is past it.
    RESPONSE_TARGET_DAYS = 1

    # Proxies in front whose X-Forwarded-* headers are trusted (0: none).
    PROXY_FIX_HOPS = 0

    # Logs: JSON lines in production (app.logs), never patient data.
    LOG_FORMAT = "text"
    LOG_LEVEL = "INFO"

    DRAFT_TTL = timedelta(hours=3)
    RESULT_TTL = timedelta(minutes=60)

    RATELIMIT_ENABLED = True
    # Each process counts on its own: production refuses it with more than one worker.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = False
    # Should the shared storage (Redis) stop answering, each worker counts on its own until it
    # answers again (checked at growing intervals), so that patients can still send their
    # answers; the rate limiter logs the switch both ways. Waits for it are kept short.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_STORAGE_OPTIONS: ClassVar[dict[str, float]] = {
        "socket_connect_timeout": 1.0,
        "socket_timeout": 1.0,
    }
    SCREENING_RATE_LIMIT = "30 per minute;300 per hour"

    # Days after which ``flask purge`` deletes a submission; None: --older-than on each run.
    RETENTION_DAYS: int | None = None

    # Notifications (app.notify): the address of the staff pages in links, the mail server,
    # and how long the sender keeps retrying a message before it shows it to admins as failed.
    PUBLIC_URL: str | None = None
    SMTP_HOST: str | None = None
    SMTP_PORT = 587
    SMTP_SECURITY = "starttls"
    SMTP_USER: str | None = None
    SMTP_PASSWORD: str | None = None
    MAIL_SENDER: str | None = None
    NOTIFY_GIVE_UP = timedelta(hours=24)
    TOTP_ENCRYPTION_KEYS: tuple[str, ...] = ()  # none: secrets in the clear (app.sealing)

    @classmethod
    def load(cls, app: Flask, environ: Mapping[str, str] | None = None) -> None:
        """Apply the environment to ``app.config`` and check what this environment requires."""
        applied: set[str] = set()
        if cls.READS_ENVIRONMENT:
            source = os.environ if environ is None else environ
            for name, parse in ENVIRONMENT.items():
                if source.get(name, "").strip():
                    try:
                        app.config[_RENAMED.get(name, name)] = parse(source[name].strip())
                    except ValueError as error:  # e.g. int("five"): say which setting
                        raise RuntimeError(f"{name}: {error}.") from None
                    applied.add(name)
        app.config[ENVIRONMENT_APPLIED] = frozenset(applied)
        if not app.config.get("SQLALCHEMY_DATABASE_URI"):
            Path(app.instance_path).mkdir(parents=True, exist_ok=True)
            app.config["SQLALCHEMY_DATABASE_URI"] = (
                f"sqlite:///{Path(app.instance_path) / 'ims-screen.sqlite3'}"
            )


class DevelopmentConfig(Config):
    """Local development: plain HTTP, a generated secret key kept in the instance folder."""

    APP_ENV = "development"
    SESSION_COOKIE_SECURE = False
    SEND_HSTS = False

    @classmethod
    def load(cls, app: Flask, environ: Mapping[str, str] | None = None) -> None:
        super().load(app, environ)
        if not app.config.get("SECRET_KEY"):
            key_file = Path(app.instance_path) / "secret_key"
            if not key_file.exists():
                key_file.parent.mkdir(parents=True, exist_ok=True)
                key_file.write_text(secrets.token_urlsafe(48))
                key_file.chmod(0o600)
            app.config["SECRET_KEY"] = key_file.read_text().strip()


class TestConfig(Config):
    """The test suite: hermetic (ignores the environment), no rate limits unless a test asks."""

    APP_ENV = "test"
    READS_ENVIRONMENT = False
    TESTING = True
    SECRET_KEY = "test-secret-key-that-is-long-enough-for-tests"  # noqa: S105
    SESSION_COOKIE_SECURE = False
    RATELIMIT_ENABLED = False
    CLINIC_NAME = "Test Physio Clinic"
    CLINIC_PHONE = "613-555-0100"
    CLINIC_BOOKING_URL = "https://booking.example.org/ims"
    # Cheaper hashing keeps the suite fast; production keeps the QUALITY.md minimum.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024


class ProductionConfig(Config):
    """Production: refuses to start without a real secret key and an explicit database, with
    logs that could hold patient data, or with rate limits that each of several workers would
    count on its own."""

    APP_ENV = "production"
    LOG_FORMAT = "json"

    @classmethod
    def load(cls, app: Flask, environ: Mapping[str, str] | None = None) -> None:
        source = os.environ if environ is None else environ
        if not source.get("DATABASE_URL", "").strip():
            raise RuntimeError("DATABASE_URL must be set in production.")
        super().load(app, environ)
        key = app.config.get("SECRET_KEY") or ""
        if key.lower() in _PLACEHOLDER_KEYS or len(key) < MIN_SECRET_KEY_LENGTH:
            raise RuntimeError(
                f"SECRET_KEY must be set to a random value of at least {MIN_SECRET_KEY_LENGTH} "
                "characters in production, e.g. python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))'."
            )
        if app.config["LOG_FORMAT"] != "json":
            raise RuntimeError(
                "LOG_FORMAT must be json in production (text is for development): only the JSON "
                "logs leave out paths and error messages, which may hold patient data."
            )
        _require_shared_rate_limits(app, source)


def _require_shared_rate_limits(app: Flask, environ: Mapping[str, str]) -> None:
    """Refuse per-process rate-limit counters when gunicorn would run several processes, as
    gunicorn.conf.py counts them (it checks again with the count gunicorn really runs)."""
    require_shared_rate_limits(app.config, gunicorn_workers(environ), environ)


def require_shared_rate_limits(
    config: Mapping[str, Any],
    workers: int,
    environ: Mapping[str, str] | None = None,
    counted: str = "WEB_CONCURRENCY, else 2 x cores + 1",
) -> None:
    """Refuse per-process rate-limit counters under more than one worker: each worker would
    count alone, multiplying every per-address limit by the workers."""
    if not config.get("RATELIMIT_ENABLED", True):
        return  # no limits at all: nothing is counted, wherever the storage is
    storage = (config.get("RATELIMIT_STORAGE_URI") or "").strip()
    if storage and not storage.lower().startswith("memory://"):
        return
    if workers > 1:
        source = os.environ if environ is None else environ
        unset = not source.get("RATELIMIT_STORAGE_URI", "").strip()
        shown = f"unset (default {storage or 'memory://'!r})" if unset else repr(storage)
        raise RuntimeError(
            f"RATELIMIT_STORAGE_URI is {shown}: rate limits would be counted in each worker's "
            f"memory, and gunicorn would run {workers} workers ({counted}), so every address "
            f"would get {workers} times its sign-in and questionnaire "
            "limits. Set RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0 (a Redis all workers "
            "share), or WEB_CONCURRENCY=1 to run a single worker."
        )


# What APP_ENV may name. TestConfig is not among them: it ignores the environment, and the
# test suite passes it directly.
CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
}


def config_from_environment() -> type[Config]:
    """The config class named by ``APP_ENV``; production when unset, so mistakes fail safe."""
    name = os.environ.get("APP_ENV", "production").strip().lower()
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"APP_ENV must be one of {', '.join(CONFIGS)}, not {name!r}.") from None
