"""Flask commands for operators: ``flask --app wsgi staff create ...`` and friends."""

from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from app import audit, sealing
from app.auth.passwords import hash_password, password_problem
from app.codes import Actor, Role
from app.demo import demo_data_command
from app.extensions import db
from app.maintenance import backup_command, purge_command
from app.models import StaffUser
from app.notify.cli import notify_cli
from app.statistics.recount import recount

staff_cli = AppGroup("staff", help="Manage staff accounts.")


@staff_cli.command("create")
@click.option("--email", required=True, help="The staff member's e-mail address (sign-in name).")
@click.option(
    "--role",
    required=True,
    type=click.Choice([role.value for role in Role]),
    help="What the account may do.",
)
@click.option("--name", default="", help="Display name (defaults to the e-mail address).")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from standard input (for scripts) instead of prompting twice.",
)
def create_staff(email: str, role: str, name: str, password_stdin: bool) -> None:
    """Create a staff account. The second factor is set up at its first sign-in."""
    email = email.strip().lower()
    if "@" not in email:
        raise click.BadParameter("not an e-mail address", param_hint="--email")
    if db.session.scalar(select(StaffUser).where(StaffUser.email == email)):
        raise click.ClickException(f"An account for {email} already exists.")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    problem = password_problem(password, email)
    if problem:
        raise click.ClickException(problem)
    user = StaffUser(
        email=email, name=name.strip() or email, role=role, password_hash=hash_password(password)
    )
    db.session.add(user)
    db.session.flush()
    audit.record(
        "staff.create", actor_type=Actor.SYSTEM, detail={"staff_id": user.id, "role": role}
    )
    db.session.commit()
    click.echo(f"Created {role} account {email}. The second factor is set up at first sign-in.")


totp_cli = AppGroup("totp", help="Staff members' second-factor secrets.")


@totp_cli.command("seal")
def seal_secrets() -> None:
    """Seal every TOTP secret under the first key of TOTP_ENCRYPTION_KEYS: those still in the
    clear, and those sealed under an older key (key rotation). Run after adding or changing a
    key; then an old key can be dropped."""
    if not current_app.config.get(sealing.KEYS):
        raise click.ClickException(f"Set {sealing.KEYS} first (docs/deployment.md).")
    sealed = rotated = 0
    for user in db.session.scalars(select(StaffUser).with_for_update()):
        if user.totp_secret_sealed is not None:
            user.totp_secret_sealed = sealing.reseal(user.totp_secret_sealed)
            rotated += 1
        elif user.totp_secret_plain is not None:
            user.totp_secret = user.totp_secret_plain  # the setter seals it, clears the clear
            sealed += 1
    audit.record(
        "staff.secrets_sealed",
        actor_type=Actor.SYSTEM,
        detail={"sealed": sealed, "sealed_again": rotated},
    )
    db.session.commit()
    click.echo(
        f"Sealed {sealed} secret(s) in the clear; sealed {rotated} again under the first key."
    )


statistics_cli = AppGroup("statistics", help="The statistics page's counts.")


@statistics_cli.command("recount")
def recount_statistics() -> None:
    """Count the stored submissions again for the statistics: once after upgrading to the
    version that keeps the counts, and after the clinic's time zone changes."""
    done = recount()
    audit.record("statistics.recount", actor_type=Actor.SYSTEM, detail=done)
    db.session.commit()
    click.echo(f"Counted {done['submissions']:,} submission(s) again ({done['counts']:,} counts).")


def register_cli(app: Flask) -> None:
    """Attach the command groups."""
    app.cli.add_command(staff_cli)
    app.cli.add_command(demo_data_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(purge_command)
    app.cli.add_command(notify_cli)
    app.cli.add_command(totp_cli)
    app.cli.add_command(statistics_cli)
