"""What a set of answers may hold: every answer checked against the questionnaire catalogue.

The rules' contract (SPEC section 4): answers map question ids to choice codes, a sequence of
codes for a multi-select question, a whole number from 0 to 10 for ``pain_intensity``; an
absent question, or ``None``, is "not reported"; contact details may be present and are not
checked here (the contact step's form checks them). Pure: no framework imports.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set

from app.screening.catalogue import NONE_CODE, SCALE_MAX, SCALE_MIN, Kind, Question
from app.screening.questions import CLINICAL_QUESTIONS, CONTACT_IDS

Answers = Mapping[str, str | int | Sequence[str]]


class AnswerError(ValueError):
    """An answer the questionnaire does not allow; ``question_id`` names the offending id."""

    def __init__(self, question_id: str, problem: str) -> None:
        super().__init__(f"{question_id}: {problem}")
        self.question_id = question_id


def check_answers(answers: Answers) -> None:
    """Raise ``AnswerError`` for the first answer the catalogue does not allow: an unknown
    question id, a code its question does not offer, ``none`` with other codes, a value of the
    wrong shape, or a pain score outside 0 to 10."""
    for question_id, value in answers.items():
        if value is None:
            continue
        question = CLINICAL_QUESTIONS.get(question_id)
        if question is None:
            if question_id not in CONTACT_IDS:
                raise AnswerError(question_id, "unknown question id")
        elif question.kind is Kind.MULTI:
            _check_codes(question, value)
        elif question.kind is Kind.SCALE:
            _check_score(question, value)
        elif type(value) is not str or value not in question.codes:
            raise AnswerError(question_id, "expected one of the codes this question offers")


def _check_codes(question: Question, value: object) -> None:
    """A multi-select answer: a list, tuple or set of the question's codes, ``none`` alone."""
    if isinstance(value, str | bytes) or not isinstance(value, Sequence | Set):
        raise AnswerError(question.id, "expected a sequence of codes")
    if not all(type(code) is str for code in value):
        raise AnswerError(question.id, "expected a sequence of codes")
    if not question.codes.issuperset(value):
        raise AnswerError(question.id, "not a code this question offers")
    if NONE_CODE in value and len(set(value)) > 1:
        raise AnswerError(question.id, f"{NONE_CODE!r} cannot be combined with other choices")


def _check_score(question: Question, value: object) -> None:
    """The pain score: a whole number (not a bool, not text) from 0 to 10."""
    if type(value) is not int or not SCALE_MIN <= value <= SCALE_MAX:
        raise AnswerError(question.id, f"expected a whole number from {SCALE_MIN} to {SCALE_MAX}")
