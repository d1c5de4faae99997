"""Forms of the administration area: staff accounts and the audit log's filters."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, Field, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    AnyOf,
    DataRequired,
    Email,
    EqualTo,
    Length,
    Optional,
    ValidationError,
)

from app.admin.actions import action_choices
from app.auth.passwords import password_problem
from app.codes import Actor, Role
from app.formtools import EMAIL_LENGTH, PlainText, strip
from app.models import STAFF_NAME_MAX

ROLE_LABELS = {
    Role.FRONT_DESK: _l("Front desk"),
    Role.CLINICIAN: _l("Clinician"),
    Role.ADMIN: _l("Administrator"),
}


def _role_choices() -> list[SelectChoice]:
    return [SelectChoice(role, label) for role, label in ROLE_LABELS.items()]


def _lower(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


class NewAccountForm(FlaskForm):
    """Create a staff account; its second factor is set up at the first sign-in."""

    name = StringField(
        _l("Full name"),
        [
            DataRequired(_l("Enter the person's name.")),
            Length(max=STAFF_NAME_MAX, message=_l("Enter a name of %(max)d characters or fewer.")),
            PlainText(),
        ],
        [strip],
    )
    email = EmailField(
        _l("Email address"),
        [
            DataRequired(_l("Enter an email address.")),
            EMAIL_LENGTH,
            PlainText(),
            Email(_l("Enter an email address like name@example.org.")),
        ],
        [_lower],
    )
    role = SelectField(
        _l("Role"),
        [AnyOf(tuple(Role), _l("Choose a role."))],
        choices=_role_choices(),
        validate_choice=False,  # AnyOf checks it, with the app's message (only one message)
    )
    password = PasswordField(
        _l("Password"),
        [DataRequired(_l("Enter a password."))],
    )
    confirm = PasswordField(
        _l("Confirm the password"),
        [
            DataRequired(_l("Enter the password again.")),
            EqualTo("password", _l("The two passwords are not the same.")),
        ],
    )

    def validate_password(self, field: Field) -> None:
        """Length and commonness, the same rules as everywhere else (QUALITY.md)."""
        problem = password_problem(field.data or "", self.email.data or "")
        if problem:
            raise ValidationError(problem)


class ResetPasswordForm(FlaskForm):
    """A temporary password for an account: typed by the admin, or, both boxes left empty,
    generated and shown once."""

    password = PasswordField(_l("Temporary password"), [Optional()])
    confirm = PasswordField(
        _l("Confirm the temporary password"),
        [EqualTo("password", _l("The two passwords are not the same."))],
    )

    def __init__(self, *args: Any, email: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def validate_password(self, field: Field) -> None:
        """The same rules as every password, when one is typed (QUALITY.md)."""
        problem = field.data and password_problem(field.data, self.email)
        if problem:
            raise ValidationError(problem)


class RoleForm(FlaskForm):
    """Change an account's role."""

    role = SelectField(
        _l("Role"),
        [AnyOf(tuple(Role), _l("Choose a role."))],
        choices=_role_choices(),
        validate_choice=False,  # AnyOf checks it, with the app's message (only one message)
    )


class ActionForm(FlaskForm):
    """A button that changes an account (disable, enable, reset...): only the CSRF token."""


class AuditFilterForm(FlaskForm):
    """The audit log's filters, sent with GET (they hold no patient data)."""

    class Meta:
        csrf = False

    action = SelectField(_l("Action"), choices=action_choices())
    who = SelectField(_l("Who"), choices=[], name="who")
    date_from = DateField(_l("From"), [Optional()], name="from")
    date_to = DateField(_l("To"), [Optional()], name="to")
    # Read as a reference (``canonical_reference``) or ignored, as the other filters are.
    reference = StringField(_l("Submission reference"))

    def set_people(self, staff: list[tuple[int, str]]) -> None:
        """Offer "any", "patient", "system" and each staff member (disabled ones included)."""
        self.who.choices = [
            SelectChoice("", _l("Anyone")),
            SelectChoice(Actor.PATIENT, _l("A patient")),
            SelectChoice(Actor.SYSTEM, _l("The system")),
            *(SelectChoice(str(staff_id), name) for staff_id, name in staff),
        ]
