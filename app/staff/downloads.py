"""The exports of the filtered queue, by name: what writes their lines, the file's name and
media type, and what their audit records say they were (``app.staff.views.export``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, NamedTuple

from app.fhir.bulk import ndjson_filename, ndjson_lines
from app.fhir.canonical import FHIR_NDJSON
from app.staff.export import Lines, csv_lines, export_filename
from app.staff.readable_export import readable_filename, readable_lines


class Export(NamedTuple):
    lines: Lines
    filename: Callable[[datetime], str]
    mimetype: str
    kind: dict[str, Any]  # in both its audit records; nothing for the coded CSV


EXPORTS = {
    "codes": Export(csv_lines, export_filename, "text/csv", {}),
    "readable": Export(readable_lines, readable_filename, "text/csv", {"readable": True}),
    "fhir": Export(ndjson_lines, ndjson_filename, FHIR_NDJSON, {"fhir": True}),
}
