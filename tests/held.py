"""A request sent while another transaction is still storing its work, for tests of actions
that must take turns (a form sent twice, two people at once).

    with while_held(app, lambda: client.post(url, data=form)) as held:
        held.first.execute(...)  # what the first request would store, not yet committed
    assert ... held.answers[0] ...

After the ``with`` body, the request runs in a thread. It must be seen waiting for the first
transaction's locks (the test fails if it answers first), and then the first transaction commits,
letting it through. Waiting is watched rather than timed, so no test sleeps: on SQLite the request
has begun its own transaction (``BEGIN IMMEDIATE``, which waits for the write lock the first one
holds); on PostgreSQL the server shows a session of the database waiting for a lock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from sqlalchemy import Connection, Engine, event, text
from werkzeug.test import TestResponse

from app.extensions import db

LONGEST_WAIT_SECONDS = 30


@dataclass
class Held:
    """The first transaction, and the answer to the request sent meanwhile once it is in."""

    first: Connection
    answers: list[TestResponse] = field(default_factory=list)


@contextmanager
def while_held(app: Flask, send: Callable[[], TestResponse]) -> Iterator[Held]:
    with app.app_context(), db.engine.connect() as first:
        held = Held(first)
        yield held
        assert first.in_transaction(), "the first transaction holds no lock"
        second = threading.Thread(target=lambda: held.answers.append(send()))
        with lock_waits(db.engine) as waiting:
            second.start()
            assert seen_waiting(second, waiting), "the request did not wait for the first one"
        first.commit()
    second.join(LONGEST_WAIT_SECONDS)
    assert held.answers, "the request did not answer"


def seen_waiting(request: threading.Thread, waiting: Callable[[], bool]) -> bool:
    """Whether ``request`` is seen waiting for a lock before it ends."""
    deadline = time.monotonic() + LONGEST_WAIT_SECONDS
    while request.is_alive() and time.monotonic() < deadline:
        if waiting():
            return True
        request.join(0.001)
    return False


@contextmanager
def lock_waits(engine: Engine) -> Iterator[Callable[[], bool]]:
    """A check of whether another connection to ``engine``'s database waits for a lock."""
    if engine.dialect.name == "sqlite":
        with sqlite_write_begun(engine) as begun:
            yield begun
        return
    query = text(
        "SELECT EXISTS (SELECT FROM pg_stat_activity"
        " WHERE datname = current_database() AND wait_event_type = 'Lock')"
    )
    with engine.connect() as probe:

        def waiting() -> bool:
            seen = bool(probe.scalar(query))
            probe.rollback()  # the next look takes a fresh snapshot of the server's activity
            return seen

        yield waiting


@contextmanager
def sqlite_write_begun(engine: Engine) -> Iterator[Callable[[], bool]]:
    """Whether another thread has begun a transaction on ``engine``: every transaction but a
    read-only one begins with ``BEGIN IMMEDIATE``, which waits while another holds the write
    lock."""
    begun = threading.Event()
    this_thread = threading.get_ident()

    def before_execute(_connection: Connection, _cursor: Any, statement: str, *_: Any) -> None:
        if statement == "BEGIN IMMEDIATE" and threading.get_ident() != this_thread:
            begun.set()

    event.listen(engine, "before_cursor_execute", before_execute)
    try:
        yield begun.is_set
    finally:
        event.remove(engine, "before_cursor_execute", before_execute)
