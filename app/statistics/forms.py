"""The statistics page's period (sent with GET: it holds no patient data)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, ValidationError

from app.dates import FIRST_YEAR

# The periods offered, as whole weeks back from the current one (which is partial).
WEEKS_BACK = {"4w": 4, "quarter": 13, "year": 52}
PERIOD_LABELS: dict[str, Any] = {
    "4w": _l("Last 4 weeks"),
    "quarter": _l("Last 13 weeks (a quarter)"),
    "year": _l("Last 52 weeks (a year)"),
    "custom": _l("Dates of your choice"),
}
DEFAULT = "4w"
LONGEST = timedelta(days=3 * 366)  # a custom period of three years at most


@dataclass(frozen=True)
class Period:
    """The days the page counts, in the clinic's calendar."""

    name: str
    start: date
    end: date

    def as_args(self) -> dict[str, str]:
        """The query string that asks for this period again."""
        if self.name == "custom":
            return {"period": self.name, "from": self.start.isoformat(), "to": self.end.isoformat()}
        return {"period": self.name}


def weeks_back(name: str, today: date) -> Period:
    """A named period: whole weeks from Monday, up to ``today``."""
    monday = today - timedelta(days=today.weekday())
    return Period(name, monday - timedelta(weeks=WEEKS_BACK[name] - 1), today)


class PeriodForm(FlaskForm):
    class Meta:
        csrf = False

    period = SelectField(
        _l("Period"),
        choices=[SelectChoice(name, label) for name, label in PERIOD_LABELS.items()],
        default=DEFAULT,
    )
    date_from = DateField(_l("From"), [Optional()], name="from")
    date_to = DateField(_l("To"), [Optional()], name="to")

    def validate(self, extra_validators: Any = None) -> bool:
        """The fields, then, for dates of one's choice, both dates (an empty one stops its own
        field's checks)."""
        valid = super().validate(extra_validators)
        missing = self.date_from.data is None or self.date_to.data is None
        if valid and self.period.data == "custom" and missing:
            self.date_to.errors = [_l("Give both dates, the first day and the last.")]
            return False
        return valid

    def validate_date_to(self, field: DateField) -> None:
        if self.period.data != "custom":
            return
        start, end = self.date_from.data, field.data
        if start is None or end is None:
            return  # said by ``validate``
        if end < start:
            raise ValidationError(_l("The last day comes before the first."))
        if start.year < FIRST_YEAR or end - start > LONGEST:
            raise ValidationError(_l("Choose a period of three years at most."))

    def chosen(self, today: date) -> Period:
        """The period asked for, once validated; the default one otherwise."""
        name = self.period.data
        if name == "custom" and self.date_from.data and self.date_to.data:
            return Period(name, self.date_from.data, self.date_to.data)
        return weeks_back(name if name in WEEKS_BACK else DEFAULT, today)
