"""Operator commands for the data's life cycle: ``backup`` (SQLite) and ``purge`` (retention).

``flask --app wsgi backup DEST`` copies a live SQLite database with SQLite's online backup API,
never a file copy (a copy of the file taken mid-write, or without its ``-wal`` file, can be
torn or stale). ``flask --app wsgi purge`` applies the retention period (the clinic's setting,
or ``--older-than DAYS`` over it) with ``app.retention``, as the settings page does: old
submissions with everything attached to them, and expired drafts, go in one transaction that
also writes the audit record of the purge. Audit records themselves are never purged.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import URL

from app import audit, database, retention
from app.codes import Actor
from app.database import SQLITE_BUSY_TIMEOUT_MS, begin_read_only
from app.extensions import db
from app.settings.store import current

COUNTED_TABLES = ("submission", "audit_event")


def sqlite_file(url: URL) -> Path:
    """The file behind a SQLite database URL; refuses other databases and in-memory ones."""
    if url.get_backend_name() != "sqlite":
        raise click.ClickException(
            f"backup copies SQLite databases only; this one is {url.get_backend_name()}. "
            "Use pg_dump (e.g. pg_dump --format=custom --file=DEST DATABASE) instead."
        )
    if not url.database or url.database == ":memory:" or url.database.startswith("file::memory:"):
        raise click.ClickException("an in-memory database cannot be backed up.")
    return Path(url.database)


def copy_sqlite(source: Path, target: Path) -> None:
    """Copy ``source`` into the empty database file ``target`` with the online backup API.

    All pages are copied in one step (``pages=-1``) inside a single read transaction: under WAL
    that is a consistent snapshot and writers carry on meanwhile. Copying a few pages per step
    would restart from the beginning each time another connection writes, so a busy clinic
    could keep the backup from ever finishing. The copy is switched to a rollback journal so
    that it is a single self-contained file.
    """
    with (
        contextlib.closing(sqlite3.connect(source, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)) as src,
        contextlib.closing(sqlite3.connect(target)) as dest,
    ):
        src.backup(dest, pages=-1, sleep=0.05)
        dest.execute("PRAGMA journal_mode = DELETE")


def check_copy(path: Path) -> dict[str, int]:
    """Run ``PRAGMA integrity_check`` on a copy and count its rows; raises if it is unsound."""
    with contextlib.closing(sqlite3.connect(path)) as copy:
        problems = [row[0] for row in copy.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise click.ClickException(f"the copy failed its integrity check: {problems[:5]}")
        tables = {row[0] for row in copy.execute("SELECT name FROM sqlite_master")}
        missing = [name for name in COUNTED_TABLES if name not in tables]
        if missing:
            raise click.ClickException(
                f"the copy has no {', '.join(missing)} table: is this the app's database "
                "(run flask db upgrade first)?"
            )
        # Table names come from COUNTED_TABLES above, never from input.
        return {
            name: copy.execute(f"SELECT count(*) FROM {name}").fetchone()[0]  # noqa: S608
            for name in COUNTED_TABLES
        }


def _fsync_directory(path: Path) -> None:
    """Make a rename in ``path`` durable (POSIX; a no-op where directories cannot be opened)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@click.command("backup")
@click.argument("dest", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--force", is_flag=True, help="Replace DEST if it already exists.")
@with_appcontext
def backup_command(dest: Path, force: bool) -> None:
    """Copy the live SQLite database to DEST, consistently, while the app keeps running."""
    source = sqlite_file(db.engine.url)
    if not source.is_file():
        raise click.ClickException(f"no database file at {source}.")
    dest = dest.absolute()
    if dest.exists() and dest.resolve() == source.resolve():
        raise click.ClickException("DEST is the live database itself.")
    if dest.exists() and not force:
        raise click.ClickException(f"{dest} already exists; add --force to replace it.")
    if not dest.parent.is_dir():
        raise click.ClickException(f"no directory {dest.parent}.")
    # Written beside DEST (same file system, so the rename is atomic), readable by the owner
    # only: the copy holds health information.
    fd, name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".tmp")
    os.close(fd)
    temporary = Path(name)
    try:
        copy_sqlite(source, temporary)
        counts = check_copy(temporary)
        with temporary.open("rb+") as handle:
            os.fsync(handle.fileno())
        temporary.replace(dest)
        _fsync_directory(dest.parent)
    finally:
        for leftover in (temporary, *(Path(f"{name}{s}") for s in ("-journal", "-wal", "-shm"))):
            leftover.unlink(missing_ok=True)
    size = dest.stat().st_size
    audit.record("backup.create", actor_type=Actor.SYSTEM, detail={"bytes": size, "counts": counts})
    db.session.commit()
    click.echo(
        f"Backed up to {dest}: {size:,} bytes, {counts['submission']:,} submissions, "
        f"{counts['audit_event']:,} audit events; integrity check ok."
    )


def retention_period(option: int | None) -> tuple[int, str]:
    """The period to apply, in days, and where it came from: ``--older-than`` when given
    (``"option"``), else the clinic's retention setting (``"setting"``). Neither: a usage
    error, before anything is read or deleted."""
    if option is not None:
        return option, "option"
    setting = current().retention_days
    if setting is None:
        raise click.UsageError(
            "no retention period: set it on the settings page (/admin/settings) or in "
            "RETENTION_DAYS (the period the clinic's privacy officer documents, in days), or "
            "pass --older-than DAYS."
        )
    return setting, "setting"


@click.command("purge")
@click.option(
    "--older-than",
    "days",
    type=click.IntRange(min=1),
    metavar="DAYS",
    help="Delete submissions created more than DAYS days ago (at least 1); "
    "default: the clinic's retention setting (settings page, else RETENTION_DAYS).",
)
@click.option("--dry-run", is_flag=True, help="Only report what would be deleted.")
@with_appcontext
def purge_command(days: int | None, dry_run: bool) -> None:
    """Apply the retention period (the clinic's setting, or --older-than over it): delete old
    submissions (with everything attached to them) and expired drafts, and record the purge in
    the audit log."""
    days, source = retention_period(days)
    now = database.utcnow()
    if dry_run:
        begin_read_only(db.session)
        done = retention.preview(days, now)
        db.session.rollback()
    else:
        done = retention.purge(days, now, source=source, actor=Actor.SYSTEM, staff_id=None)
        db.session.commit()
    counts = done.counts
    attached = ", ".join(
        f"{name.replace('_', ' ')}s: {count:,}"
        for name, count in counts.items()
        if name not in {"submission", "draft"}
    )
    click.echo(
        f"{'Would delete' if dry_run else 'Deleted'} {counts['submission']:,} submissions "
        f"created before {done.cutoff:%Y-%m-%d %H:%M} UTC ({attached or 'nothing attached'}) "
        f"and {counts['draft']:,} expired drafts. Retention period: {days:,} days "
        f"({'--older-than' if source == 'option' else 'the retention setting'})."
    )
