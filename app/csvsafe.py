"""CSV that is safe to open in a spreadsheet, written in chunks for streaming.

Shared by every export: the staff queue and the audit log.
"""

from __future__ import annotations

import io
import json
import re
from datetime import datetime
from typing import Any

from app.dates import clinic_zone

BOM = "\ufeff"  # lets spreadsheet programs recognise UTF-8 (accents in French names)
# A spreadsheet treats a cell that begins with one of these as a formula (OWASP CSV injection).
FORMULA_STARTS = frozenset("=+-@\t\r\0")


def neutralise(value: str) -> str:
    """``value`` with a leading ``'`` when a spreadsheet would read it as a formula."""
    if value and value[0] in FORMULA_STARTS:
        return "'" + value
    return value


def neutralised(cells: list[Any]) -> list[Any]:
    """``cells`` with each text cell neutralised, the others as they are. The first character
    is checked here rather than in a call per cell: exports write fifty cells a row, a million
    rows, and hardly any cell needs it."""
    return [neutralise(c) if type(c) is str and c[:1] in FORMULA_STARTS else c for c in cells]


# How a JSON text writes a string that starts a formula: a quote, then one of FORMULA_STARTS
# as JSON writes it (``"=``, ``"\\t``, ``"\\u0000``...).
_JSON_FORMULA_START = re.compile(
    "|".join(re.escape(json.dumps(char)[:-1]) for char in sorted(FORMULA_STARTS))
)


def json_may_hold_a_formula(text: str) -> bool:
    """Whether a JSON text may hold a string that starts a formula (keys included, so a few
    harmless texts say yes; never a wrong no). One search of the text, instead of a check of
    every value decoded from it: an export decodes thirty answers a row, a million rows."""
    return _JSON_FORMULA_START.search(text) is not None


def drain(buffer: io.StringIO) -> str:
    """Everything written to ``buffer`` so far, leaving it empty for the next chunk."""
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def dated_filename(prefix: str, now: datetime, extension: str = "csv") -> str:
    """``<prefix>-YYYY-MM-DD.csv`` (or another ``extension``) dated in the clinic's time zone
    (needs an app context)."""
    local = now.astimezone(clinic_zone())
    return f"{prefix}-{local.date().isoformat()}.{extension}"
