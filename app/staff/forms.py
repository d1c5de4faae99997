"""Forms of the staff workspace."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, Optional, ValidationError

from app.codes import AttemptResult, Channel, ClearanceDecision, Status
from app.database import utcnow
from app.dates import clinic_today
from app.formtools import OnceOnlyForm, PlainText, strip
from app.screening.codes import Outcome

NOTE_MAX = 4000

STATUS_LABELS: dict[str, Any] = {
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


CHANNEL_LABELS: dict[str, Any] = {Channel.PHONE: _l("Phone"), Channel.EMAIL: _l("Email")}
RESULT_LABELS: dict[str, Any] = {
    AttemptResult.REACHED: _l("Reached them"),
    AttemptResult.NO_ANSWER: _l("No answer"),
    AttemptResult.LEFT_MESSAGE: _l("Left a message"),
    AttemptResult.WRONG_NUMBER: _l("Wrong number or address"),
}
SEARCH_MAX = 100
SEARCH_NOTHING = _l("Enter a name, a phone number, an email address or a reference.")


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
    assignee = SelectField(_l("Assigned to"), validate_choice=False)  # choices: the view's


def assignee_choices(staff: list[tuple[int, str]], *, nobody: bool) -> list[SelectChoice]:
    """The assignee filter's options: anyone, me, (with ``nobody``) nobody, then each person
    by name."""
    fixed = [("", _l("Anyone")), ("me", _l("Me"))] + [("none", _l("Nobody"))] * nobody
    return _choices([*fixed, *((str(staff_id), name) for staff_id, name in staff)])


class FindForm(FlaskForm):
    """Find a patient by name, phone, email or reference (POST: what is typed is patient
    data, never put in a URL). What was typed is shown again as typed."""

    query = StringField(
        _l("Name, phone, email or reference"),
        [
            DataRequired(SEARCH_NOTHING),
            Length(
                max=SEARCH_MAX,
                message=_l("Enter %(max)d characters or fewer."),
            ),
            PlainText(),
        ],
        filters=[strip],
    )


class AssignForm(FlaskForm):
    """Take a submission ("me") or give it back ("nobody")."""

    to = HiddenField(validators=[AnyOf(("me", "nobody"))])


class AttemptForm(OnceOnlyForm):
    """One try to reach the patient, and when to try next."""

    channel = RadioField(
        _l("How"),
        [
            DataRequired(_l("Choose how you tried.")),
            AnyOf(tuple(Channel), _l("Choose how you tried.")),
        ],
        choices=_choices(CHANNEL_LABELS.items()),
        validate_choice=False,
    )
    result = RadioField(
        _l("What happened"),
        [
            DataRequired(_l("Choose what happened.")),
            AnyOf(tuple(AttemptResult), _l("Choose what happened.")),
        ],
        choices=_choices(RESULT_LABELS.items()),
        validate_choice=False,
    )
    follow_up_date = DateField(
        _l("Next follow-up (optional)"),
        [Optional()],
        format="%Y-%m-%d",
    )
    follow_up_time = TimeField(_l("Time (optional)"), [Optional()])
    mark_contacted = BooleanField(_l("Also change the status to Contacted"))

    def validate_follow_up_date(self, field: DateField) -> None:
        if field.data is not None and field.data < clinic_today(utcnow()):
            raise ValidationError(_l("Choose today or a later day for the follow-up."))

    def validate_follow_up_time(self, field: TimeField) -> None:
        if field.data is not None and self.follow_up_date.data is None:
            raise ValidationError(_l("Choose a date for the follow-up, or clear the time."))


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
