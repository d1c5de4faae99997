"""Fill a benchmark database with many realistic submissions, fast.

``python -m bench.seed --database-url URL --count N`` adds N submissions to a database whose
schema is already built (``flask db upgrade``). Run it again to grow the same database: each
run continues the numbering of the last, so ids and references never repeat.

A small pool of answer sets is made the way ``flask demo-data`` makes them (random answers
judged by ``rules.evaluate``), then reused: each row takes one at random and gets its own date
over about two years, status, reference and idempotency key, and its own patient: a given name
from the demo's lists, a surname drawn by Zipf's law from ``SURNAMES`` names (the demo's few
most common, then made-up ones: a handful of names are shared by thousands, most by a few),
an e-mail address made from them and a fictional phone number (555-01xx, in any area code).

Each row also gets its place in the follow-up, as ``app.staff.service`` would have left it:
submissions older than a month are nearly all closed (a few are forgotten), recent ones mostly
open; open ones have contact attempts, follow-up dates (some overdue) and a last action; many
are assigned to one of the bench's staff (``BENCH_STAFF``, created here if missing, the
clinician the benchmarks sign in as first). Its kind of work item and the moment its place is
reckoned from come from ``app.worklist.work_of``, and its search terms (``search_term``) from
``app.search_terms.terms_for``, as the app computes them.

Each run lays its rows down oldest first, as real submissions arrive (a database grown in
several runs holds one such sequence per run). Rows go in through the driver, never as ORM
objects: ``executemany`` in chunks on SQLite, ``COPY`` on PostgreSQL (then ``VACUUM (ANALYZE)``).
"""

from __future__ import annotations

import argparse
import json
import random
import secrets
import time
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import pyotp
from sqlalchemy import Engine, create_engine, func, insert, select

from app.codes import CLOSED_STATUSES, Role, Status
from app.database import utcnow
from app.demo import demo_row
from app.models import SEARCH_TERM_MAX, StaffUser, Submission
from app.references import ALPHABET as REFERENCE_ALPHABET
from app.screening.codes import Outcome
from app.search_terms import terms_for
from app.worklist import Facts, response_due, work_of
from bench.seed_people import contact

POOL_SIZE = 2000  # distinct answer sets
CHUNK = 20_000  # rows per executemany or COPY batch, committed one at a time
HISTORY = timedelta(days=730)
RECENT = timedelta(days=7)
# After a month a submission has nearly always been closed; a few are forgotten.
HANDLED_AFTER = timedelta(days=30)
FORGOTTEN_RATE = 0.02
CLINIC_ZONE = ZoneInfo("America/Toronto")  # the clinic settings' default time zone
RESPONSE_TARGET_DAYS = 1  # and response target
# Status weights for the last week and for older submissions.
_STATUS_WEIGHTS: dict[Status, tuple[int, int]] = {
    Status.NEW: (70, 2),
    Status.CONTACTED: (20, 8),
    Status.BOOKED: (6, 45),
    Status.REFERRED: (1, 12),
    Status.DECLINED: (2, 13),
    Status.CLOSED: (1, 20),
}
_STATUSES = tuple(Status)
_RECENT_WEIGHTS = [_STATUS_WEIGHTS[s][0] for s in _STATUSES]
_OLD_WEIGHTS = [_STATUS_WEIGHTS[s][1] for s in _STATUSES]
_CLOSED = [status for status in Status if status in CLOSED_STATUSES]
_CLOSED_WEIGHTS = [_STATUS_WEIGHTS[status][1] for status in _CLOSED]
# The bench's staff: the clinician the benchmarks sign in as, then colleagues.
BENCH_STAFF = (
    ("bench.clinician@clinic.example", "Bench Clinician", Role.CLINICIAN),
    ("bench.clinician.2@clinic.example", "Dana Okafor", Role.CLINICIAN),
    ("bench.desk.1@clinic.example", "Sam Girard", Role.FRONT_DESK),
    ("bench.desk.2@clinic.example", "Lee Park", Role.FRONT_DESK),
)
CLINICIAN_EMAIL = BENCH_STAFF[0][0]
# Not an Argon2 hash: no password signs in (``verify_password`` is False for it).
NO_PASSWORD = "!bench"  # noqa: S105
ASSIGNED_RATE = {"open": 0.45, "closed": 0.55}
_RESULTS = ("no_answer", "left_message", "reached", "wrong_number")
_RESULT_WEIGHTS = (4, 4, 3, 1)
# fmt: off
COLUMNS = (
    "id", "reference", "created_at", "locale", "questionnaire_version", "rules_version",
    "outcome", "reasons", "answers", "full_name", "email", "phone", "contact_preference",
    "comments", "consent_version", "consent_locale", "consented_at", "status", "is_safety_stop",
    "idempotency_key", "work", "due_at", "follow_up_due", "assignee_id", "attempts",
    "last_action", "last_action_by", "last_action_at",
)
# fmt: on
TERM_COLUMNS = ("kind", "term", "submission_id")
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


@cache
def _name_terms(full_name: str) -> list[tuple[str, str]]:
    return [(kind.value, term) for kind, term in terms_for(full_name, None, None, SEARCH_TERM_MAX)]


class _Template:
    """One pooled answer set, with its JSON encoded once."""

    __slots__ = ("answers", "reasons", "row", "stop")

    def __init__(self, row: dict[str, Any]) -> None:
        self.row = row
        self.reasons = json.dumps(row["reasons"])
        self.answers = json.dumps(row["answers"])
        self.stop = row["is_safety_stop"]


def _status(rng: random.Random, age: timedelta) -> Status:
    """Recent submissions are mostly new; after ``HANDLED_AFTER`` nearly all are closed."""
    status = rng.choices(_STATUSES, _RECENT_WEIGHTS if age < RECENT else _OLD_WEIGHTS)[0]
    if status in CLOSED_STATUSES or age < HANDLED_AFTER or rng.random() < FORGOTTEN_RATE:
        return status
    return rng.choices(_CLOSED, _CLOSED_WEIGHTS)[0]


def _follow_up(
    rng: random.Random,
    row: dict[str, Any],
    status: Status,
    created_at: datetime,
    age: timedelta,
    staff: Sequence[int],
) -> tuple[Any, ...]:
    """What the staff did: (work, due_at, follow_up_due, assignee_id, attempts, last_action,
    last_action_by, last_action_at)."""
    stop, is_open = row["is_safety_stop"], status not in CLOSED_STATUSES
    waited = age.total_seconds()

    def later(hours: float) -> datetime:  # a moment after it arrived, never after now
        return created_at + timedelta(seconds=rng.uniform(0.05, 1) * min(waited, hours * 3600))

    attempts = 0
    if not stop:
        choices = {Status.NEW: (0, 0, 0, 0, 0, 0, 1, 2), Status.CONTACTED: (1, 1, 1, 2, 3)}
        attempts = rng.choice(choices.get(status, (0, 1, 1, 1, 2, 3)))
    action: str | None = None
    acted_at: datetime | None = None
    follow_up_due = None
    if attempts:
        acted_at = later(72)
        result = (
            "reached" if status == Status.CONTACTED else rng.choices(_RESULTS, _RESULT_WEIGHTS)[0]
        )
        action = f"attempt:{rng.choice(('phone', 'phone', 'email'))}/{result}"
        if is_open and rng.random() < (0.85 if status == Status.NEW else 0.5):
            follow_up_due = acted_at + timedelta(hours=rng.uniform(20, 170))
    review = row["outcome"] == Outcome.CLINICIAN_REVIEW and not stop
    cleared = review and (attempts > 0 or status != Status.NEW or rng.random() < 0.3)
    if cleared and action is None:
        action, acted_at = "clearance:cleared", later(24)
    if not is_open:
        closed_at = later(24 * 21)
        action, acted_at = f"status:{status}", max(closed_at, acted_at or closed_at)
    assignee = None
    if staff and not stop and rng.random() < ASSIGNED_RATE["open" if is_open else "closed"]:
        assignee = rng.choice(staff)
        if action is None:
            action, acted_at = "assign:", later(24)
    by = (assignee or rng.choice(staff)) if action and staff else None
    facts = Facts(
        outcome=row["outcome"],
        is_safety_stop=stop,
        status=status,
        cleared=cleared,
        attempts=attempts,
        follow_up_due=follow_up_due,
        created_at=created_at,
        response_due=response_due(created_at, RESPONSE_TARGET_DAYS, CLINIC_ZONE),
    )
    work, due = work_of(facts)
    work_code = None if work is None else int(work)
    return work_code, due, follow_up_due, assignee, attempts, action, by, acted_at


def rows(
    count: int, first_number: int, rng: random.Random, sqlite: bool, staff: Sequence[int]
) -> Iterator[tuple[tuple[Any, ...], list[tuple[str, str, int]]]]:
    """``count`` rows of ``COLUMNS`` with their ``search_term`` rows, numbered (their ids) from
    ``first_number``. On SQLite, timestamps and booleans are given as SQLAlchemy stores them
    (text and 0/1)."""
    now = utcnow()
    pool = [_Template(demo_row(rng, now)) for _ in range(POOL_SIZE)]
    stamp = _sqlite_timestamp if sqlite else _same
    history = HISTORY.total_seconds()
    for i, number in enumerate(range(first_number, first_number + count)):
        template = rng.choice(pool)
        row = template.row
        # Oldest first, one row in each of ``count`` equal slices of the history: uniform over
        # two years, and laid down in date order as a clinic's submissions arrive.
        age = timedelta(seconds=history * (1 - (i + rng.random()) / count))
        created_at = now - age
        status = _status(rng, age)
        name = email = phone = consented_at = None
        terms: list[tuple[str, str, int]] = []
        if not template.stop:
            name, email, phone = contact(rng, row)
            consented_at = stamp(created_at - timedelta(seconds=rng.uniform(20, 600)))
            found = terms_for(None, phone, email, SEARCH_TERM_MAX)
            terms = [(kind, term, number) for kind, term in _name_terms(name)]
            terms += [(kind.value, term, number) for kind, term in found]
        work, due, follow_up, assignee, attempts, action, by, acted_at = _follow_up(
            rng, row, status, created_at, age, staff
        )
        values = (
            number,
            reference_for(number),
            stamp(created_at),
            row["locale"],
            row["questionnaire_version"],
            row["rules_version"],
            row["outcome"],
            template.reasons,
            template.answers,
            name,
            email,
            phone,
            row["contact_preference"],
            row["comments"],
            row["consent_version"],
            row["consent_locale"],
            consented_at,
            status.value,
            int(template.stop) if sqlite else template.stop,
            secrets.token_hex(32),
            work,
            due and stamp(due),
            follow_up and stamp(follow_up),
            assignee,
            attempts,
            action,
            by,
            acted_at and stamp(acted_at),
        )
        yield values, terms


def _same(moment: datetime) -> datetime:
    return moment


def _sqlite_timestamp(moment: datetime) -> str:
    """The text SQLAlchemy's SQLite dialect stores for a UTC datetime
    (``%Y-%m-%d %H:%M:%S.%f``)."""
    return moment.replace(tzinfo=None).isoformat(" ", "microseconds")


def _chunks(source: Iterator[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for row in source:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def bench_staff(engine: Engine) -> list[int]:
    """The ids of ``BENCH_STAFF``, each account created (without a usable password) if
    missing; the clinician the benchmarks sign in as first."""
    with engine.begin() as connection:
        ids = []
        for email, name, role in BENCH_STAFF:
            found = connection.scalar(select(StaffUser.id).where(StaffUser.email == email))
            if found is None:
                new = insert(StaffUser).values(
                    email=email,
                    name=name,
                    role=role.value,
                    password_hash=NO_PASSWORD,
                    totp_secret=pyotp.random_base32(),
                )
                found = connection.execute(new.returning(StaffUser.id)).scalar_one()
            ids.append(found)
    return ids


def seed(
    engine: Engine,
    count: int,
    *,
    random_seed: int | None = None,
    staff_ids: Sequence[int] | None = None,
) -> float:
    """Add ``count`` submissions to the database of ``engine``, assigned among ``staff_ids``
    (default: ``bench_staff``); returns rows per second."""
    started = time.perf_counter()
    staff = list(staff_ids) if staff_ids is not None else bench_staff(engine)
    with engine.connect() as connection:
        last = connection.execute(select(func.coalesce(func.max(Submission.id), 0))).scalar_one()
    rng = random.Random(random_seed)  # noqa: S311  (fictional data, not security)
    sqlite = engine.dialect.name == "sqlite"
    source = rows(count, last + 1, rng, sqlite, staff)
    names, term_names = ", ".join(COLUMNS), ", ".join(TERM_COLUMNS)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if sqlite:
            cursor.execute("PRAGMA synchronous = OFF")  # benchmark data: speed over durability
            cursor.execute("PRAGMA cache_size = -524288")  # 512 MiB: the indexes' inserts
            marks = ", ".join("?" * len(COLUMNS))
            insert_rows = f"INSERT INTO submission ({names}) VALUES ({marks})"  # noqa: S608
            insert_terms = f"INSERT INTO search_term ({term_names}) VALUES (?, ?, ?)"  # noqa: S608
            for chunk in _chunks(source, CHUNK):
                cursor.execute("BEGIN")
                cursor.executemany(insert_rows, [values for values, _ in chunk])
                cursor.executemany(insert_terms, sorted(t for _, terms in chunk for t in terms))
                cursor.execute("COMMIT")
        else:
            for chunk in _chunks(source, CHUNK):
                with cursor.copy(f"COPY submission ({names}) FROM STDIN") as copy:
                    for values, _ in chunk:
                        copy.write_row(values)
                with cursor.copy(f"COPY search_term ({term_names}) FROM STDIN") as copy:
                    for term in sorted(t for _, terms in chunk for t in terms):
                        copy.write_row(term)
                raw.commit()
            # Ids were given explicitly: the app's next submission takes the one after.
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('submission', 'id'), max(id)) FROM submission"
            )
            raw.commit()
        cursor.close()
    finally:
        raw.close()
    if not sqlite:
        # Tables just filled by COPY have no visibility map yet: index-only scans would visit
        # the table for every row, and autovacuum would soon scan both in the middle of a
        # measurement. Vacuumed now, they are as autovacuum keeps a live database's.
        with engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT")
            connection.exec_driver_sql("VACUUM (ANALYZE) submission, search_term")
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
