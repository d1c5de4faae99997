"""Running behind a proxy with several workers: forwarded headers, shared rate limits, and
what happens when the shared storage stops."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from flask import Flask, request

from bench.server import free_port
from tests.conftest import make_app
from tests.journey import BASE_ANSWERS, post_step, step_data


def remote_addr_seen(app: Flask, **headers: str) -> tuple[str, str]:
    app.add_url_rule("/whoami", "whoami", lambda: f"{request.remote_addr} {request.scheme}")
    body = app.test_client().get("/whoami", headers=headers).text
    addr, scheme = body.split()
    return addr, scheme


def test_forwarded_headers_are_ignored_without_a_proxy(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    assert remote_addr_seen(app, **{"X-Forwarded-For": "203.0.113.9"}) == ("127.0.0.1", "http")


def test_one_trusted_proxy(tmp_path: Path) -> None:
    app = make_app(tmp_path, PROXY_FIX_HOPS=1)
    seen = remote_addr_seen(
        app, **{"X-Forwarded-For": "198.51.100.1, 203.0.113.9", "X-Forwarded-Proto": "https"}
    )
    assert seen == ("203.0.113.9", "https"), "only the address the proxy itself added counts"


def test_rate_limits_are_shared_through_redis(tmp_path: Path) -> None:
    """Two apps (two workers) on the same Redis share one counter per address."""
    settings = {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/15",
        "RATELIMIT_KEY_PREFIX": f"ims-test-{secrets.token_hex(4)}",
        "SCREENING_RATE_LIMIT": "3 per minute",
    }
    first = make_app(tmp_path, **settings).test_client()
    second = make_app(tmp_path, **settings).test_client()  # same database, other worker
    data = step_data("safety", BASE_ANSWERS)
    statuses = [post_step(client, "safety", data).status_code for client in (first, second, first)]
    assert statuses == [302, 302, 302]
    assert post_step(second, "safety", data).status_code == 429


def test_patients_can_still_send_answers_when_redis_stops(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """With the shared storage unreachable, each worker counts on its own: the limits still
    apply, and nobody meets an error page."""
    settings = {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens
        "SCREENING_RATE_LIMIT": "3 per minute",
    }
    client = make_app(tmp_path, **settings).test_client()
    data = step_data("safety", BASE_ANSWERS)
    statuses = [post_step(client, "safety", data).status_code for _ in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert "falling back to in-memory storage" in caplog.text
