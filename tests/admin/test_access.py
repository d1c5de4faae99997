"""Every admin endpoint refuses anonymous visitors and staff who are not admins."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.admin import events, post_form, stored
from tests.builders import make_submission
from tests.conftest import make_staff, sign_in


def admin_routes(app: Flask, staff_id: int) -> list[tuple[str, str]]:
    """``(method, url)`` for every route of the admin area: its blueprint and the clinic
    settings'."""
    routes = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint.startswith(("admin.", "settings.")):
                values = {"staff_id": staff_id, "reference": "IMS-7KQ4-M2XD"}
                url = rule.build({k: values[k] for k in rule.arguments})[1]
                routes += [(m, url) for m in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return routes


def send(client: FlaskClient, method: str, url: str) -> TestResponse:
    """A GET, or a POST with a valid CSRF token (so only the access check can refuse it)."""
    if method == "POST":
        return post_form(client, url, {"role": "admin"})
    return client.open(url, method=method)


def test_the_area_has_the_expected_routes(app: Flask) -> None:
    routes = admin_routes(app, 7)
    assert ("GET", "/admin/accounts") in routes
    assert ("GET", "/admin/audit") in routes
    assert ("GET", "/admin/audit/export") in routes
    assert ("POST", "/admin/accounts/7/disable") in routes
    assert ("POST", "/admin/settings") in routes
    assert ("POST", "/admin/settings/retention") in routes
    assert ("POST", "/admin/accounts/7/reset-password") in routes
    assert ("GET", "/admin/audit/submissions/IMS-7KQ4-M2XD") in routes
    assert ("GET", "/admin/audit/submissions/IMS-7KQ4-M2XD/csv") in routes
    assert len(routes) == 18


def test_anonymous_visitors_are_sent_to_sign_in(app: Flask, client: FlaskClient) -> None:
    target = make_staff(app, "clinician")
    for method, url in admin_routes(app, target.id):
        response = send(client, method, url)
        assert response.status_code == 302, (method, url)
        assert response.headers["Location"] == "/auth/login", (method, url)


@pytest.mark.parametrize("role", ["front_desk", "clinician"])
def test_other_roles_are_refused(app: Flask, client: FlaskClient, role: str) -> None:
    user = make_staff(app, role)
    target = make_staff(app, "admin", email="other-admin@clinic.example")
    sign_in(client, app, user)
    for method, url in admin_routes(app, target.id):
        response = send(client, method, url)
        assert response.status_code == 403, (method, url)
        assert "You cannot open this page" in response.text


def test_refused_actions_change_nothing(app: Flask, client: FlaskClient, front_desk) -> None:
    target = make_staff(app, "admin", email="other-admin@clinic.example")
    sign_in(client, app, front_desk)
    for action in ("disable", "reset-2fa", "sign-out-everywhere", "role"):
        post_form(client, f"/admin/accounts/{target.id}/{action}", {"role": "front_desk"})
    after = stored(app, target.id)
    assert after.is_active
    assert after.role == "admin"
    assert after.totp_secret
    assert not [e for e in events(app) if e.action.startswith("staff.")]


def test_admins_can_open_every_page(app: Flask, client: FlaskClient, admin) -> None:
    target = make_staff(app, "clinician")
    make_submission(app, reference="IMS-7KQ4-M2XD")  # its access report
    sign_in(client, app, admin)
    for method, url in admin_routes(app, target.id):
        if method == "GET":
            response = client.get(url)
            assert response.status_code == 200, url
            assert response.headers["Cache-Control"] == "no-store"
