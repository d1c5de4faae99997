"""Database plumbing: UTC timestamps on every engine, SQLite set up for durability, and the
session helpers requests share."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import DateTime, Engine, Executable, event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, scoped_session
from sqlalchemy.types import TypeDecorator

from app.extensions import db

# A session a query function is given: the request's (``db.session``, a scoped session) or a
# plain one (commands, benchmarks).
AnySession = Session | scoped_session[Any]


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always returned timezone-aware.

    SQLite keeps no time zone, so values read back would otherwise be naive.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    @property
    def python_type(self) -> type[datetime]:
        return datetime

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use app.database.utcnow()")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


SQLITE_BUSY_TIMEOUT_MS = 10_000
# Execution option for long reads (exports): on SQLite, a plain BEGIN reads a WAL snapshot
# without taking the write lock, so patients and staff can keep writing meanwhile.
READ_ONLY = "ims_read_only"


def configure_sqlite(engine: Engine) -> None:
    """Make SQLite safe for several workers and for power cuts.

    WAL lets readers run beside one writer; ``synchronous=FULL`` makes each commit durable;
    ``busy_timeout`` waits for the lock instead of failing. Transactions begin with
    ``BEGIN IMMEDIATE`` so a read-then-write transaction takes the write lock up front instead
    of failing with "database is locked" when it tries to upgrade. This is SQLAlchemy's
    documented recipe for taking transaction control away from the ``sqlite3`` driver.
    Transactions marked with the ``READ_ONLY`` execution option begin deferred instead, so a
    long export does not hold the write lock.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself, below
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        read_only = connection.get_execution_options().get(READ_ONLY)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def configure_engine(engine: Engine) -> None:
    """Apply per-engine settings: SQLite's pragmas and locking; other engines need none."""
    if engine.dialect.name == "sqlite":
        configure_sqlite(engine)


def begin_read_only(session: AnySession) -> None:
    """Start ``session``'s next transaction as a read-only snapshot (call before its first
    query; the session must have no transaction open)."""
    options: Any = {READ_ONLY: True}  # an option of ours, unknown to SQLAlchemy's type hints
    session.connection(execution_options=options)


def _single_reads(dialect: str) -> dict[str, Any]:
    """Execution options for statements that only read and need no snapshot in common: on
    PostgreSQL each runs on its own (autocommit: one round trip instead of BEGIN, the statement
    and ROLLBACK); on SQLite, where a transaction costs no round trip, they share a deferred
    transaction (``READ_ONLY``), which never takes the write lock."""
    return {"isolation_level": "AUTOCOMMIT"} if dialect == "postgresql" else {READ_ONLY: True}


def read_value(statement: Executable, parameters: Mapping[str, Any] | None = None) -> Any:
    """The first value of the first row of a statement that only reads, on a connection of its
    own rather than the request's session: a page that reads one row and writes nothing (a
    questionnaire page, the health check) sets up and closes no ORM session for it."""
    engine = db.engine
    with engine.connect().execution_options(**_single_reads(engine.dialect.name)) as connection:
        return connection.execute(statement, parameters).scalar()


def read_rows(statement: Executable, parameters: Mapping[str, Any] | None = None) -> list[Any]:
    """Every row of a statement that only reads, on a connection of its own (as ``read_value``)."""
    engine = db.engine
    with engine.connect().execution_options(**_single_reads(engine.dialect.name)) as connection:
        return list(connection.execute(statement, parameters))


def begin_single_reads(session: AnySession) -> None:
    """Prepare ``session`` for a request that only reads and whose statements need no snapshot
    in common (each page of the questionnaire reads one row). Call before its first query.

    On PostgreSQL each statement then runs on its own (autocommit): one round trip a statement
    instead of BEGIN, the statement and ROLLBACK. On SQLite, where a transaction costs no round
    trip, the reads share a deferred transaction, as in ``begin_read_only``."""
    options: Any = _single_reads(session.get_bind().dialect.name)
    session.connection(execution_options=options)


Row = TypeVar("Row")


def add_unless_taken(session: AnySession, row: Row, taken: Callable[[], Row | None]) -> Row:
    """Add ``row`` to ``session``, or return the stored row that a unique constraint says it
    repeats (``taken`` finds it), for a copy of a request that arrived at the same moment.

    The insert runs in a savepoint, so the request's transaction stays usable when it is
    refused; when ``taken`` finds nothing, another constraint refused it and the error stands.
    """
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        stored = taken()
        if stored is None:
            raise
        return stored
    return row
