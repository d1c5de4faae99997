"""The settings' revision, as each worker thread learns it: the one speed-up of the settings
(measured in docs/performance.md, ``bench.inprocess``).

Every request that shows a page asks for the revision (``app.settings.store``), so asking must
cost next to nothing. Through the pool a read cost about 150 µs of CPU (a checkout, its ping,
BEGIN, the SELECT, ROLLBACK), a quarter of a kept questionnaire page. So each thread keeps one
connection of its own, outside the pool, in autocommit:

- on SQLite it reads the revision each time: a bare SELECT of one indexed value, 10 to 30 µs
  of CPU (a kept step page costs 3-5% more than before the settings);
- on PostgreSQL, where even a bare SELECT costs about 170 µs of CPU, it LISTENs on
  ``CHANNEL``; a change is announced there in its own transaction (``announce``: NOTIFY,
  delivered at commit), and the revision is read again only after a notification, or after
  ``REREAD_AFTER`` in any case (a connection lost without a word, a change made by hand).
  Asking is then a non-blocking look at what the socket received. A new connection (the
  first, or after an error) reads it at once. A change is seen by the other workers as soon
  as PostgreSQL has delivered its notification (well under a millisecond on one host), and by
  every thread of the worker that made it at once (``changed_here``).

Each connection belongs to the process that opened it: after a fork (gunicorn's workers start
as forks of the master) a worker opens its own and leaves the master's untouched; disposing of
the engine (tests, a worker's start) closes this process's.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
import weakref
from typing import Any

from sqlalchemy import Engine, event, text

from app.database import AnySession
from app.models import SettingChange

CHANNEL = "ims_settings"
REREAD_AFTER = 60.0  # seconds: on PostgreSQL, the revision is read at least this often
_WATCHES: weakref.WeakSet[RevisionWatch] = weakref.WeakSet()  # this process's


def changed_here() -> None:
    """The settings were just changed in this process: every watch of it reads the revision
    again at its next use (a notification may still be on its way)."""
    for watch in list(_WATCHES):
        for held in list(watch._opened):
            held.changed = True


# The table's name is the model's own, never input.
REVISION_SQL = f"SELECT max(id) FROM {SettingChange.__tablename__}"  # noqa: S608


def announce(session: AnySession) -> None:
    """Tell every worker, once ``session`` commits, that the settings changed (PostgreSQL;
    on SQLite every request reads the revision anyway)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"NOTIFY {CHANNEL}"))


class _Held:
    """One thread's connection: its process, and whether a change may have been announced."""

    def __init__(self, connection: Any) -> None:
        self.pid = os.getpid()
        self.connection = connection
        self.changed = True  # nothing read yet
        self.revision = 0
        self.read_at = 0.0  # time.monotonic() of the last read


class RevisionWatch:
    """The settings' revision for one engine, on a connection per thread."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.listens = engine.dialect.name == "postgresql"
        self._local = threading.local()
        self._opened: list[_Held] = []  # to close when the engine is disposed of
        self._lock = threading.Lock()
        event.listen(engine, "engine_disposed", self._close_all)
        _WATCHES.add(self)

    def _held(self) -> _Held:
        held: _Held | None = getattr(self._local, "held", None)
        if held is not None and held.pid == os.getpid():
            return held
        connection = self.engine.raw_connection()
        connection.detach()  # never back to the pool: it stays this thread's
        fresh = _Held(connection)
        if self.listens:
            driver: Any = connection.dbapi_connection
            driver.autocommit = True  # no transaction left open between reads

            def heard(_notify: Any) -> None:
                fresh.changed = True  # a notification received during a query of ours

            driver.add_notify_handler(heard)
            driver.execute(f"LISTEN {CHANNEL}")
        self._local.held = fresh
        with self._lock:
            self._opened.append(fresh)
        return fresh

    def revision(self) -> int:
        """The highest id of the settings' history (0 before any change). Raises the driver's
        error when the database does not answer; the next call opens a new connection."""
        held = self._held()
        try:
            if self.listens:
                pgconn = held.connection.dbapi_connection.pgconn
                pgconn.consume_input()  # what arrived, without waiting
                while pgconn.notifies() is not None:
                    held.changed = True
            now = time.monotonic()
            if held.changed or not self.listens or now - held.read_at > REREAD_AFTER:
                held.changed, held.read_at = False, now
                held.revision = self._read(held.connection)
        except Exception:
            self._local.held = None
            self._close(held)
            raise
        return held.revision

    @staticmethod
    def _read(connection: Any) -> int:
        cursor = connection.cursor()
        try:
            cursor.execute(REVISION_SQL)
            row = cursor.fetchone()
        finally:
            cursor.close()
        return int(row[0] or 0)

    @staticmethod
    def _close(held: _Held) -> None:
        with contextlib.suppress(Exception):  # already broken: nothing more to do with it
            held.connection.close()

    def _close_all(self, _engine: Engine) -> None:
        """Close this process's connections (another process's belong to it)."""
        with self._lock:
            opened, self._opened = self._opened, []
        for held in opened:
            if held.pid == os.getpid():
                self._close(held)
        self._local = threading.local()
