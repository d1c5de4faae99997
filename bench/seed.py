"""Fill a benchmark database with many realistic submissions, fast.

``python -m bench.seed --database-url URL --count N`` adds N submissions to a database whose
schema is already built (``flask db upgrade``). Run it again to grow the same database: each
run continues the numbering of the last, so references never repeat.

A small pool of answer sets is made the way ``flask demo-data`` makes them (random answers
judged by ``rules.evaluate``), then reused: each row takes one at random and gets its own date
over about two years, status, pin, reference and idempotency key. Each run lays its rows down
oldest first, as real submissions arrive (a database grown in several runs holds one such
sequence per run). Rows go in through the
driver, never as ORM objects: ``executemany`` in chunks on SQLite, ``COPY`` on PostgreSQL.
"""

from __future__ import annotations

import argparse
import json
import random
import secrets
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, create_engine, func, select

from app.codes import Status
from app.database import utcnow
from app.demo import demo_row
from app.models import Submission, attention
from app.references import ALPHABET as REFERENCE_ALPHABET

POOL_SIZE = 2000  # distinct answer sets
CHUNK = 20_000  # rows per executemany or COPY batch, committed one at a time
HISTORY = timedelta(days=730)
RECENT = timedelta(days=7)
# After a month a pinned submission has nearly always been handled; a few are forgotten.
HANDLED_AFTER = timedelta(days=30)
FORGOTTEN_RATE = 0.02
# Status weights for the last week and for older submissions.
_STATUS_WEIGHTS: dict[Status, tuple[int, int]] = {
    Status.NEW: (70, 2),
    Status.CONTACTED: (20, 8),
    Status.BOOKED: (6, 45),
    Status.REFERRED: (1, 12),
    Status.DECLINED: (2, 13),
    Status.CLOSED: (1, 20),
}
COLUMNS = (
    "reference",
    "created_at",
    "locale",
    "questionnaire_version",
    "rules_version",
    "outcome",
    "reasons",
    "answers",
    "full_name",
    "email",
    "phone",
    "contact_preference",
    "comments",
    "consent_version",
    "consent_locale",
    "consented_at",
    "status",
    "is_safety_stop",
    "idempotency_key",
    "attention",
)
_REFERENCE_SPACE = len(REFERENCE_ALPHABET) ** 8
# A multiplier coprime with 30^8 spreads consecutive numbers over the whole code space.
_MULTIPLIER = 7_919 * 104_729 * 1_299_709  # primes other than 2, 3 and 5: coprime with 30^8


def reference_for(number: int) -> str:
    """The reference of the ``number``-th seeded row: a bijection onto ``IMS-XXXX-XXXX`` codes,
    so distinct numbers never share a reference, and neighbours look unrelated."""
    value = (number * _MULTIPLIER) % _REFERENCE_SPACE
    chars = []
    for _ in range(8):
        value, digit = divmod(value, len(REFERENCE_ALPHABET))
        chars.append(REFERENCE_ALPHABET[digit])
    code = "".join(chars)
    return f"IMS-{code[:4]}-{code[4:]}"


class _Template:
    """One pooled answer set, with its JSON encoded once."""

    __slots__ = ("answers", "consented", "reasons", "row", "stop")

    def __init__(self, row: dict[str, Any]) -> None:
        self.row = row
        self.reasons = json.dumps(row["reasons"])
        self.answers = json.dumps(row["answers"])
        self.stop = row["is_safety_stop"]
        self.consented = row["consented_at"] is not None


def _pool(rng: random.Random, now: datetime) -> list[_Template]:
    return [_Template(demo_row(rng, now)) for _ in range(POOL_SIZE)]


def _attention(template: _Template, status: str, age: timedelta, rng: random.Random) -> int:
    """The rank of ``app.models.attention``, with old ones mostly handled."""
    rank = attention(template.row["outcome"], template.stop, status, cleared=False)
    return rank if rank and (age < HANDLED_AFTER or rng.random() < FORGOTTEN_RATE) else 0


def rows(count: int, first_number: int, rng: random.Random, sqlite: bool) -> Iterator[tuple]:
    """``count`` rows of ``COLUMNS``, numbered from ``first_number``. On SQLite, timestamps
    and booleans are given as SQLAlchemy stores them (text and 0/1)."""
    now = utcnow()
    pool = _pool(rng, now)
    recent_weights = [_STATUS_WEIGHTS[s][0] for s in Status]
    old_weights = [_STATUS_WEIGHTS[s][1] for s in Status]
    stamp = _sqlite_timestamp if sqlite else _same
    history = HISTORY.total_seconds()
    for i, number in enumerate(range(first_number, first_number + count)):
        template = rng.choice(pool)
        # Oldest first, one row in each of ``count`` equal slices of the history: uniform over
        # two years, and laid down in date order as a clinic's submissions arrive.
        age = timedelta(seconds=history * (1 - (i + rng.random()) / count))
        created_at = now - age
        weights = recent_weights if age < RECENT else old_weights
        status = rng.choices(tuple(Status), weights)[0]
        rank = _attention(template, status, age, rng)
        row = template.row
        consented_at = (
            stamp(created_at - timedelta(seconds=rng.uniform(20, 600)))
            if template.consented
            else None
        )
        yield (
            reference_for(number),
            stamp(created_at),
            row["locale"],
            row["questionnaire_version"],
            row["rules_version"],
            row["outcome"],
            template.reasons,
            template.answers,
            row["full_name"],
            row["email"],
            row["phone"],
            row["contact_preference"],
            row["comments"],
            row["consent_version"],
            row["consent_locale"],
            consented_at,
            status,
            int(template.stop) if sqlite else template.stop,
            secrets.token_hex(32),
            rank,
        )


def _same(moment: datetime) -> datetime:
    return moment


def _sqlite_timestamp(moment: datetime) -> str:
    """The text SQLAlchemy's SQLite dialect stores for a UTC datetime."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def _chunks(source: Iterator[tuple], size: int) -> Iterator[list[tuple]]:
    chunk: list[tuple] = []
    for row in source:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def seed(engine: Engine, count: int, *, random_seed: int | None = None) -> float:
    """Add ``count`` submissions to the database of ``engine``; returns rows per second."""
    started = time.perf_counter()
    with engine.connect() as connection:
        last = connection.execute(select(func.coalesce(func.max(Submission.id), 0))).scalar_one()
    rng = random.Random(random_seed)  # noqa: S311  (fictional data, not security)
    sqlite = engine.dialect.name == "sqlite"
    source = rows(count, last + 1, rng, sqlite)
    names = ", ".join(COLUMNS)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if sqlite:
            cursor.execute("PRAGMA synchronous = OFF")  # benchmark data: speed over durability
            marks = ", ".join("?" * len(COLUMNS))
            insert = f"INSERT INTO submission ({names}) VALUES ({marks})"  # noqa: S608 (constants)
            for chunk in _chunks(source, CHUNK):
                cursor.execute("BEGIN")
                cursor.executemany(insert, chunk)
                cursor.execute("COMMIT")
        else:
            for chunk in _chunks(source, CHUNK):
                with cursor.copy(f"COPY submission ({names}) FROM STDIN") as copy:
                    for row in chunk:
                        copy.write_row(row)
                raw.commit()
            cursor.execute("ANALYZE submission")
            raw.commit()
        cursor.close()
    finally:
        raw.close()
    return count / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="SQLAlchemy URL of the database")
    parser.add_argument("--count", type=int, required=True, help="submissions to add")
    parser.add_argument("--seed", type=int, default=None, help="seed for repeatable rows")
    args = parser.parse_args()
    engine = create_engine(args.database_url)
    rate = seed(engine, args.count, random_seed=args.seed)
    engine.dispose()
    print(f"Added {args.count:,} submissions at {rate:,.0f} rows/s.")


if __name__ == "__main__":
    main()
