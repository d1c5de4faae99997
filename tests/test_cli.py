"""Operator commands: creating staff accounts from the command line."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from app.auth.passwords import verify_password
from app.extensions import db
from app.models import AuditEvent, StaffUser

GOOD = "plum-kettle-harbour-42"


def accounts(app: Flask) -> list[StaffUser]:
    with app.app_context():
        users = list(db.session.scalars(select(StaffUser)))
        for user in users:
            db.session.expunge(user)
        return users


def test_create_admin_reading_password_from_stdin(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=[
            "staff",
            "create",
            "--email",
            "Ada@Clinic.example",
            "--role",
            "admin",
            "--name",
            "Ada",
            "--password-stdin",
        ],
        input=f"{GOOD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created admin account ada@clinic.example" in result.output
    [user] = accounts(app)
    assert (user.email, user.role, user.name, user.totp_secret) == (
        "ada@clinic.example",
        "admin",
        "Ada",
        None,
    )
    assert GOOD not in user.password_hash
    with app.app_context():
        assert verify_password(user.password_hash, GOOD)
        event = db.session.scalars(select(AuditEvent)).one()
    assert (event.action, event.actor_type, event.detail) == (
        "staff.create",
        "system",
        {"staff_id": user.id, "role": "admin"},
    )


def test_create_prompts_twice(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=["staff", "create", "--email", "desk@clinic.example", "--role", "front_desk"],
        input=f"{GOOD}\n{GOOD}\n",
    )
    assert result.exit_code == 0, result.output
    assert [u.role for u in accounts(app)] == ["front_desk"]


def test_create_refuses_weak_password_duplicate_and_bad_role(
    app: Flask, runner: FlaskCliRunner
) -> None:
    weak = runner.invoke(
        args=[
            "staff",
            "create",
            "--email",
            "a@clinic.example",
            "--role",
            "admin",
            "--password-stdin",
        ],
        input="q1w2e3r4t5y6\n",
    )
    assert weak.exit_code == 1
    assert "too easy to guess" in weak.output
    args = ["staff", "create", "--email", "a@clinic.example", "--role", "admin", "--password-stdin"]
    assert runner.invoke(args=args, input=f"{GOOD}\n").exit_code == 0
    again = runner.invoke(args=args, input=f"{GOOD}\n")
    assert again.exit_code == 1
    assert "already exists" in again.output
    bad_role = runner.invoke(
        args=[
            "staff",
            "create",
            "--email",
            "b@clinic.example",
            "--role",
            "owner",
            "--password-stdin",
        ],
        input=f"{GOOD}\n",
    )
    assert bad_role.exit_code == 2
    assert len(accounts(app)) == 1
