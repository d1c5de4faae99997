"""CSV that is safe to open in a spreadsheet, written in chunks for streaming.

Shared by every export: the staff queue and the audit log.
"""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app

BOM = "\ufeff"  # lets spreadsheet programs recognise UTF-8 (accents in French names)
# A spreadsheet treats a cell that begins with one of these as a formula (OWASP CSV injection).
FORMULA_STARTS = frozenset("=+-@\t\r\0")


def neutralise(value: str) -> str:
    """``value`` with a leading ``'`` when a spreadsheet would read it as a formula."""
    if value and value[0] in FORMULA_STARTS:
        return "'" + value
    return value


def drain(buffer: io.StringIO) -> str:
    """Everything written to ``buffer`` so far, leaving it empty for the next chunk."""
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def dated_filename(prefix: str, now: datetime) -> str:
    """``<prefix>-YYYY-MM-DD.csv`` dated in the clinic's time zone (needs an app context)."""
    local = now.astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))
    return f"{prefix}-{local.date().isoformat()}.csv"
