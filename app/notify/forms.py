"""The notifications page's form: how a staff member hears of new work, and in which
language."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, RadioField, StringField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from app.codes import NotifyMode
from app.formtools import strip

DIGEST_TIME = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
MODE_LABELS = {
    NotifyMode.EACH: _l("An email for each new item, right away"),
    NotifyMode.HOURLY: _l("One email an hour, listing everything new"),
    NotifyMode.DAILY: _l("One email a day, at the time below"),
    NotifyMode.NONE: _l("No emails: I look at the queue myself"),
}
LANGUAGES = {"en": "English", "fr_CA": "Français"}


def _digest_time(form: Any, field: Field) -> None:
    if not DIGEST_TIME.match(field.data or ""):
        raise ValidationError(_l("Enter a time of day like 08:00 or 16:30."))


class PreferencesForm(FlaskForm):
    mode = RadioField(
        _l("How do you want to hear about work waiting for you?"),
        [InputRequired(_l("Select how you want to hear about work waiting for you."))],
        choices=[SelectChoice(mode, label) for mode, label in MODE_LABELS.items()],
    )
    digest_time = StringField(_l("Time of the daily email"), [_digest_time], filters=[strip])
    language = RadioField(
        _l("Language of the emails"),
        [InputRequired(_l("Select the language of the emails."))],
        choices=[SelectChoice(code, label) for code, label in LANGUAGES.items()],
    )
