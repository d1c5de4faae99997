"""Forms of the staff workspace."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from app.formtools import OnceOnlyForm, strip
from app.models import STATUSES

NOTE_MAX = 4000
DECISIONS = ("cleared", "not_cleared")

STATUS_LABELS = {
    "new": _l("New"),
    "contacted": _l("Contacted"),
    "booked": _l("Booked"),
    "referred": _l("Referred"),
    "declined": _l("Declined"),
    "closed": _l("Closed"),
}
OUTCOME_LABELS = {
    "emergency": _l("Emergency"),
    "see_doctor": _l("See a doctor"),
    "not_suitable": _l("Not suitable"),
    "not_indicated": _l("Not indicated"),
    "clinician_review": _l("Clinician review"),
    "suggest_consult": _l("Suggest consult"),
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
    """Find a submission by its reference (POST, so nothing typed lands in a URL)."""

    reference = StringField(
        _l("Reference"),
        [
            DataRequired(_l("Enter a reference.")),
            Length(max=20, message=_l("Enter a reference of %(max)d characters or fewer.")),
        ],
        filters=[strip, lambda v: v.upper() if isinstance(v, str) else v],
    )


class StatusForm(FlaskForm):
    """Move a submission along."""

    status = SelectField(
        _l("Status"),
        [AnyOf(STATUSES)],
        choices=_choices(STATUS_LABELS.items()),
    )


class NoteForm(OnceOnlyForm):
    """Append a note."""

    body = TextAreaField(
        _l("Note"),
        [
            DataRequired(_l("Write the note.")),
            Length(max=NOTE_MAX, message=_l("Keep the note to %(max)d characters or fewer.")),
        ],
        filters=[strip],
    )


class ClearanceForm(OnceOnlyForm):
    """A clinician's decision on a clinician-review submission."""

    decision = RadioField(
        _l("Decision"),
        [DataRequired(_l("Choose a decision.")), AnyOf(DECISIONS, _l("Choose a decision."))],
        choices=_choices(
            [("cleared", _l("Cleared for booking")), ("not_cleared", _l("Not cleared"))]
        ),
        validate_choice=False,  # AnyOf checks it, with the app's message
    )
    reason = TextAreaField(
        _l("Reason"),
        [
            DataRequired(_l("Give the reason for the decision.")),
            Length(max=NOTE_MAX, message=_l("Keep the reason to %(max)d characters or fewer.")),
        ],
        filters=[strip],
    )
