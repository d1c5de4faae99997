"""Staff sign-in over HTTPS, as production serves it.

Over HTTPS, Flask-WTF's CSRF check also requires a same-origin ``Referer`` on every staff form,
and whether a browser sends one is up to the page's ``Referrer-Policy``. Only a real browser on
a real TLS connection shows the two together: with ``no-referrer``, every staff POST failed.
"""

from __future__ import annotations

import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page
from werkzeug.serving import make_server

from tests.browser.conftest import new_context, staff_sign_in


def self_signed(folder: Path) -> ssl.SSLContext:
    """A TLS context with a fresh self-signed certificate for 127.0.0.1."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    command = ["/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    command += ["-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)]
    subprocess.run(  # noqa: S603 - fixed argument list
        command,
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


@pytest.fixture(scope="module")
def https_url(live_app: Flask, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The browser tests' app served over HTTPS on a free loopback port."""
    tls = self_signed(tmp_path_factory.mktemp("tls"))
    server = make_server("127.0.0.1", 0, live_app, threaded=True, ssl_context=tls)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def https_page(browser: Browser, https_url: str) -> Iterator[Page]:
    context = new_context(browser, base_url=https_url, ignore_https_errors=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_staff_sign_in_and_sign_out_work_over_https(https_page: Page, live_app: Flask) -> None:
    staff_sign_in(https_page, live_app, "front_desk")
    assert https_page.locator("h1").first.is_visible()
    https_page.click("form[action='/auth/logout'] button")
    https_page.wait_for_url("**/auth/login")
    assert https_page.locator("[role=status]").count() >= 1
