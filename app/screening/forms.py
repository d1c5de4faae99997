"""WTForms built from the questionnaire catalogue, and the bridge from form data to answers.

One form class per step, generated from ``questions.STEPS`` so that a question is defined in
exactly one place. The forms validate exactly what SPEC section 3 allows; the views turn a
valid form into a plain answers mapping with ``answers_from``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    RadioField,
    SelectMultipleField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
    Regexp,
    StopValidation,
    ValidationError,
)

from app.formtools import PlainText, number, strip
from app.screening.catalogue import NONE_CODE, Kind, Question, Step
from app.screening.codes import StepId
from app.screening.missing_answers import MISSING
from app.screening.questions import STEPS
from app.screening.questions_more import PHONE_MAX, PHONE_MIN

PHONE_PATTERN = re.compile(r"^[0-9 +\-().]*$")
_CHOOSE_FROM_LIST = _l("Choose from the options shown.")
_PREFERENCE_NOT_GIVEN = {
    "phone": _l("You chose to be contacted by phone: enter a phone number, or choose email."),
    "email": _l("You chose to be contacted by email: enter an email address, or choose phone."),
}


def _blank_to_none(value: Any) -> Any:
    return value or None


class AllowedCodes:
    """Only codes the question offers; ``none`` only on its own."""

    def __init__(self, question: Question) -> None:
        self.question = question

    def __call__(self, form: FlaskForm, field: Field) -> None:
        given = field.data if isinstance(field.data, list) else [field.data]
        if not set(given) <= self.question.codes:
            raise ValidationError(_CHOOSE_FROM_LIST)
        if self.question.has_none and NONE_CODE in given and len(given) > 1:
            raise ValidationError(
                _l("“None of these” cannot be chosen together with other options.")
            )


class Ticked:
    """The consent box: only its own value ``y`` counts as agreeing."""

    def __init__(self, message: Any) -> None:
        self.message = message

    def __call__(self, form: FlaskForm, field: Field) -> None:
        if field.raw_data != ["y"]:
            raise ValidationError(self.message)


def one_value(form: FlaskForm, field: Field) -> None:
    """A single-choice question answered once: a radio group sends one value, so more than one
    is a hand-made request, and which of them counts is not ours to guess (WTForms would take
    the first, hiding an emergency "yes" sent after a "no"). Stops the field's other checks."""
    if field.raw_data and len(field.raw_data) > 1:
        raise StopValidation(_l("Choose only one answer."))


def _required_message(question: Question) -> Any:
    """The question's own message when it is left unanswered (``missing_answers``)."""
    return _l(MISSING[question.id])


def _choice_field(question: Question) -> Field:
    validators = [InputRequired(_required_message(question)), AllowedCodes(question)]
    # Choices are rendered by our own macros and checked by AllowedCodes against the catalogue.
    if question.kind is Kind.MULTI:
        return SelectMultipleField(question.label, validators, validate_choice=False)
    return RadioField(question.label, [one_value, *validators], validate_choice=False)


def _limit(question: Question) -> int:
    """The length limit of a free-text question (every one has one)."""
    if question.max_length is None:
        raise AssertionError(f"{question.id} has no length limit")
    return question.max_length


def _contact_field(question: Question) -> Field:
    """The text-like fields of the contact step, with SPEC section 3's limits."""
    filters = [strip, _blank_to_none]
    if question.kind is Kind.TEXT:
        return StringField(
            question.label,
            [
                DataRequired(_l("Enter your full name.")),
                Length(
                    max=question.max_length,
                    message=_l(
                        "Your name must be %(max)s characters or fewer.",
                        max=number(_limit(question)),
                    ),
                ),
                PlainText(),
            ],
            filters=[strip],
        )
    if question.kind is Kind.EMAIL:
        return EmailField(
            question.label,
            [
                Optional(),
                Length(max=question.max_length, message=_l("Enter a shorter email address.")),
                Email(_l("Enter an email address in the right format, like name@example.com.")),
            ],
            filters=filters,
        )
    if question.kind is Kind.PHONE:
        phone_message = _l(
            "Enter a phone number of %(min)s to %(max)s characters, using digits, spaces and "
            "+ - ( ) . only.",
            min=number(PHONE_MIN),
            max=number(PHONE_MAX),
        )
        return TelField(
            question.label,
            [
                Optional(),
                Length(min=PHONE_MIN, max=PHONE_MAX, message=phone_message),
                Regexp(PHONE_PATTERN, message=phone_message),
            ],
            filters=filters,
        )
    if question.kind is Kind.LONG_TEXT:
        return TextAreaField(
            question.label,
            [
                Optional(),
                Length(
                    max=question.max_length,
                    message=_l(
                        "Your message must be %(max)s characters or fewer.",
                        max=number(_limit(question)),
                    ),
                ),
                PlainText(allow_newlines=True),
            ],
            filters=filters,
        )
    if question.kind is Kind.CONSENT:
        consent_message = _l(
            "Tick the box to agree, so that the clinic can keep your answers and contact you."
        )
        return BooleanField(question.label, [Ticked(consent_message)])
    raise AssertionError(f"no field for kind {question.kind}")


def _field_for(question: Question) -> Field:
    if question.choices and question.kind is not Kind.CONSENT:
        return _choice_field(question)
    return _contact_field(question)


class StepForm(FlaskForm):
    """Base of every step's form; ``step`` is the catalogue step it was built from."""

    step: Step

    @property
    def csrf_failed(self) -> bool:
        """Whether the only thing wrong is an expired or missing CSRF token."""
        return bool(self.meta.csrf and self.csrf_token.errors)


# The contact step's box asking for a receipt by e-mail (app.notify): not a question of the
# questionnaire, so not among the answers; the draft keeps it apart.
RECEIPT_FIELD = "receipt"


class ContactForm(StepForm):
    """The contact step: at least one way to reach the patient, and the preferred one given;
    a receipt only to an e-mail address given."""

    receipt = BooleanField(_l("Email me a receipt with my reference number"))

    def validate(
        self, extra_validators: Mapping[str, list[Callable[..., Any]]] | None = None
    ) -> bool:
        valid = super().validate(extra_validators)
        email, phone, preference = self["email"], self["phone"], self["contact_preference"]
        if not (email.errors or phone.errors):
            if not email.data and not phone.data:
                email.errors.append(_l("Enter an email address or a phone number, or both."))
                valid = False
            elif not preference.errors and preference.data and not self[preference.data].data:
                preference.errors.append(_PREFERENCE_NOT_GIVEN[preference.data])
                valid = False
        if self.receipt.data and not email.data and not email.errors:
            self.receipt.errors.append(
                _l("Enter your email address to get a receipt, or untick the box.")
            )
            valid = False
        return valid


def _build(step: Step) -> type[StepForm]:
    base = ContactForm if step.id is StepId.CONTACT else StepForm
    attrs: dict[str, Any] = {"step": step}
    attrs.update({q.id: _field_for(q) for q in step.questions})
    return type(f"{step.id.title()}Form", (base,), attrs)


FORMS: dict[str, type[StepForm]] = {step.id: _build(step) for step in STEPS}


def answers_from(form: StepForm) -> dict[str, Any]:
    """The validated form as answers: codes, lists of codes, an int for the scale, or None."""
    answers: dict[str, Any] = {}
    for question in form.step.questions:
        data = form[question.id].data
        if question.kind is Kind.SCALE:
            data = int(data)
        elif question.kind is Kind.MULTI:
            chosen = set(data)
            data = [c.code for c in question.choices if c.code in chosen]
        elif question.kind is Kind.CONSENT:
            data = "y" if data else None
        answers[question.id] = data
    return answers


def form_data(step: Step, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Stored answers in the shape a step's form expects, to show them again."""
    data: dict[str, Any] = {}
    for question in step.questions:
        value = answers.get(question.id)
        if question.kind is Kind.SCALE and value is not None:
            value = str(value)
        elif question.kind is Kind.CONSENT:
            value = value == "y"
        data[question.id] = value
    return data
