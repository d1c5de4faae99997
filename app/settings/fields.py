"""Every clinic setting: its name, the configuration key (and environment variable) that gives
its first value, its label and hint, and how a text typed on the settings page becomes its
value (``Field.parse``, which refuses what is not valid with a message to show).

Values are kept as text in the database (``ClinicSetting.value``); an empty text is a setting
cleared on purpose. Limits are stated here once, and the messages take them as parameters.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext  # a name pybabel extracts, with its context

from app.formtools import number

LINE_MAX = 120
TEXT_MAX = 600
LINK_MAX = 500
PHONE_MAX = 30
PHONE_DIGITS_MIN = 7
PHONE_CHARACTERS = re.compile(r"^[0-9 +\-().]+$")
RESPONSE_TARGET_MAX = 10  # business days
RETENTION_MAX = 36_500  # days: a century


class Section(StrEnum):
    """The parts of the settings page, in its order."""

    CLINIC = "clinic"
    PATIENTS = "patients"
    QUEUE = "queue"
    RETENTION = "retention"


class Widget(StrEnum):
    LINE = "line"  # one line of text
    TEXT = "text"  # a paragraph


class Invalid(ValueError):
    """A value the settings page refuses; its argument is the message to show."""


def _text(limit: int) -> Callable[[str], str | None]:
    def parse(text: str) -> str | None:
        if len(text) > limit:
            raise Invalid(_l("Use %(count)s characters at most.", count=number(limit)))
        return text or None

    return parse


def parse_phone(text: str) -> str | None:
    if not text:
        return None
    digits = sum(c.isdigit() for c in text)
    if len(text) > PHONE_MAX or not PHONE_CHARACTERS.match(text) or digits < PHONE_DIGITS_MIN:
        raise Invalid(
            _l(
                "Enter a phone number with at least %(digits)s digits, using digits, spaces and "
                "+ - ( ) . only, up to %(count)s characters, like 613-555-0100.",
                digits=number(PHONE_DIGITS_MIN),
                count=number(PHONE_MAX),
            )
        )
    return text


def parse_email(text: str) -> str | None:
    if not text:
        return None
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        raise Invalid(_l("Enter an email address like clinic@example.org.")) from None


def parse_link(text: str) -> str | None:
    """A web address patients are sent to: https only (never plain http, never a script)."""
    if not text:
        return None
    parts = urlsplit(text)
    if (
        len(text) > LINK_MAX
        or parts.scheme != "https"
        or not parts.hostname
        or any(c.isspace() for c in text)
    ):
        raise Invalid(
            _l(
                "Enter a web address that starts with https://, like "
                "https://booking.example.org, up to %(count)s characters.",
                count=number(LINK_MAX),
            )
        )
    return text


def _days(least: int, most: int, *, optional: bool) -> Callable[[str], int | None]:
    def parse(text: str) -> int | None:
        if not text and optional:
            return None
        try:
            days = int(text)
        except ValueError:
            days = least - 1
        if not least <= days <= most:
            raise Invalid(
                _l(
                    "Enter a whole number from %(least)s to %(most)s.",
                    least=number(least),
                    most=number(most),
                )
            )
        return days

    return parse


def parse_zone(text: str) -> str:
    """An IANA time zone name, such as America/Toronto."""
    try:
        valid = text in available_timezones() and ZoneInfo(text) is not None
    except (ZoneInfoNotFoundError, ValueError):
        valid = False
    if not valid:
        raise Invalid(_l("Enter a time zone name from the list, like America/Toronto."))
    return text


@dataclass(frozen=True, slots=True)
class Field:
    """One setting. ``config``: the configuration key that gives its value when the page has
    not set it (from the environment variable ``environment``, or the built-in default)."""

    name: str
    section: Section
    label: Any
    parse: Callable[[str], Any]
    hint: Any = None
    config: str | None = None
    environment: str | None = None
    widget: Widget = Widget.LINE
    language: str | None = None  # "en" or "fr": a text patients read in that language
    # HTML attributes of its input: what browsers and assistive technology should expect.
    attributes: tuple[tuple[str, str], ...] = ()

    def show(self, value: Any) -> str:
        """The value as text: what the page's input holds, and what the history records."""
        return "" if value is None else str(value)


def _both(name: str, label: Any, hint: Any, limit: int, widget: Widget) -> tuple[Field, Field]:
    """A text patients read, in English and in French (the French one without a hint: it is
    the English one's, just above)."""
    section = Section.PATIENTS if widget is Widget.TEXT else Section.CLINIC
    rows = (("rows", "4"),) if widget is Widget.TEXT else ()
    english = Field(
        f"{name}_en",
        section,
        _l("%(setting)s, in English", setting=label),
        _text(limit),
        hint=hint,
        widget=widget,
        language="en",
        attributes=(("lang", "en"), ("spellcheck", "true"), *rows),
    )
    french = Field(
        f"{name}_fr",
        section,
        _l("%(setting)s, in French", setting=label),
        _text(limit),
        widget=widget,
        language="fr",
        attributes=(("lang", "fr-CA"), ("spellcheck", "true"), *rows),
    )
    return english, french


FIELDS: tuple[Field, ...] = (
    Field(
        "name",
        Section.CLINIC,
        _l("Clinic name"),
        _text(LINE_MAX),
        hint=_l("As patients know it. Shown at the top of every page."),
        config="CLINIC_NAME",
        attributes=(("autocomplete", "organization"),),
        environment="CLINIC_NAME",
    ),
    Field(
        "phone",
        Section.CLINIC,
        _l("Phone number"),
        parse_phone,
        config="CLINIC_PHONE",
        attributes=(("type", "tel"), ("autocomplete", "tel")),
        environment="CLINIC_PHONE",
    ),
    Field(
        "email",
        Section.CLINIC,
        _l("Email address"),
        parse_email,
        config="CLINIC_EMAIL",
        attributes=(("type", "email"), ("autocomplete", "email"), ("spellcheck", "false")),
        environment="CLINIC_EMAIL",
    ),
    Field(
        "address",
        Section.CLINIC,
        pgettext("the clinic's postal address", "Address"),
        _text(LINE_MAX),
        config="CLINIC_ADDRESS",
        attributes=(("autocomplete", "street-address"),),
        environment="CLINIC_ADDRESS",
    ),
    *_both(
        "hours",
        _l("Opening hours"),
        _l("For example: Monday to Friday, 8 am to 6 pm."),
        LINE_MAX,
        Widget.LINE,
    ),
    Field(
        "booking_url",
        Section.CLINIC,
        _l("Online booking link"),
        parse_link,
        hint=_l(
            "Patients whose result allows booking see a button to this page. Leave it empty "
            "if the clinic books by phone only."
        ),
        config="CLINIC_BOOKING_URL",
        attributes=(("type", "url"), ("spellcheck", "false")),
        environment="CLINIC_BOOKING_URL",
    ),
    *_both(
        "next_steps",
        _l("A word from the clinic on what happens next"),
        _l(
            "Shown to patients under “What happens next”, after the clinic's promise to "
            "contact them; not on the pages that send them to a doctor or to emergency care. "
            "For example: we call from a private number, between 9 am and 5 pm."
        ),
        TEXT_MAX,
        Widget.TEXT,
    ),
    Field(
        "response_target_days",
        Section.QUEUE,
        _l("Response target, in business days"),
        _days(1, RESPONSE_TARGET_MAX, optional=False),
        hint=_l(
            "The clinic contacts each new enquiry within this many business days (Monday to "
            "Friday). Patients are told so; the queue marks what is past it."
        ),
        config="RESPONSE_TARGET_DAYS",
        attributes=(("inputmode", "numeric"),),
        environment="RESPONSE_TARGET_DAYS",
    ),
    Field(
        "time_zone",
        Section.QUEUE,
        _l("Time zone"),
        parse_zone,
        hint=_l(
            "The clinic's days, business hours and every time staff read follow it. After a "
            "change, ask whoever runs the server to count the statistics again "
            "(flask statistics recount)."
        ),
        config="BABEL_DEFAULT_TIMEZONE",
        attributes=(("list", "zones"), ("spellcheck", "false"), ("autocomplete", "off")),
    ),
    Field(
        "retention_days",
        Section.RETENTION,
        _l("Retention period, in days"),
        _days(1, RETENTION_MAX, optional=True),
        hint=_l(
            "Submissions older than this are deleted by each purge, with everything attached "
            "to them. Use the period your privacy officer documents. Leave it empty to keep "
            "everything until a purge is given a period."
        ),
        config="RETENTION_DAYS",
        attributes=(("inputmode", "numeric"),),
        environment="RETENTION_DAYS",
    ),
)

FIELDS_BY_NAME = {field.name: field for field in FIELDS}
