"""Find by reference with what a person reads out or types: spaces, dashes, case, no prefix."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.references import canonical_reference
from tests.builders import make_submission
from tests.conftest import sign_in
from tests.forms import csrf_token

REFERENCE = "IMS-7KQ4-M2XD"
TYPED = [
    "IMS-7KQ4-M2XD",
    "  ims-7kq4-m2xd ",
    "IMS 7KQ4 M2XD",
    "IMS7KQ4M2XD",
    "ims7kq4m2xd",
    "7KQ4-M2XD",
    "7KQ4M2XD",
    "IMS–7KQ4–M2XD",  # en dashes, as a word processor or a phone keyboard makes them
    "IMS — 7KQ4 — M2XD",  # em dashes with spaces
]
NEAR_MISSES = [
    "IMS-7KQ4-M2XF",  # well formed, but another submission's
    "IMS-7KQ4-M2X",  # a character short
    "IMS-7KQ4-M2XDD",  # a character too many
    "IMS-7KQ4-M2X0",  # 0 is not in the alphabet (read as O or D)
    "IMS-7KQ4/M2XD",  # a slash is not a dash
    "IMX-7KQ4-M2XD",  # another prefix
    "SIMS-7KQ4-M2XD",
    "-",
]


@pytest.mark.parametrize("typed", TYPED)
def test_typed_forms_are_made_canonical(typed: str) -> None:
    assert canonical_reference(typed) == REFERENCE


@pytest.mark.parametrize("typed", [*NEAR_MISSES[1:], "", "IMS"])
def test_anything_else_is_not_a_reference(typed: str) -> None:
    assert canonical_reference(typed) is None


def find(client: FlaskClient, typed: str):
    token = csrf_token(client.get("/staff/"))
    return client.post("/staff/find", data={"query": typed, "csrf_token": token})


@pytest.mark.parametrize("typed", TYPED)
def test_find_opens_the_submission_whatever_the_typed_form(
    app: Flask, client: FlaskClient, front_desk, typed: str
) -> None:
    make_submission(app, reference=REFERENCE)
    sign_in(client, app, front_desk)
    assert find(client, typed).headers["Location"] == f"/staff/submissions/{REFERENCE}"


@pytest.mark.parametrize("typed", NEAR_MISSES[:-1])
def test_a_near_miss_finds_nothing(app: Flask, client: FlaskClient, front_desk, typed: str) -> None:
    made = make_submission(app, reference=REFERENCE)
    sign_in(client, app, front_desk)
    response = find(client, typed)
    assert response.status_code == 200, "a search that found nothing, not an error"
    assert f'data-reference="{made.reference}"' not in response.text
    assert "no patient matches" in response.text.lower()


def test_a_well_formed_reference_nobody_has_says_so(
    app: Flask, client: FlaskClient, front_desk
) -> None:
    make_submission(app, reference=REFERENCE)
    sign_in(client, app, front_desk)
    assert "No submission has that reference" in find(client, "IMS-7KQ4-M2XF").text


def test_nothing_searchable_is_the_fields_error(
    app: Flask, client: FlaskClient, front_desk
) -> None:
    sign_in(client, app, front_desk)
    response = find(client, "-")
    assert response.status_code == 422
    assert 'id="query-error"' in response.text


def test_a_name_that_reads_as_a_reference_is_still_found_by_name(
    app: Flask, client: FlaskClient, front_desk
) -> None:
    # Eight letters of the reference alphabet: canonical_reference reads it as IMS-KATH-RYNN.
    made = make_submission(app, full_name="Kathrynn Dubé")
    sign_in(client, app, front_desk)
    response = find(client, "Kathrynn")
    assert response.status_code == 200
    assert f'data-reference="{made.reference}"' in response.text
