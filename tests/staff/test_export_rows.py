"""Export rows: the quick way for the answer columns writes exactly what the csv module writes
cell by cell, and leaves to it every answer that needs quoting or neutralising."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from app.screening.questions import CLINICAL_QUESTIONS
from app.staff import export
from tests.journey import BASE_ANSWERS

NOW = "2026-11-24T15:30:00+00:00"  # as the database writes it for the export
CLINICAL = {q: v for q, v in BASE_ANSWERS.items() if q in CLINICAL_QUESTIONS}
CLINICAL["pain_intensity"] = 6


def row(answers: str | None, reasons: str = '["IND_TENNIS_ELBOW"]') -> list[Any]:
    head = ["IMS-AAAA-BBBB", NOW, "fr_CA", "suggest_consult", reasons, "new", "false"]
    contact = ['Alex, "Al" Tremblay', "=a@example.org", "613-555-0199", "phone", "hi\nthere"]
    return [*head, *contact, "2026.1", NOW, "2026.1", "2026.1", answers]


def written(values: list[Any]) -> str:
    buffer = io.StringIO()
    export._RowWriter(buffer).write(values)
    return buffer.getvalue()


def cell_by_cell(values: list[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(export._fixed_cells(values) + export._answer_cells(values[-1]))
    return buffer.getvalue()


def test_real_answers_take_the_quick_way_and_match_the_csv_module() -> None:
    text = json.dumps({q: v for q, v in CLINICAL.items() if q != "needle_reaction"})
    assert export._answer_run(text) is not None
    assert written(row(text)) == cell_by_cell(row(text))
    cells = next(csv.reader(io.StringIO(written(row(text)))))
    given = dict(zip(export.ANSWER_IDS, cells[16:], strict=True))
    assert given["pain_areas"] == "elbow_forearm"
    assert given["pain_intensity"] == "6"
    assert given["needle_reaction"] == ""  # not asked: blank


@pytest.mark.parametrize(
    "answers",
    [
        None,
        "{}",
        "null",
        json.dumps({"pain_duration": "=cmd|' /C calc'!A0"}),
        json.dumps({"pain_duration": "+1", "pain_areas": ["-x", "@y"]}),
        json.dumps({"pain_duration": "\tx"}),
        json.dumps({"pain_duration": "a,b"}),
        json.dumps({"pain_duration": 'say "hi"'}),
        json.dumps({"pain_duration": "two\nlines"}),
        json.dumps({"pain_duration": "é"}),
        json.dumps({"pain_duration": "é"}, ensure_ascii=False),
        json.dumps({"pain_duration": None, "pain_intensity": 0}),
        json.dumps({"pain_duration": True, "pain_intensity": 2.5}),
        json.dumps({"pain_areas": [], "diagnoses": ["none"]}),
        json.dumps({**CLINICAL, "pain_areas": ["neck", "lower_back"]}),
    ],
)
def test_every_kind_of_stored_answer_is_written_as_the_csv_module_writes_it(
    answers: str | None,
) -> None:
    assert written(row(answers)) == cell_by_cell(row(answers))


def test_answers_that_could_start_a_formula_are_neutralised() -> None:
    text = json.dumps({"pain_duration": "=1+1", "pain_areas": ["@SUM(A1)"]})
    assert export._answer_run(text) is None
    cells = next(csv.reader(io.StringIO(written(row(text)))))
    given = dict(zip(export.ANSWER_IDS, cells[16:], strict=True))
    assert given["pain_duration"] == "'=1+1"
    assert given["pain_areas"] == "'@SUM(A1)"
    assert cells[8] == "'=a@example.org"  # contact details: always checked


def test_codes_the_app_writes_cannot_start_a_formula_or_need_quoting() -> None:
    """The columns written without neutralising hold only these."""
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
        assert export.neutralise(text) == text, text
        assert not set(text) & set(',"\r\n'), text


@pytest.mark.parametrize("ensure_ascii", [True, False])
def test_stored_json_reads_back_as_the_standard_library_reads_it(ensure_ascii: bool) -> None:
    answers = {"pain_areas": ["neck", "lower_back"], "pain_intensity": 0, "pain_duration": "é"}
    reasons = ["PR_BLEEDING_RISK", "NOTE_Ω"]
    values = row(
        json.dumps(answers, ensure_ascii=ensure_ascii),
        json.dumps(reasons, ensure_ascii=ensure_ascii),
    )
    cells = next(csv.reader(io.StringIO(written(values))))
    assert cells[4] == "PR_BLEEDING_RISK NOTE_Ω"
    given = dict(zip(export.ANSWER_IDS, cells[16:], strict=True))
    assert given["pain_areas"] == "neck lower_back"
    assert given["pain_intensity"] == "0"
    assert given["pain_duration"] == "é"
    assert given["needle_attitude"] == ""
