"""Find a patient by name, phone or e-mail: what matches (``app.search_terms``), through the
page, and that the words typed are never kept: not in a URL, the audit log or the logs."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.codes import SearchKind
from app.extensions import db
from app.models import AuditEvent, SearchTerm, Submission
from app.search_terms import fold_words, phone_digits, prefix_range, read_query, terms_for
from tests.builders import make_submission
from tests.conftest import sign_in
from tests.forms import csrf_token
from tests.staff.test_queue import references


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("Éloïse D'Amour-Roy", ["eloise", "d", "amour", "roy", "damourroy"]),
        ("  ANNE-MARIE   Côté ", ["anne", "marie", "annemarie", "cote"]),
        ("Zoë O’Brien", ["zoe", "o", "brien", "obrien"]),
        ("Straße", ["strasse"]),
    ],
)
def test_names_fold_case_accents_and_punctuation(name: str, words: list[str]) -> None:
    assert set(fold_words(name)) == set(words)


@pytest.mark.parametrize(
    "typed",
    ["613-555-0142", "(613) 555 0142", "+1 613 555 0142", "1-613-555-0142", "613.555.0142"],
)
def test_phone_numbers_fold_to_their_digits_without_the_country_code(typed: str) -> None:
    assert phone_digits(typed) == "6135550142"


def test_what_a_search_box_holds() -> None:
    assert read_query(" Jordan@Example.ORG ", 254) == read_query("jordan@example.org", 254)
    assert read_query("jordan@example.org", 254).kind is SearchKind.EMAIL
    assert read_query("+1 (613) 555", 254).terms == ("613555",)
    assert read_query("12", 254) is None, "too few digits to mean anything"
    name = read_query("jean tremb", 254)
    assert (name.kind, name.terms) == (SearchKind.NAME, ("tremb", "jean"))  # longest first
    assert read_query(" -- ", 254) is None


def test_a_prefix_is_one_range() -> None:
    assert prefix_range("trem") == ("trem", "tren")
    low, high = prefix_range("tre")
    assert all(low <= word < high for word in ("tre", "tremblay", "trez"))
    assert not any(low <= word < high for word in ("tr", "trf", "tra"))


def test_stored_terms_are_made_from_the_contact_details(app: Flask) -> None:
    made = make_submission(
        app, full_name="Émilie Tremblay", phone="+1 613 555 0199", email="Emilie@Example.org"
    )
    with app.app_context():
        stored = set(
            db.session.execute(
                select(SearchTerm.kind, SearchTerm.term).where(SearchTerm.submission_id == made.id)
            ).all()
        )
    assert stored == terms_for("Émilie Tremblay", "+1 613 555 0199", "Emilie@Example.org", 254)
    assert (SearchKind.PHONE, "6135550199") in stored


@pytest.fixture
def desk(app: Flask, client: FlaskClient, front_desk) -> FlaskClient:
    sign_in(client, app, front_desk)
    return client


def search(client: FlaskClient, typed: str):
    token = csrf_token(client.get("/staff/"))
    return client.post("/staff/find", data={"query": typed, "csrf_token": token})


@pytest.fixture
def people(app: Flask) -> dict[str, str]:
    made = {
        "emilie": make_submission(
            app, full_name="Émilie Tremblay", phone="613-555-0101", email="emilie@mail.test"
        ),
        "jean": make_submission(
            app, full_name="Jean-François Tremblay", phone="(819) 555-0102", email=None
        ),
        "marie": make_submission(
            app, full_name="Marie Lalonde", phone=None, email="Marie.Lalonde@Courriel.test"
        ),
    }
    make_submission(
        app, outcome="emergency", is_safety_stop=True, full_name=None, phone=None, email=None
    )
    return {name: s.reference for name, s in made.items()}


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("tremblay", {"emilie", "jean"}),
        ("TREM", {"emilie", "jean"}),  # the start of a word
        ("emilie", {"emilie"}),  # without its accent
        ("ÉMILIE tremb", {"emilie"}),  # every word must match
        ("françois", {"jean"}),
        ("francois", {"jean"}),
        ("jean-françois", {"jean"}),
        ("jeanfrancois", {"jean"}),
        ("blay", set()),  # not the start of a word
        ("lalonde marie", {"marie"}),  # in any order
        ("613 555 0101", {"emilie"}),
        ("+1 (613) 555-0101", {"emilie"}),
        ("16135550101", {"emilie"}),
        ("819-555", {"jean"}),  # the start of a number
        ("555-0101", set()),  # not the start
        ("MARIE.LALONDE@courriel.TEST", {"marie"}),
        ("marie.lalonde@", {"marie"}),
        ("nobody@mail.test", set()),
    ],
)
def test_search_matches(
    desk: FlaskClient, people: dict[str, str], typed: str, expected: set[str]
) -> None:
    response = search(desk, typed)
    assert response.status_code == 200
    assert set(references(response.text)) == {people[name] for name in expected}


def test_many_matches_are_cut_and_say_so(app: Flask, desk: FlaskClient, monkeypatch) -> None:
    import app.staff.search as search_module

    monkeypatch.setattr(search_module, "SEARCH_LIMIT", 2)
    for _ in range(3):
        make_submission(app, full_name="Sam Roy")
    html = search(desk, "roy").text
    assert len(references(html)) == 2
    assert "2 matches shown; there may be more." in html


def test_a_search_of_common_words_few_share_is_bounded_and_says_so(
    app: Flask, desk: FlaskClient, monkeypatch
) -> None:
    import app.staff.search as search_module

    monkeypatch.setattr(search_module, "SCAN_LIMIT", 2)
    both = make_submission(app, full_name="Sophie Zed Marie")  # older than the rest
    for surname in ("Abel", "Blais", "Cote"):
        make_submission(app, full_name=f"Marie {surname}")
        make_submission(app, full_name=f"Sophie {surname}x")
    html = search(desk, "marie sophie").text
    assert both.reference not in references(html), "only the newest candidates were read"
    assert "0 matches shown; there may be more." in html
    monkeypatch.setattr(search_module, "SCAN_LIMIT", 2000)
    assert references(search(desk, "marie sophie").text) == [both.reference]


def test_a_search_is_audited_without_its_words(
    app: Flask, desk: FlaskClient, people: dict[str, str], front_desk
) -> None:
    search(desk, "Tremblay")
    search(desk, "613-555-0101")
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "submission.search")
            .order_by(AuditEvent.id)
        ).all()
        shown = {
            reference: submission_id
            for submission_id, reference in db.session.execute(
                select(Submission.id, Submission.reference)
            ).all()
        }
    assert [e.detail["kind"] for e in events] == ["name", "phone"]
    assert sorted(events[0].detail["submission_ids"]) == sorted(
        [shown[people["emilie"]], shown[people["jean"]]]
    )
    assert events[1].detail["submission_ids"] == [shown[people["emilie"]]]
    assert all(e.staff_id == front_desk.id for e in events)
    for event in events:
        for secret in ("tremblay", "trem", "613", "0101", "555"):
            assert secret not in str(event.detail).lower(), event.detail


def test_the_search_is_sent_by_post_and_never_lands_in_a_url(
    desk: FlaskClient, people: dict[str, str]
) -> None:
    html = search(desk, "Tremblay").text
    assert 'method="post" action="/staff/find"' in html
    for url in re.findall(r'(?:href|action)="([^"]*)"', html):
        assert "tremblay" not in url.lower(), url
    assert desk.get("/staff/find").status_code == 405


def test_the_results_keep_what_was_typed_in_the_box(
    desk: FlaskClient, people: dict[str, str]
) -> None:
    html = search(desk, "Émilie").text
    assert 'value="Émilie"' in html
    assert "Search results" in html


def test_the_rarest_word_leads_the_search(app: Flask) -> None:
    """With "tremblay zo", the few names with a word starting "zo" are read, and each checked
    for "tremblay", rather than every Tremblay checked for "zo"."""
    from sqlalchemy import event

    from app.staff.search import find_patients, understood

    for i in range(5):
        make_submission(app, full_name=f"Ann{i} Tremblay")
    zoe = make_submission(app, full_name="Zoé Tremblay")
    seen: list[tuple[str, tuple]] = []
    with app.app_context():

        def capture(_conn, _cursor, statement, parameters, *_args) -> None:
            values = parameters.values() if isinstance(parameters, dict) else parameters
            seen.append((statement, tuple(values)))

        event.listen(db.engine, "before_cursor_execute", capture)
        try:
            found = find_patients(db.session, understood("tremblay zo"))
        finally:
            event.remove(db.engine, "before_cursor_execute", capture)
    assert [s.id for s in found.submissions] == [zoe.id]
    parameters = next(p for s, p in seen if "EXISTS" in s.upper())
    assert parameters[1:3] == ("zo", "zp"), "the lead range is the rarer word's"
