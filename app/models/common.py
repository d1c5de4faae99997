"""What the models share: CHECK constraints listing codes, partial indexes on both engines."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import text


def one_of(column: str, codes: type[StrEnum]) -> str:
    """A CHECK constraint's condition: ``column`` holds one of the codes of ``codes``."""
    quoted = ", ".join(f"'{code}'" for code in codes)
    return f"{column} IN ({quoted})"


def where(condition: str) -> dict[str, Any]:
    """A partial index's condition, the same on both engines."""
    return {"sqlite_where": text(condition), "postgresql_where": text(condition)}
