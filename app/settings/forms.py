"""The settings page's forms: one field per setting (``app.settings.fields``), each checked by
the setting's own parser, and the purge's confirmation."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, ValidationError

from app.database import utcnow
from app.formtools import PlainText, strip
from app.settings.fields import FIELDS, Invalid, Widget
from app.settings.fields import Field as Setting
from app.settings.store import ClinicSettings

# Time zones offered first (any IANA name is accepted): Canada's, west to east.
SUGGESTED_ZONES = (
    "America/Vancouver",
    "America/Whitehorse",
    "America/Edmonton",
    "America/Regina",
    "America/Winnipeg",
    "America/Toronto",
    "America/Halifax",
    "America/Moncton",
    "America/St_Johns",
)


class _Parsed:
    """Checks a field with its setting's parser and keeps the value (``field.parsed``)."""

    def __init__(self, setting: Setting) -> None:
        self.setting = setting

    def __call__(self, _form: FlaskForm, field: Field) -> None:
        try:
            field.parsed = self.setting.parse(field.data or "")
        except Invalid as error:
            raise ValidationError(str(error.args[0])) from None


class SettingsForm(FlaskForm):
    """Every setting, as text; ``values()`` gives them parsed once the form validates."""

    def values(self) -> dict[str, Any]:
        return {setting.name: self[setting.name].parsed for setting in FIELDS}

    @classmethod
    def shown(cls, settings: ClinicSettings) -> SettingsForm:
        """The form filled with the settings in force."""
        data = {s.name: s.show(getattr(settings, s.name)) for s in FIELDS}
        return cls(formdata=None, data=data)


for _setting in FIELDS:
    _paragraph = _setting.widget is Widget.TEXT
    setattr(
        SettingsForm,
        _setting.name,
        (TextAreaField if _paragraph else StringField)(
            _setting.label,
            validators=[PlainText(allow_newlines=_paragraph), _Parsed(_setting)],
            filters=[strip],
        ),
    )


# How long a purge's preview may be confirmed: after that, the admin looks again.
PREVIEW_VALID = timedelta(hours=1)


class PurgeForm(FlaskForm):
    """Run the purge the page previewed, once the admin has ticked the confirmation. The form
    carries the moment of the preview (``as_of``): the purge deletes what was older than the
    period then, which is exactly what the preview counted."""

    as_of = HiddenField()
    confirm = BooleanField(
        _l("I understand that these records will be deleted for good."),
        validators=[DataRequired(_l("Tick the box to confirm the purge."))],
    )
    moment: datetime | None = None  # the preview's, once the form validates

    def validate(self, extra_validators: Any = None) -> bool:
        """The fields, then the preview's moment: a message about the form as a whole (the
        field is hidden, so the error summary must not link to it)."""
        valid = super().validate(extra_validators)
        try:
            moment = datetime.fromisoformat(self.as_of.data or "")
        except ValueError:
            moment = None
        now = utcnow()
        if moment is None or moment.tzinfo is None or not now - PREVIEW_VALID <= moment <= now:
            self.form_errors.append(_l("This preview is out of date. Check the counts again."))
            return False
        self.moment = moment
        return valid
