"""Flask commands for operators: ``flask --app wsgi staff create ...`` and friends."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from app import audit
from app.auth.passwords import hash_password, password_problem
from app.codes import Actor, Role
from app.demo import demo_data_command
from app.extensions import db
from app.maintenance import backup_command, purge_command
from app.models import StaffUser
from app.notify.cli import notify_cli

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


def register_cli(app: Flask) -> None:
    """Attach the command groups."""
    app.cli.add_command(staff_cli)
    app.cli.add_command(demo_data_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(purge_command)
    app.cli.add_command(notify_cli)
