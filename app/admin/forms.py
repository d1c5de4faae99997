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
from app.codes import Actor, Role
from app.formtools import PlainText, strip

ROLE_LABELS = {
    Role.FRONT_DESK: _l("Front desk"),
    Role.CLINICIAN: _l("Clinician"),
    Role.ADMIN: _l("Administrator"),
}

# Every action the app records, with the label admins read, grouped by the prefix the filter
# can also match on: the one list of actions for the filter's options and the log's rows (the
# CSV export keeps the codes). An action missing here (an old record of a code no longer used)
# is still stored and shown, by its code; it only lacks its own entry in the filter.
# tests/admin/test_audit_labels.py finds every code the app records and checks it is here.
ACTION_GROUPS: dict[str, tuple[Any, tuple[tuple[str, Any], ...]]] = {
    "auth.": (
        _l("Sign-in"),
        (
            ("auth.login", _l("Successful sign-in")),
            ("auth.login_failed", _l("Failed sign-in")),
            ("auth.second_factor_failed", _l("Failed second factor")),
            ("auth.second_factor_enrolled", _l("Second factor set up")),
            ("auth.password_changed", _l("Password changed")),
            ("auth.password_change_failed", _l("Failed password change")),
            ("auth.logout", _l("Sign-out")),
        ),
    ),
    "submission.": (
        _l("Submissions"),
        (
            ("submission.create", _l("Submission received")),
            ("submission.view", _l("Submission viewed")),
            ("submission.status", _l("Submission status changed")),
            ("submission.note", _l("Note added")),
            ("submission.clearance", _l("Clearance decision recorded")),
            ("submission.export", _l("Submissions export started")),
            ("submission.export_sent", _l("Submissions export ended")),
        ),
    ),
    "queue.": (_l("Queue"), (("queue.view", _l("Queue viewed")),)),
    "staff.": (
        _l("Staff accounts"),
        (
            ("staff.create", _l("Account created")),
            ("staff.role", _l("Role changed")),
            ("staff.disable", _l("Account disabled")),
            ("staff.enable", _l("Account enabled")),
            ("staff.reset_2fa", _l("Second factor reset")),
            ("staff.sign_out_everywhere", _l("Account signed out everywhere")),
            ("staff.list", _l("Account list viewed")),
            ("staff.view", _l("Account viewed")),
        ),
    ),
    "audit.": (
        _l("Audit log"),
        (
            ("audit.view", _l("Audit log viewed")),
            ("audit.export", _l("Audit log exported")),
        ),
    ),
    "demo_data.": (_l("Demo data"), (("demo_data.create", _l("Demo data created")),)),
    "backup.": (_l("Backups"), (("backup.create", _l("Backup made")),)),
    "retention.": (
        _l("Data retention"),
        (("retention.purge", _l("Old submissions and drafts deleted")),),
    ),
}

# Each action's label by its code.
ACTION_LABELS: dict[str, Any] = {
    code: label for _group, actions in ACTION_GROUPS.values() for code, label in actions
}


def action_choices() -> list[SelectChoice]:
    """ "Any", then each group (a prefix, e.g. ``auth.*``) followed by its actions: each
    offered by its label, sent as its code (links and bookmarks keep working)."""
    # Its own context: "Any" agrees with its noun in French (une action: « Toutes »).
    choices = [SelectChoice("", pgettext("audit log action filter", "Any"))]
    for prefix, (group, actions) in ACTION_GROUPS.items():
        every = _l("All (%(prefix)s*)", prefix=prefix)
        choices.append(SelectChoice(f"{prefix}*", every, {}, group))
        choices.extend(SelectChoice(code, label, {}, group) for code, label in actions)
    return choices


def known_filter_actions() -> frozenset[str]:
    """The values the action filter accepts."""
    return frozenset(choice.value for choice in action_choices() if choice.value)


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
            Length(max=100, message=_l("Enter a name of %(max)d characters or fewer.")),
            PlainText(),
        ],
        [strip],
    )
    email = EmailField(
        _l("Email address"),
        [
            DataRequired(_l("Enter an email address.")),
            Length(max=254, message=_l("Enter an email address of %(max)d characters or fewer.")),
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

    def set_people(self, staff: list[tuple[int, str]]) -> None:
        """Offer "any", "patient", "system" and each staff member (disabled ones included)."""
        self.who.choices = [
            SelectChoice("", _l("Anyone")),
            SelectChoice(Actor.PATIENT, _l("A patient")),
            SelectChoice(Actor.SYSTEM, _l("The system")),
            *(SelectChoice(str(staff_id), name) for staff_id, name in staff),
        ]
