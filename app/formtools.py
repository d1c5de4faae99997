"""Small helpers shared by the app's forms."""

from __future__ import annotations

import re
import secrets
import unicodedata
from typing import Any

from flask_babel import LazyString, format_number
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, HiddenField
from wtforms.validators import Length, StopValidation

from app.screening.questions_more import EMAIL_MAX

FORM_KEY = re.compile(r"[A-Za-z0-9_-]{22}")  # what new_form_key makes: 16 random bytes


def number(value: int) -> LazyString:
    """``value`` as the page's language writes numbers (1,000 or 1 000), worked out when shown:
    a limit written into a message from the constant that sets it, not typed again."""
    return LazyString(format_number, value)


# A staff member's e-mail address, on every form that asks for one.
EMAIL_LENGTH = Length(
    max=EMAIL_MAX, message=_l("Enter an email address of %(max)d characters or fewer.")
)


def strip(value: Any) -> Any:
    """A WTForms filter: trim surrounding white space from text, leave anything else alone."""
    return value.strip() if isinstance(value, str) else value


def has_control_character(text: str, allowed: frozenset[str] = frozenset()) -> bool:
    """Whether ``text`` holds a control character (Unicode category Cc: NUL, escape, CR, LF...)
    other than those ``allowed``."""
    return any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in text)


# The two joiners are format characters that some scripts need to spell a word (Persian names,
# Indic scripts, emoji sequences); they cannot turn text around or hide it.
JOINERS = frozenset("\u200c\u200d")


def has_format_character(text: str) -> bool:
    """Whether ``text`` holds an invisible format character (Unicode category Cf) other than
    the joiners: bidirectional controls (U+202E shows "Smith" as "htimS", and can disguise how a
    name or a note reads to the staff), zero-width spaces, byte order marks..."""
    return any(unicodedata.category(ch) == "Cf" and ch not in JOINERS for ch in text)


class PlainText:
    """Refuses control characters and invisible format characters, on the patient's side and
    the staff's: a pasted NUL or escape code is never a real answer, PostgreSQL cannot store a
    NUL at all (it would be a 500 there, and silently kept on SQLite), and a bidirectional
    control makes text read otherwise than it is. ``allow_newlines`` for multi-line text.

    It stops the field's other checks: their messages would only be noise about the same text.
    """

    def __init__(self, allow_newlines: bool = False) -> None:
        self.allowed = frozenset("\n\r\t") if allow_newlines else frozenset()

    def __call__(self, form: FlaskForm, field: Field) -> None:
        text = field.data if isinstance(field.data, str) else ""
        if has_control_character(text, self.allowed):
            raise StopValidation(_l("Remove any special characters and try again."))
        if has_format_character(text):
            raise StopValidation(
                _l(
                    "This text holds invisible formatting characters, which often come with "
                    "copied text. Please type it instead of pasting it."
                )
            )


def new_form_key() -> str:
    return secrets.token_urlsafe(16)


class OnceOnlyForm(FlaskForm):
    """A form whose sending adds a record: each rendered copy carries a one-time key, stored with
    the record under a unique constraint, so that the same copy sent twice (a double click, a
    resend after a lost answer) is recognised and stored once.

    A copy without a well-formed key (a page rendered before keys existed, or tampered with)
    fails validation with a form-level message, and the page shown again carries a fresh key.
    """

    form_key = HiddenField(default=new_form_key)

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        sent = self.form_key.raw_data  # not the field's data: a missing key takes the default
        if not sent or not FORM_KEY.fullmatch(sent[0]):
            self.form_key.data = new_form_key()
            self.form_errors.append(_l("This page was out of date. Check it and send it again."))
            return False
        return valid
