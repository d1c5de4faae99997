"""A request sent while another transaction is still storing its work, for tests of actions
that must take turns (a form sent twice, two people at once).

    with while_held(app, lambda: client.post(url, data=form)) as held:
        held.first.execute(...)  # what the first request would store, not yet committed
    assert ... held.answers[0] ...

After the ``with`` body, the request runs in a thread; it must still be waiting half a second
later (for SQLite's write lock, or for PostgreSQL's row locks), and then the first transaction
commits, letting it through.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from flask import Flask
from sqlalchemy import Connection
from werkzeug.test import TestResponse

from app.extensions import db


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
        second = threading.Thread(target=lambda: held.answers.append(send()))
        second.start()
        time.sleep(0.5)
        assert second.is_alive(), "the request did not wait for the first transaction"
        first.commit()
    second.join(30)
    assert held.answers, "the request did not answer"
