"""The one error summary (templates/_macros/forms.html), on patient and staff pages alike:
announced and focused, a link to each input with an error, and each input described by the
message beside it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale, gettext, ngettext

from app.screening.presenters import anchor_id
from app.screening.questions import STEPS_BY_ID
from tests.builders import make_submission
from tests.conftest import sign_in
from tests.forms import csrf_token, hidden_fields
from tests.journey import BASE_ANSWERS, post_step, step_data

_SPACES = re.compile(r"[ \t\n\r\f]+")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


@dataclass
class Element:
    """One element of a page, as the checks need it."""

    tag: str
    attrs: dict[str, str]
    fieldsets: list[dict[str, str]]  # the fieldsets around it, outermost first
    text: str = ""


class Page(HTMLParser):
    """Every element with an id, and the error summary with its items and links."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: dict[str, Element] = {}
        self.summary: dict[str, str] | None = None
        self.items: list[str] = []  # the text of each item
        self.links: list[tuple[str, str]] = []  # (target id, text)
        self._open: list[tuple[str, dict[str, str], list[str]]] = []
        self._fieldsets: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, pairs: list[tuple[str, str | None]]) -> None:
        attrs = {name: value or "" for name, value in pairs}
        if "error-summary" in attrs.get("class", "").split():
            assert self.summary is None, "one error summary a page"
            self.summary = attrs
        if "id" in attrs and tag in _VOID:
            self.elements[attrs["id"]] = Element(tag, attrs, list(self._fieldsets))
        if tag == "fieldset":
            self._fieldsets.append(attrs)
        if tag not in _VOID:
            self._open.append((tag, attrs, []))

    def handle_data(self, data: str) -> None:
        for _, _, text in self._open:
            text.append(data)

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            opened, attrs, parts = self._open.pop()
            text = _SPACES.sub(" ", "".join(parts)).strip()  # no-break spaces (French) stay
            if "id" in attrs:
                self.elements[attrs["id"]] = Element(opened, attrs, list(self._fieldsets), text)
            in_summary = any("error-summary" in a.get("class", "") for _, a, _ in self._open)
            if in_summary and opened == "li":
                self.items.append(text)
            if in_summary and opened == "a":
                self.links.append((attrs["href"].removeprefix("#"), text))
            if opened == "fieldset":
                self._fieldsets.pop()
            if opened == tag:
                break


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


def check_summary(html: str, locale: str) -> Page:
    """Assert what every error summary must do; returns the page for more."""
    page = parse(html)
    with force_locale(locale):
        title, prefix = gettext("There is a problem"), gettext("Error:")
    summary = page.summary
    assert summary is not None
    assert (summary["role"], summary["tabindex"]) == ("alert", "-1")
    assert "autofocus" in summary
    assert page.elements[summary["aria-labelledby"]].text == title
    messages = {i for i, e in page.elements.items() if e.attrs.get("class") == "error-message"}
    assert messages, "messages beside the fields"
    described = set()
    for target, text in page.links:
        element = page.elements[target]
        assert element.tag in ("input", "textarea", "select"), target
        # A radio or checkbox group is described on its fieldset; any other input on itself.
        holder = element.fieldsets[-1] if element.fieldsets else element.attrs
        ids = holder["aria-describedby"].split()
        (error_id,) = [i for i in ids if i in messages]
        assert page.elements[error_id].text == f"{prefix} {text}", target
        described.add(error_id)
    assert described == messages, "every message beside a field is linked from the summary"
    return page


def reach(client: FlaskClient, step_id: str, locale: str) -> None:
    client.get(f"/?lang={locale[:2]}")
    for earlier in ("safety", "pain", "history", "health"):
        if earlier == step_id:
            break
        post_step(client, earlier, step_data(earlier, BASE_ANSWERS))


@pytest.mark.parametrize("locale", ["en", "fr_CA"])
@pytest.mark.parametrize("step_id", ["safety", "pain", "health"])
def test_patient_summary_links_each_question_in_its_own_words(
    app: Flask, client: FlaskClient, locale: str, step_id: str
) -> None:
    """Two questions left unanswered: each listed, each message its own (no two alike)."""
    reach(client, step_id, locale)
    data = step_data(step_id, BASE_ANSWERS)
    for question in STEPS_BY_ID[step_id].questions[:2]:
        del data[question.id]
    response = post_step(client, step_id, data)
    assert response.status_code == 422
    with app.test_request_context():
        page = check_summary(response.text, locale)
    assert len(page.items) == len(page.links) == 2
    assert len({message for _, message in page.links}) == 2
    assert [item for item in page.items] == [message for _, message in page.links]


@pytest.mark.parametrize("locale", ["en", "fr_CA"])
@pytest.mark.parametrize("step_id", ["safety", "pain", "health"])
def test_a_page_sent_empty_has_a_one_line_summary(
    app: Flask, client: FlaskClient, locale: str, step_id: str
) -> None:
    """The summary says how many are unanswered and links to the first; each question says
    beside it what it needs, in its own words."""
    reach(client, step_id, locale)
    response = post_step(client, step_id, {})
    assert response.status_code == 422
    questions = STEPS_BY_ID[step_id].questions
    page = parse(response.text)
    with app.test_request_context(), force_locale(locale):
        expected = ngettext(
            "%(num)d question on this page is not answered yet.",
            "%(num)d questions on this page are not answered yet.",
            len(questions),
        )
        prefix = gettext("Error:")
    assert page.items == [expected]
    ((target, _text),) = page.links
    assert target == anchor_id(questions[0])
    beside = [e.text for e in page.elements.values() if e.attrs.get("class") == "error-message"]
    assert len(beside) == len(questions)
    assert len(set(beside)) == len(questions)  # each its own
    assert all(text.startswith(prefix) for text in beside)


@pytest.mark.parametrize("locale", ["en", "fr_CA"])
def test_staff_sign_in_summary_links_each_field(
    app: Flask, client: FlaskClient, locale: str
) -> None:
    client.get(f"/auth/login?lang={locale[:2]}")
    response = client.post(
        "/auth/login", data={"csrf_token": csrf_token(client.get("/auth/login"))}
    )
    with app.test_request_context():
        page = check_summary(response.text, locale)
    assert [target for target, _ in page.links] == ["email", "password"]


def test_staff_summary_links_a_radio_group_and_keeps_a_shared_hint(
    app: Flask, client: FlaskClient, clinician
) -> None:
    sign_in(client, app, clinician)
    made = make_submission(app, outcome="clinician_review")
    url = f"/staff/submissions/{made.reference}"
    action = f"{url}/clearance"
    response = client.post(action, data={**hidden_fields(client.get(url), action), "reason": ""})
    with app.test_request_context():
        page = check_summary(response.text, "en")
    assert [target for target, _ in page.links] == ["decision-0", "reason"]

    data = {"current": "", "password": "short", "confirm": "other"}
    data["csrf_token"] = csrf_token(client.get("/auth/password"))
    response = client.post("/auth/password", data=data)
    with app.test_request_context():
        page = check_summary(response.text, "en")
    assert [target for target, _ in page.links] == ["current", "password", "confirm"]
    # The hint shown once above both new-password fields describes each of them.
    for name in ("password", "confirm"):
        ids = page.elements[name].attrs["aria-describedby"].split()
        assert ids == ["new-password-hint", f"{name}-error"]


def test_a_message_about_no_one_field_is_listed_without_a_link(
    app: Flask, client: FlaskClient, front_desk
) -> None:
    data = {"email": front_desk.email, "password": "not-the-password-at-all"}
    data["csrf_token"] = csrf_token(client.get("/auth/login"))
    page = parse(client.post("/auth/login", data=data).text)
    assert page.summary is not None
    assert len(page.items) == 1
    assert page.links == []
