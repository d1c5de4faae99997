"""One timed export, in a fresh process so that its memory high-water mark is its own.

``python -m bench.scale_export DATABASE_URL [QUERY [PATH]]`` (PATH: ``/staff/export``, the
default, ``/staff/export/readable`` or ``/staff/export/fhir``; ``--nothing-kept`` after it:
the FHIR export keeping none of the groups and decisions it makes, as if no two patients
answered a step alike) signs a clinician in, runs a small export first (imports, connection,
first queries), notes the resident-set high-water mark (``getrusage``'s ``ru_maxrss``), then
streams the whole export chunk by chunk as a client would and prints a JSON line: seconds,
bytes, lines and the growth of the high-water mark.
No tracemalloc: it would slow the export it measures.
"""

from __future__ import annotations

import json
import resource
import sys
import time

from flask.testing import FlaskClient

from app.fhir import response as fhir_response
from bench.scale_app import make_app, signed_in_client


def _high_water_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _stream(client: FlaskClient, url: str) -> tuple[int, int]:
    response = client.get(url, buffered=False)
    if response.status_code != 200:
        raise RuntimeError(f"export: {response.status_code}")
    size = lines = 0
    try:
        for chunk in response.iter_encoded():
            size += len(chunk)
            lines += chunk.count(b"\n")
    finally:
        response.close()
    return size, lines


def main() -> None:
    database_url = sys.argv[1]
    query = sys.argv[2] if len(sys.argv) > 2 else ""
    path = sys.argv[3] if len(sys.argv) > 3 else "/staff/export"
    if "--nothing-kept" in sys.argv[4:]:  # the FHIR export as if every patient differed
        fhir_response.GROUPS_KEPT = fhir_response.DECISIONS_KEPT = 0
    app = make_app(database_url)
    client = signed_in_client(app)
    _stream(client, f"{path}?from=2999-01-01")  # header only: warms everything up
    before = _high_water_mb()
    started = time.perf_counter()
    size, lines = _stream(client, f"{path}?{query}")
    seconds = time.perf_counter() - started
    growth = _high_water_mb() - before
    print(json.dumps({"seconds": seconds, "bytes": size, "lines": lines, "growth_mb": growth}))


if __name__ == "__main__":
    main()
