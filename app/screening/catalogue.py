"""Building blocks of the questionnaire catalogue: kinds, choices, questions and steps.

Pure: no Flask, WTForms or SQLAlchemy. Texts are marked with ``N_`` for extraction and
translated where they are shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from app.screening.codes import StepId

NONE_CODE = "none"


def N_(text: str) -> str:
    """Mark ``text`` for translation without translating it (translation happens on display)."""
    return text


class Kind(StrEnum):
    """How a question is asked and what its answer looks like."""

    YES_NO = "yes_no"  # radio group, codes yes/no
    SINGLE = "single"  # radio group
    MULTI = "multi"  # checkboxes; answer is a tuple of codes
    SCALE = "scale"  # whole number 0..10 shown as a radio group
    TEXT = "text"
    EMAIL = "email"
    PHONE = "phone"
    LONG_TEXT = "long_text"
    CONSENT = "consent"  # a single required checkbox


@dataclass(frozen=True, slots=True)
class Choice:
    """One answer a patient may pick: a stable code and its label."""

    code: str
    label: str


@dataclass(frozen=True, slots=True)
class Question:
    """A question with a stable id (the form field name and FHIR linkId)."""

    id: str
    kind: Kind
    label: str
    choices: tuple[Choice, ...] = ()
    hint: str | None = None
    required: bool = True
    # Items shown as a list under the hint, when a question names several things.
    hint_items: tuple[str, ...] = ()
    max_length: int | None = None
    codes: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "codes", frozenset(c.code for c in self.choices))

    @property
    def has_none(self) -> bool:
        """Whether ``none`` is offered and so must stand alone."""
        return NONE_CODE in self.codes

    def choice_label(self, code: str) -> str:
        """The label of ``code``, or the code itself when it is not one of the choices."""
        return next((c.label for c in self.choices if c.code == code), code)


@dataclass(frozen=True, slots=True)
class Step:
    """One page of the questionnaire: a topic and its questions."""

    id: StepId
    title: str
    intro: str
    questions: tuple[Question, ...]


YES_NO = (Choice("yes", N_("Yes")), Choice("no", N_("No")))
SCALE_MIN, SCALE_MAX = 0, 10


def yes_no(
    qid: str, label: str, hint: str | None = None, hint_items: tuple[str, ...] = ()
) -> Question:
    """A required yes/no radio question."""
    return Question(qid, Kind.YES_NO, label, YES_NO, hint=hint, hint_items=hint_items)


def choices(*pairs: tuple[str, str]) -> tuple[Choice, ...]:
    """Choices from ``(code, label)`` pairs, in display order."""
    return tuple(Choice(code, label) for code, label in pairs)
