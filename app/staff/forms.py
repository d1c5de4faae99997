"""Forms of the staff workspace."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from app.codes import ClearanceDecision, Status
from app.formtools import OnceOnlyForm, PlainText, strip
from app.screening.codes import Outcome

NOTE_MAX = 4000

STATUS_LABELS = {
    Status.NEW: _l("New"),
    Status.CONTACTED: _l("Contacted"),
    Status.BOOKED: _l("Booked"),
    Status.REFERRED: _l("Referred"),
    Status.DECLINED: _l("Declined"),
    Status.CLOSED: _l("Closed"),
}
OUTCOME_LABELS = {
    Outcome.EMERGENCY: _l("Emergency"),
    Outcome.SEE_DOCTOR: _l("See a doctor"),
    Outcome.NOT_SUITABLE: _l("Not suitable"),
    Outcome.NOT_INDICATED: _l("Not indicated"),
    Outcome.CLINICIAN_REVIEW: _l("Clinician review"),
    Outcome.SUGGEST_CONSULT: _l("Suggest consult"),
}


def _choices(pairs: Any) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


_ANY = ("", _l("Any"))


class FilterForm(FlaskForm):
    """The queue's filters (sent with GET: they hold no patient data)."""

    class Meta:
        csrf = False

    outcome = SelectField(_l("Outcome"), choices=_choices([_ANY, *OUTCOME_LABELS.items()]))
    status = SelectField(_l("Status"), choices=_choices([_ANY, *STATUS_LABELS.items()]))
    date_from = DateField(_l("From"), [Optional()], name="from")
    date_to = DateField(_l("To"), [Optional()], name="to")


class FindForm(FlaskForm):
    """Find a submission by its reference (POST, so nothing typed lands in a URL). What was
    typed is shown again as typed; ``canonical_reference`` reads it."""

    reference = StringField(
        _l("Reference"),
        [
            DataRequired(_l("Enter a reference.")),
            Length(max=20, message=_l("Enter a reference of %(max)d characters or fewer.")),
            PlainText(),
        ],
        filters=[strip],
    )


class StatusForm(FlaskForm):
    """Move a submission along."""

    status = SelectField(
        _l("Status"),
        [AnyOf(tuple(Status))],
        choices=_choices(STATUS_LABELS.items()),
    )


class NoteForm(OnceOnlyForm):
    """Append a note."""

    body = TextAreaField(
        _l("Note"),
        [
            DataRequired(_l("Write the note.")),
            Length(max=NOTE_MAX, message=_l("Keep the note to %(max)d characters or fewer.")),
            PlainText(allow_newlines=True),
        ],
        filters=[strip],
    )


class ClearanceForm(OnceOnlyForm):
    """A clinician's decision on a clinician-review submission."""

    decision = RadioField(
        _l("Decision"),
        [
            DataRequired(_l("Choose a decision.")),
            AnyOf(tuple(ClearanceDecision), _l("Choose a decision.")),
        ],
        choices=_choices(
            [
                (ClearanceDecision.CLEARED, _l("Cleared for booking")),
                (ClearanceDecision.NOT_CLEARED, _l("Not cleared")),
            ]
        ),
        validate_choice=False,  # AnyOf checks it, with the app's message
    )
    reason = TextAreaField(
        _l("Reason"),
        [
            DataRequired(_l("Give the reason for the decision.")),
            Length(max=NOTE_MAX, message=_l("Keep the reason to %(max)d characters or fewer.")),
            PlainText(allow_newlines=True),
        ],
        filters=[strip],
    )
