"""First run: until the clinic's name and a way to reach it are set, admins see a banner on
every staff page and production says so in its log at start-up; the health check still
answers (it is a liveness check)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from flask import Flask

from tests.builders import set_settings
from tests.conftest import make_app, make_staff, sign_in

BARE = {"CLINIC_NAME": None, "CLINIC_PHONE": None, "CLINIC_BOOKING_URL": None}
BANNER = "Finish the clinic's settings."


@pytest.fixture
def bare_app(tmp_path: Path) -> Flask:
    return make_app(tmp_path, **BARE)


def test_admins_see_the_banner_on_every_staff_page_until_finished(bare_app: Flask) -> None:
    client = bare_app.test_client()
    sign_in(client, bare_app, make_staff(bare_app, "admin"))
    for path in ("/admin/accounts", "/admin/audit", "/admin/settings", "/auth/password"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert BANNER in page.get_data(as_text=True), path
    set_settings(bare_app, name="Rideau Physio")
    assert BANNER in client.get("/admin/accounts").get_data(as_text=True)  # no way to reach it
    set_settings(bare_app, email="desk@rideau.example")
    assert BANNER not in client.get("/admin/accounts").get_data(as_text=True)


def test_only_admins_see_it(bare_app: Flask) -> None:
    client = bare_app.test_client()
    sign_in(client, bare_app, make_staff(bare_app, "front_desk"))
    assert BANNER not in client.get("/staff/").get_data(as_text=True)


def test_the_health_check_still_answers(bare_app: Flask) -> None:
    assert bare_app.test_client().get("/healthz").status_code == 200


def test_production_warns_at_start_up(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        make_app(tmp_path, APP_ENV="production", **BARE)
    assert any("clinic settings unfinished" in r.getMessage() for r in caplog.records)
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        make_app(tmp_path, APP_ENV="production")  # the test clinic has a name and a phone
        (tmp_path / "dev").mkdir()
        make_app(tmp_path / "dev", **BARE)  # not in production: no warning
    assert not any("clinic settings unfinished" in r.getMessage() for r in caplog.records)
