"""Each setting's parser: what the settings page accepts, and what it refuses with a message."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from app.settings.fields import (
    FIELDS,
    FIELDS_BY_NAME,
    LINE_MAX,
    LINK_MAX,
    RESPONSE_TARGET_MAX,
    RETENTION_MAX,
    TEXT_MAX,
    Invalid,
)

ACCEPTED: list[tuple[str, str, Any]] = [
    ("name", "Ottawa Physio & IMS", "Ottawa Physio & IMS"),
    ("name", "", None),
    ("name", "x" * LINE_MAX, "x" * LINE_MAX),
    ("phone", "613-555-0100", "613-555-0100"),
    ("phone", "+1 (613) 555.0100", "+1 (613) 555.0100"),
    ("phone", "", None),
    ("email", "desk@clinic.example.org", "desk@clinic.example.org"),
    ("email", "", None),
    (
        "booking_url",
        "https://booking.example.org/ims?clinic=1",
        "https://booking.example.org/ims?clinic=1",
    ),
    ("booking_url", "", None),
    ("address", "100 Bank Street, Ottawa ON K1P 5N2", "100 Bank Street, Ottawa ON K1P 5N2"),
    ("hours_en", "Monday to Friday, 8 am to 6 pm", "Monday to Friday, 8 am to 6 pm"),
    ("next_steps_fr", "", None),
    ("hours_fr", "Du lundi au vendredi, de 8 h à 18 h", "Du lundi au vendredi, de 8 h à 18 h"),
    ("next_steps_en", "y" * TEXT_MAX, "y" * TEXT_MAX),
    ("response_target_days", "1", 1),
    ("response_target_days", str(RESPONSE_TARGET_MAX), RESPONSE_TARGET_MAX),
    ("time_zone", "America/Vancouver", "America/Vancouver"),
    ("time_zone", "Europe/Paris", "Europe/Paris"),
    ("retention_days", "3650", 3650),
    ("retention_days", str(RETENTION_MAX), RETENTION_MAX),
    ("retention_days", "", None),
]

REFUSED: list[tuple[str, str]] = [
    ("name", "x" * (LINE_MAX + 1)),
    ("address", "x" * (LINE_MAX + 1)),
    ("hours_en", "x" * (LINE_MAX + 1)),
    ("hours_fr", "x" * (LINE_MAX + 1)),
    ("next_steps_en", "y" * (TEXT_MAX + 1)),
    ("phone", "call us"),
    ("phone", "555-01"),  # too few digits
    ("phone", "613-555-0100 ext 2"),  # letters
    ("phone", "6" * 31),
    ("email", "desk@"),
    ("email", "not an address"),
    ("booking_url", "http://booking.example.org"),  # never plain http
    ("booking_url", "javascript:alert(1)"),
    ("booking_url", "https://"),
    ("booking_url", "https://booking.example.org/a b"),
    ("booking_url", "https://booking.example.org/" + "a" * LINK_MAX),
    ("next_steps_fr", "y" * (TEXT_MAX + 1)),
    ("response_target_days", ""),
    ("response_target_days", "0"),
    ("response_target_days", str(RESPONSE_TARGET_MAX + 1)),
    ("response_target_days", "1.5"),
    ("response_target_days", "two"),
    ("time_zone", ""),
    ("time_zone", "Ottawa"),
    ("time_zone", "America/Nowhere"),
    ("time_zone", "../../etc/passwd"),
    ("retention_days", "0"),
    ("retention_days", "-30"),
    ("retention_days", str(RETENTION_MAX + 1)),
]


@pytest.mark.parametrize(("name", "text", "value"), ACCEPTED)
def test_accepted(name: str, text: str, value: Any) -> None:
    assert FIELDS_BY_NAME[name].parse(text) == value


@pytest.mark.parametrize(("name", "text"), REFUSED)
def test_refused_with_a_message(app: Flask, name: str, text: str) -> None:
    with app.test_request_context(), pytest.raises(Invalid) as refused:
        FIELDS_BY_NAME[name].parse(text)
    with app.test_request_context():
        assert len(str(refused.value.args[0])) > 20  # a sentence that says what to enter


def test_every_setting_is_tested_both_ways() -> None:
    names = {f.name for f in FIELDS}
    assert {name for name, *_ in ACCEPTED} == names
    assert {name for name, _ in REFUSED} == names


def test_values_show_as_they_are_typed_back() -> None:
    for name, _text, value in ACCEPTED:
        field = FIELDS_BY_NAME[name]
        assert field.parse(field.show(value)) == value
