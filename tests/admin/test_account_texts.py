"""What the account pages say, in English and French: one message per bad value in the app's
own words, the password hint tied to its inputs, and titles that name the page and its errors."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.admin import post_form
from tests.conftest import sign_in

NBSP = "\u00a0"  # French puts a no-break space before a colon
GOOD = {
    "name": "Robin Reception",
    "email": "robin@clinic.example",
    "role": "front_desk",
    "password": "copper-lantern-meadow-7",
    "confirm": "copper-lantern-meadow-7",
}


@pytest.fixture(params=["en", "fr"])
def lang(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def browser(app: Flask, client: FlaskClient, admin, lang: str) -> FlaskClient:
    client.get(f"/auth/login?lang={lang}")
    sign_in(client, app, admin)
    return client


def title(html: str) -> str:
    found = re.search(r"<title>(.*?) – ", html)
    assert found, "no title"
    return found[1]


def input_tag(html: str, name: str) -> str:
    found = re.search(rf'<input [^>]*name="{name}"[^>]*>', html)
    assert found, name
    return found[0]


def test_a_role_not_offered_gets_one_message(browser: FlaskClient, lang: str) -> None:
    html = post_form(browser, "/admin/accounts/new", {**GOOD, "role": "superuser"}).text
    message = "Choose a role." if lang == "en" else "Choisissez un rôle."
    assert html.count(f'<a href="#role">{message}</a>') == 1
    assert re.findall(r'<a href="#role">', html) == ['<a href="#role">'], "one message only"
    assert "Not a valid choice" not in html


def test_an_overlong_name_gets_the_apps_own_message(browser: FlaskClient, lang: str) -> None:
    response = post_form(browser, "/admin/accounts/new", {**GOOD, "name": "N" * 101})
    assert response.status_code == 422
    message = {
        "en": "Enter a name of 100 characters or fewer.",
        "fr": "Entrez un nom de 100 caractères ou moins.",
    }[lang]
    assert f'<a href="#name">{message}</a>' in response.text
    assert "Field cannot be longer" not in response.text


def test_an_overlong_email_gets_the_apps_own_message(browser: FlaskClient, lang: str) -> None:
    response = post_form(browser, "/admin/accounts/new", {**GOOD, "email": "a" * 250 + "@x.ca"})
    message = {
        "en": "Enter an email address of 254 characters or fewer.",
        "fr": "Entrez une adresse courriel de 254 caractères ou moins.",
    }[lang]
    assert f'<a href="#email">{message}</a>' in response.text
    assert "Field cannot be longer" not in response.text


def test_the_password_hint_describes_both_password_inputs(browser: FlaskClient) -> None:
    html = browser.get("/admin/accounts/new").text
    assert re.search(r'<p class="hint" id="initial-password-hint">', html)
    for name in ("password", "confirm"):
        assert 'aria-describedby="initial-password-hint"' in input_tag(html, name)
    refused = post_form(browser, "/admin/accounts/new", {**GOOD, "confirm": "something-else-12"})
    tag = input_tag(refused.text, "confirm")
    assert 'aria-describedby="initial-password-hint confirm-error"' in tag
    assert 'aria-describedby="initial-password-hint"' in input_tag(refused.text, "password")


def test_the_new_account_title_says_error(browser: FlaskClient, lang: str) -> None:
    name = "Create an account" if lang == "en" else "Créer un compte"
    error = "Error: " if lang == "en" else f"Erreur{NBSP}: "
    assert title(browser.get("/admin/accounts/new").text) == name
    refused = post_form(browser, "/admin/accounts/new", {**GOOD, "name": ""})
    assert title(refused.text) == error + name


def test_an_account_page_title_says_what_it_is(browser: FlaskClient, admin, lang: str) -> None:
    html = browser.get(f"/admin/accounts/{admin.id}").text
    expected = "Staff account: " if lang == "en" else f"Compte du personnel{NBSP}: "
    assert title(html) == expected + admin.name
