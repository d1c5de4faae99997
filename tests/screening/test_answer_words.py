"""An answer in words, written once (``AnswerRow.lines``): the check page and the staff's
submission page word the same answer alike, in the patient's language."""

from __future__ import annotations

import re
from html import unescape

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale, gettext
from sqlalchemy import select

from app.extensions import db
from app.models import Submission
from app.screening.forms import ContactForm
from app.screening.presenters import AnswerRow
from app.screening.questions import QUESTIONS, STEPS_BY_ID
from tests.builders import make_submission
from tests.conftest import sign_in
from tests.journey import answer_all, send

# An answer row of the check page or the staff page (where a row that fired a rule is flagged).
_ROW = re.compile(
    r'<div(?: class="answer-row(?: flagged)?")?>\s*<dt(?: id="[^"]*")?>'
    r'(?:<strong class="flag"[^>]*>[^<]*</strong> )?(.*?)</dt>\s*<dd>(.*?)</dd>',
    re.DOTALL,
)
_LOCALES = {"en": "en", "fr": "fr_CA"}


def shown_answers(html: str) -> dict[str, str]:
    """Each answer row's question (as text) and answer (as HTML) on a page."""
    return {unescape(question): answer for question, answer in _ROW.findall(html)}


def question_text(app: Flask, question_id: str, locale: str) -> str:
    with app.test_request_context(), force_locale(locale):
        return gettext(QUESTIONS[question_id].label)


@pytest.mark.parametrize(
    ("lang", "areas", "scale"),
    [
        ("en", ["Elbow or forearm", "Wrist or hand"], "6 out of 10"),
        ("fr", ["Coude ou avant-bras", "Poignet ou main"], "6 sur 10"),
    ],
)
def test_check_page_and_staff_page_word_answers_alike(
    app: Flask, client: FlaskClient, front_desk, lang: str, areas: list[str], scale: str
) -> None:
    client.get(f"/?lang={lang}")
    answer_all(client, {"pain_areas": ["elbow_forearm", "wrist_hand"], "comments": "Evenings <b>"})
    check = shown_answers(client.get("/screening/check").text)
    send(client)
    with app.app_context():
        reference = db.session.scalars(select(Submission.reference)).one()
    staff = app.test_client()
    sign_in(staff, app, front_desk)
    staff_html = staff.get(f"/staff/submissions/{reference}").text
    staff_page = shown_answers(staff_html)

    def both(question_id: str) -> tuple[str, str]:
        question = question_text(app, question_id, _LOCALES[lang])
        return check[question], staff_page[question]

    # A multi-select: a line for each option on the check page, one line for staff.
    assert both("pain_areas") == ("<br>".join(areas), "; ".join(areas))
    assert both("pain_intensity") == (scale, scale)
    # Every answer staff see reads as on the check page (contact details, and whether the
    # patient asked for a receipt, are shown apart).
    contact = {question_text(app, q.id, _LOCALES[lang]) for q in STEPS_BY_ID["contact"].questions}
    with app.test_request_context(), force_locale(_LOCALES[lang]):
        contact.add(str(ContactForm.receipt.args[0]))
    assert set(staff_page) == set(check) - contact
    for question, answer in staff_page.items():
        assert check[question].replace("<br>", "; ") == answer, question
    # The patient's own words, escaped; staff see them in a section of their own.
    comments = question_text(app, "comments", _LOCALES[lang])
    assert check[comments] == "Evenings &lt;b&gt;"
    assert f'<p class="pre" lang="{_LOCALES[lang].replace("_", "-")}">Evenings &lt;b&gt;</p>' in (
        staff_html
    )


def test_an_unanswered_question_is_not_given_on_both_pages(
    app: Flask, client: FlaskClient, front_desk
) -> None:
    answer_all(client, {"comments": ""})
    check = shown_answers(client.get("/screening/check").text)
    comments = question_text(app, "comments", "en")
    assert check[comments] == '<span class="muted">Not given</span>'

    # A stored submission without this answer (the builder's answers are a few only).
    made = make_submission(app, locale="fr_CA")
    sign_in(client, app, front_desk)
    staff_page = shown_answers(client.get(f"/staff/submissions/{made.reference}").text)
    assert staff_page[question_text(app, "rf_bladder_bowel", "fr_CA")] == "Non fourni"


@pytest.mark.parametrize(
    ("row", "english", "french"),
    [
        (AnswerRow(QUESTIONS["pain_intensity"], number=0), ["0 out of 10"], ["0 sur 10"]),
        (
            AnswerRow(QUESTIONS["pain_areas"], labels=("Neck", "Shoulder")),
            ["Neck", "Shoulder"],
            ["Cou", "Épaule"],
        ),
        (AnswerRow(QUESTIONS["comments"], text="Worse at night"), ["Worse at night"], None),
        (AnswerRow(QUESTIONS["comments"], text=""), ["Not given"], ["Non fourni"]),
        (AnswerRow(QUESTIONS["pain_areas"]), ["Not given"], ["Non fourni"]),
    ],
)
def test_lines_in_each_language(
    app: Flask, row: AnswerRow, english: list[str], french: list[str] | None
) -> None:
    with app.test_request_context():
        with force_locale("en"):
            assert row.lines() == english
        with force_locale("fr_CA"):
            assert row.lines() == (french or english)
    assert row.given == (english != ["Not given"])
