"""Export rows: every kind of stored answer becomes the cells other systems expect, and no cell
a spreadsheet would read as a formula leaves unneutralised, whatever the stored JSON holds."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.csvsafe import FORMULA_STARTS, json_may_hold_a_formula, neutralise
from app.screening.questions import CLINICAL_QUESTIONS
from app.staff import export
from tests.journey import BASE_ANSWERS

NOW = "2026-11-24T15:30:00+00:00"  # as the database writes it for the export
CLINICAL = {q: v for q, v in BASE_ANSWERS.items() if q in CLINICAL_QUESTIONS}
CLINICAL["pain_intensity"] = 6


def row(answers: str | None, reasons: str = '["IND_TENNIS_ELBOW"]') -> list[Any]:
    """A row as the export selects it."""
    head = ["IMS-AAAA-BBBB", NOW, "fr_CA", "suggest_consult", reasons, "new", "false"]
    contact = ['Alex, "Al" Tremblay', "=a@example.org", "613-555-0199", "phone", "hi\nthere"]
    return [*head, *contact, "2026.1", NOW, "2026.1", "2026.1", answers]


def answer_cells(answers: str | None) -> dict[str, str]:
    """The answer columns of the CSV line written for a row holding ``answers``."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow(export.row_cells(row(answers)))
    cells = next(csv.reader(io.StringIO(buffer.getvalue())))
    assert len(cells) == len(export.COLUMNS)
    return dict(zip(export.ANSWER_IDS, cells[-len(export.ANSWER_IDS) :], strict=True))


def test_real_answers_are_codes_numbers_and_blanks() -> None:
    text = json.dumps({q: v for q, v in CLINICAL.items() if q != "needle_reaction"})
    given_cells = answer_cells(text)
    assert given_cells["pain_areas"] == "elbow_forearm"
    assert given_cells["pain_intensity"] == "6"
    assert given_cells["pain_duration"] == CLINICAL["pain_duration"]
    assert given_cells["needle_reaction"] == ""  # not asked: blank


@pytest.mark.parametrize(
    ("answers", "question", "cell"),
    [
        (None, "pain_duration", ""),
        ("{}", "pain_duration", ""),
        ("null", "pain_duration", ""),
        (
            json.dumps({"pain_duration": "=cmd|' /C calc'!A0"}),
            "pain_duration",
            "'=cmd|' /C calc'!A0",
        ),
        (json.dumps({"pain_duration": "+1"}), "pain_duration", "'+1"),
        (json.dumps({"pain_areas": ["-x", "@y"]}), "pain_areas", "'-x @y"),
        (json.dumps({"pain_areas": ["neck", "=y"]}), "pain_areas", "neck =y"),
        (json.dumps({"pain_areas": [-1, 2]}), "pain_areas", "'-1 2"),
        (json.dumps({"pain_duration": "\tx"}), "pain_duration", "'\tx"),
        (json.dumps({"pain_duration": "\u0000x"}), "pain_duration", "'\u0000x"),
        (json.dumps({"pain_duration": "a,b"}), "pain_duration", "a,b"),
        (json.dumps({"pain_duration": 'say "hi"'}), "pain_duration", 'say "hi"'),
        (json.dumps({"pain_duration": "two\nlines"}), "pain_duration", "two\nlines"),
        (json.dumps({"pain_duration": "é"}), "pain_duration", "é"),
        (json.dumps({"pain_duration": "é"}, ensure_ascii=False), "pain_duration", "é"),
        (json.dumps({"pain_intensity": 0}), "pain_intensity", "0"),
        (json.dumps({"pain_intensity": -3}), "pain_intensity", "-3"),  # a number, not text
        (json.dumps({"pain_duration": True}), "pain_duration", "True"),
        (json.dumps({"pain_areas": []}), "pain_areas", ""),
        (json.dumps({"diagnoses": ["none"]}), "diagnoses", "none"),
        (json.dumps({"pain_areas": ["neck", "lower_back"]}), "pain_areas", "neck lower_back"),
    ],
)
def test_every_kind_of_stored_answer_has_its_cell(answers: str | None, question: str, cell: str):
    assert answer_cells(answers)[question] == cell


def test_contact_details_are_neutralised_and_quoted() -> None:
    cells = export.row_cells(row(json.dumps(CLINICAL)))
    by_column = dict(zip(export.COLUMNS, cells, strict=True))
    assert by_column["email"] == "'=a@example.org"
    assert by_column["full_name"] == 'Alex, "Al" Tremblay'  # csv quotes it when written
    assert by_column["reasons"] == "IND_TENNIS_ELBOW"


# Text values a stored answer could hold, many of them starting a formula.
VALUES = st.one_of(
    st.text(alphabet=st.sampled_from([*FORMULA_STARTS, "a", " ", '"', "\\", "é", "\n"])),
    st.integers(),
    st.none(),
    st.booleans(),
)
ANSWERS = st.dictionaries(
    st.sampled_from(list(export.ANSWER_IDS)),
    st.one_of(VALUES, st.lists(VALUES, max_size=3)),
)


@settings(deadline=None, database=None, max_examples=200)
@given(ANSWERS, st.booleans())
def test_no_answer_cell_starts_a_formula(answers: dict[str, Any], ascii_only: bool) -> None:
    text = json.dumps(answers, ensure_ascii=ascii_only)
    for cell in export.row_cells(row(text)):
        if isinstance(cell, str):
            assert neutralise(cell) == cell or cell.startswith("'"), cell
            assert not (cell and cell[0] in FORMULA_STARTS), cell


@settings(deadline=None, database=None, max_examples=300)
@given(ANSWERS, st.booleans())
def test_the_json_check_never_misses_a_formula(answers: dict[str, Any], ascii_only: bool):
    """``json_may_hold_a_formula`` may say yes for nothing, never no for a formula."""
    strings = [
        v for value in answers.values() for v in (value if isinstance(value, list) else [value])
    ]
    if any(isinstance(s, str) and s[:1] in FORMULA_STARTS for s in strings):
        assert json_may_hold_a_formula(json.dumps(answers, ensure_ascii=ascii_only))


def test_codes_the_app_writes_cannot_start_a_formula_or_need_quoting() -> None:
    """Codes, versions and references: the cells the app itself writes."""
    from app.codes import Status
    from app.references import ALPHABET as REFERENCE_ALPHABET
    from app.screening.codes import Outcome
    from app.screening.questions import CONSENT_VERSION, QUESTIONNAIRE_VERSION
    from app.screening.rules import RULES_BY_ID, RULES_VERSION

    codes = {code for question in CLINICAL_QUESTIONS.values() for code in question.codes}
    written_by_the_app = [
        *codes,
        *Outcome,
        *Status,
        *RULES_BY_ID,
        CONSENT_VERSION,
        QUESTIONNAIRE_VERSION,
        RULES_VERSION,
        "IMS-" + REFERENCE_ALPHABET,
        "en",
        "fr_CA",
    ]
    for text in written_by_the_app:
        assert neutralise(text) == text, text
        assert not set(text) & set(',"\r\n'), text
    assert not json_may_hold_a_formula(json.dumps(CLINICAL))


@pytest.mark.parametrize("ensure_ascii", [True, False])
def test_stored_json_reads_back_as_the_standard_library_reads_it(ensure_ascii: bool) -> None:
    answers = {"pain_areas": ["neck", "lower_back"], "pain_intensity": 0, "pain_duration": "é"}
    reasons = ["PR_BLEEDING_RISK", "NOTE_Ω"]
    cells = export.row_cells(
        row(json.dumps(answers, ensure_ascii=ensure_ascii), json.dumps(reasons, ensure_ascii=False))
    )
    by_column = dict(zip(export.COLUMNS, cells, strict=True))
    assert by_column["reasons"] == "PR_BLEEDING_RISK NOTE_Ω"
    assert by_column["pain_areas"] == "neck lower_back"
    assert by_column["pain_intensity"] == 0
    assert by_column["pain_duration"] == "é"
    assert by_column["needle_attitude"] is None
