"""Browser tests: the app on a real local server, driven by Playwright in Debian's Chromium.

Run by ``make check`` (``make browser-test``), which installs Chromium and axe-core first with
``scripts/install-browser-deps``. Playwright's own browser download is never used: the tests
launch ``/usr/bin/chromium``. A missing browser fails the run instead of skipping it.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from werkzeug.serving import make_server

from app.auth.passwords import hash_password
from app.extensions import db
from app.models import StaffUser
from tests.conftest import make_app

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).with_name("node_modules") / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
STAFF_PASSWORD = "plum-kettle-harbour-42"
_emails = itertools.count(1)


# Werkzeug's development server leaves a static file open when the browser drops the
# connection while it is being sent (its clean-up read raises before it closes the response):
# the file is closed when collected, with a ResourceWarning that fails whichever test is
# running. Only that server does this; gunicorn in production closes every response.
_DROPPED_STATIC_FILE = (
    r"ignore:unclosed file <_io\.BufferedReader name='[^']*/app/static/:ResourceWarning"
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is a browser test (``make test`` leaves them out)."""
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.filterwarnings(_DROPPED_STATIC_FILE))


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """One app and database for the whole browser run."""
    return make_app(tmp_path_factory.mktemp("browser"))


@pytest.fixture(scope="session")
def base_url(live_app: Flask) -> Iterator[str]:
    """The app served over HTTP on a free loopback port."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium."""
    assert CHROMIUM.exists(), "run scripts/install-browser-deps (make check does)"
    assert AXE.exists(), "run scripts/install-browser-deps (make check does)"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


def new_context(browser: Browser, **options: Any) -> BrowserContext:
    """A fresh browser profile. CSP is bypassed only so that axe can be injected: a test of
    what the policy allows passes ``bypass_csp=False``."""
    return browser.new_context(**{"bypass_csp": True, **options})


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    """A new page in a fresh profile, with the base URL set."""
    context = new_context(browser, base_url=base_url)
    page = context.new_page()
    yield page
    context.close()


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """The WCAG 2.x A/AA violations axe finds on the page as it is now."""
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5),
            }));
        }""",
        WCAG_TAGS,
    )
    return violations


def make_staff_user(app: Flask, role: str, *, enrolled: bool = True) -> tuple[str, str | None]:
    """A new staff account; returns its e-mail and TOTP secret."""
    email = f"{role}{next(_emails)}@clinic.example"
    secret = pyotp.random_base32() if enrolled else None
    with app.app_context():
        db.session.add(
            StaffUser(
                email=email,
                name=f"Browser {role}",
                role=role,
                password_hash=hash_password(STAFF_PASSWORD),
                totp_secret=secret,
            )
        )
        db.session.commit()
    return email, secret


def staff_sign_in(page: Page, app: Flask, role: str) -> None:
    """Sign a new account of ``role`` in through the pages."""
    email, secret = make_staff_user(app, role)
    assert secret is not None
    page.goto("/auth/login")
    page.fill("#email", email)
    page.fill("#password", STAFF_PASSWORD)
    page.click("button[type=submit]")
    page.fill("#code", pyotp.TOTP(secret).now())
    page.click("main button[type=submit]")
    page.wait_for_url("**/staff/**" if role != "admin" else "**/admin/**")
