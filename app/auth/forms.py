"""Sign-in forms. Every validator has its own message: WTForms' built-in ones are not in the
app's voice and not in its catalogue (``Length`` fills in ``%(max)d``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from app.formtools import strip


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = EmailField(
        _l("Email address"),
        [
            DataRequired(_l("Enter your email address.")),
            Length(max=254, message=_l("Enter an email address of %(max)d characters or fewer.")),
        ],
    )
    password = PasswordField(
        _l("Password"),
        [
            DataRequired(_l("Enter your password.")),
            Length(max=1024, message=_l("Enter a password of %(max)d characters or fewer.")),
        ],
    )


class CodeForm(FlaskForm):
    """A code from the authenticator app, or a recovery code."""

    code = StringField(
        _l("Code"),
        [
            DataRequired(_l("Enter the code.")),
            Length(max=32, message=_l("Enter a code of %(max)d characters or fewer.")),
        ],
        filters=[strip],
    )
