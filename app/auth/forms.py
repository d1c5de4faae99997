"""Sign-in forms. Every validator has its own message: WTForms' built-in ones are not in the
app's voice and not in its catalogue (``Length`` fills in ``%(max)d``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, Field, PasswordField, StringField, ValidationError
from wtforms.validators import DataRequired, EqualTo, Length

from app.auth.passwords import PASSWORD_INPUT_MAX, password_problem
from app.formtools import EMAIL_LENGTH, PlainText, strip

PASSWORD_LENGTH = Length(
    max=PASSWORD_INPUT_MAX, message=_l("Enter a password of %(max)d characters or fewer.")
)


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = EmailField(
        _l("Email address"),
        [
            DataRequired(_l("Enter your email address.")),
            EMAIL_LENGTH,
            PlainText(),
        ],
    )
    password = PasswordField(
        _l("Password"),
        [
            DataRequired(_l("Enter your password.")),
            PASSWORD_LENGTH,
        ],
    )


class CodeForm(FlaskForm):
    """A code from the authenticator app, or a recovery code."""

    code = StringField(
        _l("Code"),
        [
            DataRequired(_l("Enter the code.")),
            Length(max=32, message=_l("Enter a code of %(max)d characters or fewer.")),
            PlainText(),
        ],
        filters=[strip],
    )


class PasswordChangeForm(FlaskForm):
    """The current password, and a new one of the staff member's own choosing, twice."""

    current = PasswordField(
        _l("Current password"),
        [
            DataRequired(_l("Enter your current password.")),
            PASSWORD_LENGTH,
        ],
    )
    password = PasswordField(
        _l("New password"),
        [
            DataRequired(_l("Enter a new password.")),
            PASSWORD_LENGTH,
        ],
    )
    confirm = PasswordField(
        _l("Confirm the new password"),
        [
            DataRequired(_l("Enter the new password again.")),
            EqualTo("password", _l("The two passwords are not the same.")),
        ],
    )

    def __init__(self, email: str, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.email = email  # a password may not contain the address's name part

    def validate_password(self, field: Field) -> None:
        """Length and commonness, the same rules as everywhere else (QUALITY.md)."""
        problem = password_problem(field.data or "", self.email)
        if problem:
            raise ValidationError(problem)
