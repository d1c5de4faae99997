"""Where the CSV export's time goes: the database and driver, SQLAlchemy, or the app's writing.

    .venv/bin/python -m bench.export_split DATABASE_URL [--rounds 3]

Against a migrated database already holding submissions (``flask db upgrade``, then
``python -m bench.seed --database-url URL --count N``), in alternating rounds, times
the export's own query (``app.staff.export``) three ways and prints the fastest of each:

- ``driver``: the driver's cursor alone, as SQLAlchemy would use it (on PostgreSQL a
  server-side cursor, fetched 500 rows at a time; on SQLite the plain cursor);
- ``sqlalchemy``: the same rows through SQLAlchemy Core, exactly as the export fetches them;
- ``export``: the whole export through the app (``bench.scale_export``'s client, CSV out).

``sqlalchemy - driver`` is what reading the driver's cursor directly could save; ``export -
sqlalchemy`` is the app's writing of the CSV, which the database's work does not overlap.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from sqlalchemy import Engine, create_engine, select

from app.staff.export import BATCH_ROWS, FETCH_ROWS, Submission, _columns
from bench.scale_app import make_app, signed_in_client
from bench.scale_export import _stream


def _query(engine: Engine):
    return select(*_columns(engine.dialect.name)).order_by(
        Submission.created_at.desc(), Submission.id.desc()
    )


def driver_rows(engine: Engine) -> int:
    """The export's query read through the driver's own cursor; returns the rows read."""
    sql = str(_query(engine).compile(engine, compile_kwargs={"literal_binds": True}))
    raw = engine.raw_connection()
    try:
        if engine.dialect.name == "postgresql":
            cursor = raw.driver_connection.cursor(name="export_split")
        else:
            cursor = raw.cursor()
        cursor.execute(sql)
        count = 0
        while batch := cursor.fetchmany(BATCH_ROWS):
            count += len(batch)
        cursor.close()
        raw.rollback()
        return count
    finally:
        raw.close()


def sqlalchemy_rows(engine: Engine) -> int:
    """The export's query read as ``app.staff.export.csv_lines`` reads it; the rows read."""
    with engine.connect() as connection:
        result = connection.execute(_query(engine).execution_options(yield_per=FETCH_ROWS))
        return sum(len(batch) for batch in result.partitions(BATCH_ROWS))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database_url")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    engine = create_engine(args.database_url)
    client = signed_in_client(make_app(args.database_url))
    ways: dict[str, Callable[[], int]] = {
        "driver": lambda: driver_rows(engine),
        "sqlalchemy": lambda: sqlalchemy_rows(engine),
        "export": lambda: _stream(client, "/staff/export")[0],  # bytes of CSV
    }
    _stream(client, "/staff/export?from=2999-01-01")  # warm up: imports, connections
    best: dict[str, float] = {}
    rows: dict[str, int] = {}  # what each way read: rows, or bytes of CSV
    for _ in range(args.rounds):
        for name, run in ways.items():
            started = time.perf_counter()
            rows[name] = run()
            seconds = time.perf_counter() - started
            best[name] = min(best.get(name, seconds), seconds)
    count = rows["sqlalchemy"]
    if rows["driver"] != count:
        raise RuntimeError(f"the driver read {rows['driver']:,} rows, SQLAlchemy {count:,}")
    print(f"{engine.dialect.name}, {count:,} submissions, fastest of {args.rounds} rounds")
    print(f"{'way':<12}{'seconds':>9}{'rows/s':>10}{'of export':>11}")
    for name, seconds in best.items():
        share = seconds / best["export"]
        print(f"{name:<12}{seconds:>9.3f}{count / seconds:>10,.0f}{share:>11.0%}")
    saving = (best["sqlalchemy"] - best["driver"]) / best["export"]
    print(f"reading the driver's cursor directly could save {saving:.0%} of the export")
    print(f"writing the CSV: {(best['export'] - best['sqlalchemy']) / best['export']:.0%}")


if __name__ == "__main__":
    main()
