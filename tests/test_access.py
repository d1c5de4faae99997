"""Every staff and admin endpoint: anonymous users go to sign-in, other roles get 403.

The expected roles are written out here, independently of the app's own declarations, so a new
endpoint fails this test until someone decides who may use it.
"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.codes import Role
from tests.conftest import Clock, make_staff, sign_in
from tests.forms import csrf_token

PATIENT_DATA = {"front_desk", "clinician"}
ADMIN = {"admin"}
EXPECTED_ROLES: dict[str, set[str]] = {
    "staff.queue": PATIENT_DATA,
    "staff.queue_follow_ups": PATIENT_DATA,
    "staff.queue_stops": PATIENT_DATA,
    "staff.queue_all": PATIENT_DATA,
    "staff.add_attempt": PATIENT_DATA,
    "staff.assign": PATIENT_DATA,
    "staff.find": PATIENT_DATA,
    "staff.submission": PATIENT_DATA,
    "staff.print_view": PATIENT_DATA,
    "staff.pdf": PATIENT_DATA,
    "staff.fhir": PATIENT_DATA,
    "staff.change_status": PATIENT_DATA,
    "staff.add_note": PATIENT_DATA,
    "staff.clearance": {"clinician"},
    "staff.export": PATIENT_DATA,
}
URL_VALUES = {"reference": "IMS-2222-2222", "staff_id": 1}


def guarded_routes(app: Flask) -> list[tuple[str, str, str]]:
    """``(endpoint, method, url)`` for every staff, admin and settings route."""
    routes = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint.split(".")[0] not in {"staff", "admin", "settings"}:
                continue
            values = {**URL_VALUES, **(rule.defaults or {})}
            url = rule.build({k: values[k] for k in rule.arguments})[1]
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                routes.append((rule.endpoint, method, url))
    return routes


def expected_roles(endpoint: str) -> set[str]:
    if endpoint.startswith(("admin.", "settings.")):
        return ADMIN
    assert endpoint in EXPECTED_ROLES, f"decide who may use {endpoint} and add it here"
    return EXPECTED_ROLES[endpoint]


def request(client: FlaskClient, method: str, url: str) -> int:
    data = {"csrf_token": csrf_token(client.get("/auth/login"))} if method == "POST" else None
    response = client.open(url, method=method, data=data)
    if response.status_code == 302 and response.headers["Location"] == "/auth/login":
        return 401  # sent to sign in
    return response.status_code


def test_the_guarded_area_is_enumerated(app: Flask) -> None:
    endpoints = {endpoint for endpoint, _, _ in guarded_routes(app)}
    assert set(EXPECTED_ROLES) <= endpoints
    assert any(e.startswith("admin.") for e in endpoints)
    assert {"settings.edit", "settings.save", "settings.retention_run"} <= endpoints


def test_anonymous_users_are_sent_to_sign_in(app: Flask, client: FlaskClient) -> None:
    for endpoint, method, url in guarded_routes(app):
        assert request(client, method, url) == 401, (endpoint, method)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_reaches_only_its_endpoints(app: Flask, clock: Clock, role: str) -> None:
    client = app.test_client()
    sign_in(client, app, make_staff(app, role))
    for endpoint, method, url in guarded_routes(app):
        status = request(client, method, url)
        if role in expected_roles(endpoint):
            assert status not in (401, 403), (role, endpoint, method, status)
        else:
            assert status == 403, (role, endpoint, method, status)
