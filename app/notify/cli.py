"""``flask notify run`` (a long-running sender for systemd or a container) and ``flask notify
send-once`` (one round, for cron)."""

from __future__ import annotations

import signal
import threading
from types import FrameType

import click
from flask.cli import AppGroup

from app.notify import mail, sender

notify_cli = AppGroup("notify", help="Send the outbox's messages (notifications, receipts).")


def _ready() -> None:
    problems = mail.problems()
    if problems:
        raise click.ClickException(" ".join(problems) + " See README, Notifications.")


@notify_cli.command("send-once")
def send_once_command() -> None:
    """Send everything due now, then exit (for cron)."""
    _ready()
    done = sender.send_once()
    click.echo(f"{done.sent} sent, {done.retried} to retry, {done.failed} failed.")


@notify_cli.command("run")
@click.option("--interval", default=30.0, show_default=True, help="Seconds between rounds.")
def run_command(interval: float) -> None:
    """Send due messages every --interval seconds until stopped (SIGTERM or Ctrl-C end it after
    the round in progress)."""
    _ready()
    stop = threading.Event()

    def _stop(_signal: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    click.echo(f"Sending every {interval:g} s; SIGTERM stops after the current round.")
    sender.run(interval, stop)
