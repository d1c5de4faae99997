"""What the sign-in form does with input no address can hold (kept apart from test_login.py)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import STAFF_PASSWORD
from tests.forms import csrf_token


@pytest.mark.parametrize("email", ["a\x00@x.org", "front_desk@clinic.example\x00", "a\x1b@x.org"])
def test_control_characters_in_the_email_are_refused_like_other_bad_input(
    app: Flask, client: FlaskClient, front_desk, email: str
) -> None:
    token = csrf_token(client.get("/auth/login"))
    response = client.post(
        "/auth/login", data={"email": email, "password": STAFF_PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 200  # the sign-in page again, as for any refused input
    assert "Location" not in response.headers
    assert "Remove any special characters" in response.text
