"""Forms of the administration area: staff accounts and the audit log's filters."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext  # a name pybabel extracts, with its context
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

from app.auth.passwords import password_problem
from app.formtools import strip
from app.models import ROLES

ROLE_LABELS = {
    "front_desk": _l("Front desk"),
    "clinician": _l("Clinician"),
    "admin": _l("Administrator"),
}

# Every action the app records, grouped by the prefix the filter can also match on. An action
# missing here is still stored and shown; it only lacks its own entry in the filter.
ACTION_GROUPS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "auth.": (
        _l("Sign-in"),
        (
            "auth.login",
            "auth.login_failed",
            "auth.second_factor_failed",
            "auth.second_factor_enrolled",
            "auth.password_changed",
            "auth.password_change_failed",
            "auth.logout",
        ),
    ),
    "submission.": (
        _l("Submissions"),
        (
            "submission.create",
            "submission.view",
            "submission.status",
            "submission.note",
            "submission.clearance",
            "submission.export",
            "submission.export_sent",
        ),
    ),
    "queue.": (_l("Queue"), ("queue.view",)),
    "staff.": (
        _l("Staff accounts"),
        (
            "staff.create",
            "staff.role",
            "staff.disable",
            "staff.enable",
            "staff.reset_2fa",
            "staff.sign_out_everywhere",
            "staff.list",
            "staff.view",
        ),
    ),
    "audit.": (_l("Audit log"), ("audit.view", "audit.export")),
    "demo_data.": (_l("Demo data"), ("demo_data.create",)),
}


def action_choices() -> list[SelectChoice]:
    """ "Any", then each group (a prefix, e.g. ``auth.*``) followed by its actions."""
    # Its own context: "Any" agrees with its noun in French (une action: « Toutes »).
    choices = [SelectChoice("", pgettext("audit log action filter", "Any"))]
    for prefix, (label, actions) in ACTION_GROUPS.items():
        every = _l("All (%(prefix)s*)", prefix=prefix)
        choices.append(SelectChoice(f"{prefix}*", every, {}, label))
        choices.extend(SelectChoice(action, action, {}, label) for action in actions)
    return choices


def known_filter_actions() -> frozenset[str]:
    """The values the action filter accepts."""
    return frozenset(choice.value for choice in action_choices() if choice.value)


def _role_choices() -> list[SelectChoice]:
    return [SelectChoice(role, ROLE_LABELS[role]) for role in ROLES]


def _lower(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


class NewAccountForm(FlaskForm):
    """Create a staff account; its second factor is set up at the first sign-in."""

    name = StringField(
        _l("Full name"),
        [
            DataRequired(_l("Enter the person's name.")),
            Length(max=100, message=_l("Enter a name of %(max)d characters or fewer.")),
        ],
        [strip],
    )
    email = EmailField(
        _l("Email address"),
        [
            DataRequired(_l("Enter an email address.")),
            Length(max=254, message=_l("Enter an email address of %(max)d characters or fewer.")),
            Email(_l("Enter an email address like name@example.org.")),
        ],
        [_lower],
    )
    role = SelectField(
        _l("Role"),
        [AnyOf(ROLES, _l("Choose a role."))],
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


class RoleForm(FlaskForm):
    """Change an account's role."""

    role = SelectField(
        _l("Role"),
        [AnyOf(ROLES, _l("Choose a role."))],
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

    def set_people(self, staff: list[tuple[int, str]]) -> None:
        """Offer "any", "patient", "system" and each staff member (disabled ones included)."""
        self.who.choices = [
            SelectChoice("", _l("Anyone")),
            SelectChoice("patient", _l("A patient")),
            SelectChoice("system", _l("The system")),
            *(SelectChoice(str(staff_id), name) for staff_id, name in staff),
        ]
