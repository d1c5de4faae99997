"""Small helpers shared by the app's forms."""

from __future__ import annotations

from typing import Any


def strip(value: Any) -> Any:
    """A WTForms filter: trim surrounding white space from text, leave anything else alone."""
    return value.strip() if isinstance(value, str) else value
