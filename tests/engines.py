"""Which database engine the suite runs on, and throwaway PostgreSQL databases.

``TEST_DATABASE=postgresql make test`` (or ``make test-postgres``) runs the whole suite on the
local PostgreSQL server (``TEST_POSTGRES_URL``, default the loopback server's ``postgres``
database as user ``postgres``): a fresh database is created for the run and dropped after it.
The server must be reachable; an unreachable server fails the run rather than skipping it.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

ENGINE = os.environ.get("TEST_DATABASE", "sqlite").strip().lower()
ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
ON_POSTGRES = ENGINE == "postgresql"
if ENGINE not in {"sqlite", "postgresql"}:
    raise RuntimeError(f"TEST_DATABASE must be sqlite or postgresql, not {ENGINE!r}")


@contextmanager
def postgres_database(prefix: str = "ims_test") -> Iterator[URL]:
    """A new, empty PostgreSQL database on the local server, dropped afterwards."""
    admin_url = make_url(ADMIN_URL)
    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(4)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield admin_url.set(database=name)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
