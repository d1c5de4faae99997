"""Migrations on the run's engine: one head, upgrade from empty matches the models (no drift),
upgrade, downgrade to base, upgrade again, and the back-fill of existing rows."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from app import create_app
from app.codes import MessageKind, MessageState, NotifyMode, Role, Status
from app.extensions import db
from app.screening.codes import Outcome
from config import TestConfig
from tests.engines import ON_POSTGRES, postgres_database

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


@pytest.fixture
def empty_app(tmp_path: Path) -> Iterator[Flask]:
    """An app whose database has no tables yet (a new SQLite file, or a new PostgreSQL
    database on the local server, dropped afterwards)."""
    with ExitStack() as stack:
        if ON_POSTGRES:
            url = stack.enter_context(postgres_database("ims_migrations"))
            uri = url.render_as_string(hide_password=False)
        else:
            uri = f"sqlite:///{tmp_path / 'm.db'}"
        app = create_app(type("Config", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": uri}))
        yield app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def drift(app: Flask) -> list:
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        return compare_metadata(context, db.metadata)


def test_single_head() -> None:
    from alembic.config import Config

    config = Config(str(MIGRATIONS / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_upgrade_from_empty_matches_the_models(empty_app: Flask) -> None:
    with empty_app.app_context():
        upgrade(directory=str(MIGRATIONS))
    assert drift(empty_app) == []


def test_upgrade_downgrade_upgrade(empty_app: Flask) -> None:
    with empty_app.app_context():
        upgrade(directory=str(MIGRATIONS))
        downgrade(directory=str(MIGRATIONS), revision="base")
        assert set(inspect(db.engine).get_table_names()) == {"alembic_version"}
        upgrade(directory=str(MIGRATIONS))
        assert {"submission", "draft", "audit_event"} <= set(inspect(db.engine).get_table_names())
    assert drift(empty_app) == []


def test_queue_order_is_back_filled_for_existing_submissions(empty_app: Flask) -> None:
    from sqlalchemy import text

    with empty_app.app_context():
        upgrade(directory=str(MIGRATIONS), revision="0001")
        insert = text(
            "INSERT INTO submission (reference, created_at, locale, questionnaire_version, "
            "rules_version, outcome, reasons, answers, status, is_safety_stop, idempotency_key) "
            "VALUES (:ref, '2026-01-01 00:00:00', 'en', '2026.1', '2026.1', :outcome, '[]', "
            "'{}', :status, :stop, :ref)"
        )
        rows = {
            "IMS-AAAA-AAAA": ("emergency", "new", True),
            "IMS-BBBB-BBBB": ("clinician_review", "new", False),
            "IMS-EEEE-EEEE": ("see_doctor", "new", True),
            "IMS-FFFF-FFFF": ("see_doctor", "contacted", True),
            "IMS-CCCC-CCCC": ("clinician_review", "closed", False),
            "IMS-DDDD-DDDD": ("suggest_consult", "new", False),
        }
        for ref, (outcome, status, stop) in rows.items():
            db.session.execute(
                insert, {"ref": ref, "outcome": outcome, "status": status, "stop": stop}
            )
        db.session.commit()
        upgrade(directory=str(MIGRATIONS), revision="0004")
        pinned = dict(
            db.session.execute(text("SELECT reference, needs_attention FROM submission")).all()
        )
        assert {ref: bool(v) for ref, v in pinned.items()} == {
            "IMS-AAAA-AAAA": True,
            "IMS-BBBB-BBBB": True,
            "IMS-CCCC-CCCC": False,
            "IMS-DDDD-DDDD": False,
            "IMS-EEEE-EEEE": True,
            "IMS-FFFF-FFFF": False,
        }
        db.session.rollback()  # the read's transaction, before the migration takes the lock
        # 0005: each pinned one takes its outcome's rank, the others 0.
        upgrade(directory=str(MIGRATIONS), revision="0005")
        ranks = dict(db.session.execute(text("SELECT reference, attention FROM submission")).all())
    assert ranks == {
        "IMS-AAAA-AAAA": 3,
        "IMS-BBBB-BBBB": 1,
        "IMS-CCCC-CCCC": 0,
        "IMS-DDDD-DDDD": 0,
        "IMS-EEEE-EEEE": 2,
        "IMS-FFFF-FFFF": 0,
    }


def test_notes_and_decisions_before_form_keys_are_kept(empty_app: Flask) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    with empty_app.app_context():
        upgrade(directory=str(MIGRATIONS), revision="0003")
        for statement in (
            "INSERT INTO submission (id, reference, created_at, locale, questionnaire_version, "
            "rules_version, outcome, reasons, answers, status, is_safety_stop, idempotency_key, "
            "needs_attention) VALUES (1, 'IMS-AAAA-AAAA', '2026-01-01 00:00:00', 'en', '2026.1', "
            "'2026.1', 'clinician_review', '[]', '{}', 'new', false, 'k', true)",
            "INSERT INTO staff_user (id, email, name, role, password_hash, is_active, "
            "failed_logins, created_at) VALUES (1, 'c@example.org', 'C', 'clinician', 'x', true, "
            "0, '2026-01-01 00:00:00')",
            "INSERT INTO note (submission_id, staff_id, body, at) VALUES "
            "(1, 1, 'Same words', '2026-01-01 00:00:00'), "
            "(1, 1, 'Same words', '2026-01-01 00:00:00')",
            "INSERT INTO clearance (submission_id, staff_id, cleared, reason, at) VALUES "
            "(1, 1, true, 'Fine', '2026-01-01 00:00:00')",
        ):
            db.session.execute(text(statement))
        db.session.commit()
        upgrade(directory=str(MIGRATIONS))
        kept = db.session.execute(text("SELECT body, form_key FROM note")).all()
        decided = db.session.execute(text("SELECT reason, form_key FROM clearance")).all()
        add_keyed = text(
            "INSERT INTO note (submission_id, staff_id, body, at, form_key) "
            "VALUES (1, 1, 'Once', '2026-01-02 00:00:00', 'the-same-key')"
        )
        db.session.execute(add_keyed)
        with pytest.raises(IntegrityError):
            db.session.execute(add_keyed)
        db.session.rollback()
    assert [tuple(row) for row in kept] == [("Same words", None), ("Same words", None)]
    assert [tuple(row) for row in decided] == [("Fine", None)]


def test_every_existing_account_chooses_its_own_password_after_0006(empty_app: Flask) -> None:
    from sqlalchemy import text

    with empty_app.app_context():
        upgrade(directory=str(MIGRATIONS), revision="0005")
        db.session.execute(
            text(
                "INSERT INTO staff_user (email, name, role, password_hash, is_active, "
                "failed_logins, created_at) VALUES ('a@example.org', 'A', 'admin', 'x', true, 0, "
                "'2026-01-01 00:00:00'), ('f@example.org', 'F', 'front_desk', 'x', true, 0, "
                "'2026-01-01 00:00:00')"
            )
        )
        db.session.commit()
        upgrade(directory=str(MIGRATIONS))
        flags = db.session.execute(text("SELECT must_change_password FROM staff_user")).scalars()
        assert [bool(flag) for flag in flags] == [True, True]
        db.session.rollback()


# Each CHECK constraint the migrations create, and the codes it must allow: exactly one enum's.
CHECKED_CODES = {
    ("submission", "outcome"): Outcome,
    ("submission", "status"): Status,
    ("staff_user", "role"): Role,
    ("staff_user", "notify_mode"): NotifyMode,
    ("outbox_message", "kind"): MessageKind,
    ("outbox_message", "state"): MessageState,
}


@pytest.mark.parametrize(("table", "column"), list(CHECKED_CODES))
def test_check_constraints_allow_exactly_the_codes(
    empty_app: Flask, table: str, column: str
) -> None:
    """The database refuses any code the app does not define, and allows every one it does:
    the migrations' CHECK constraints and ``app.codes`` / ``app.screening.codes`` agree."""
    with empty_app.app_context():
        upgrade(directory=str(MIGRATIONS))
        checks = inspect(db.engine).get_check_constraints(table)
    condition = next(c["sqltext"] for c in checks if c["name"] == f"ck_{table}_{column}")
    assert column in condition
    allowed = set(re.findall(r"'([a-z_]+)'", condition))
    assert allowed == {code.value for code in CHECKED_CODES[table, column]}


def test_work_list_and_search_terms_are_back_filled(empty_app: Flask) -> None:
    """0007: each existing submission's place in the work list, from its status, outcome and
    whether a clinician decided, and the terms it is found by; the downgrade brings back the
    old pins."""
    from sqlalchemy import text

    from app.dates import response_due_at
    from app.worklist import Work

    received = "2026-11-27 15:00:00"  # a Friday, 10:00 in Ottawa: due Monday 10:00
    with empty_app.app_context():
        upgrade(directory=str(MIGRATIONS), revision="0006")
        insert = text(
            "INSERT INTO submission (id, reference, created_at, locale, questionnaire_version, "
            "rules_version, outcome, reasons, answers, status, is_safety_stop, idempotency_key, "
            "full_name, phone, email) VALUES (:id, :ref, :at, 'en', '2026.1', '2026.1', "
            ":outcome, '[]', '{}', :status, :stop, :ref, :name, :phone, :email)"
        )
        rows = [
            (1, "suggest_consult", "new", False, "Élise Côté", "+1 613 555 0101", "E@X.test"),
            (2, "clinician_review", "new", False, "Sam Roy", None, "sam@x.test"),
            (3, "clinician_review", "contacted", False, "Ana Li", "613-555-0103", None),
            (4, "emergency", "new", True, None, None, None),
            (5, "suggest_consult", "booked", False, "Bo Chen", "613-555-0105", None),
        ]
        for id_, outcome, status, stop, name, phone, email in rows:
            db.session.execute(
                insert,
                {
                    "id": id_,
                    "ref": f"IMS-AAAA-AAA{id_ + 1}",
                    "at": received,
                    "outcome": outcome,
                    "status": status,
                    "stop": stop,
                    "name": name,
                    "phone": phone,
                    "email": email,
                },
            )
        db.session.execute(
            text(
                "INSERT INTO staff_user (id, email, name, role, password_hash, is_active, "
                "failed_logins, created_at, must_change_password) VALUES (1, 'c@x.test', 'C', "
                "'clinician', 'x', true, 0, '2026-01-01 00:00:00', false)"
            )
        )
        db.session.execute(
            text(
                "INSERT INTO clearance (submission_id, staff_id, cleared, reason, at) VALUES "
                "(3, 1, true, 'Fine', '2026-11-28 00:00:00')"
            )
        )
        db.session.commit()
        upgrade(directory=str(MIGRATIONS), revision="0007")
        places = {
            row[0]: (row[1], row[2])
            for row in db.session.execute(text("SELECT id, work, due_at FROM submission"))
        }
        terms = set(db.session.execute(text("SELECT submission_id, kind, term FROM search_term")))
        from datetime import UTC, datetime

        moment = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
        due = response_due_at(moment)
        db.session.rollback()
        downgrade(directory=str(MIGRATIONS), revision="0006")
        pins = dict(db.session.execute(text("SELECT id, attention FROM submission")).all())
    assert due == datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
    assert {k: v[0] for k, v in places.items()} == {
        1: Work.NEW,
        2: Work.REVIEW,
        3: Work.OPEN,  # a clinician decided, and someone has been in touch
        4: None,  # a safety stop is never a work item
        5: None,  # closed
    }
    assert str(places[1][1]).startswith("2026-11-30 15:00")
    assert terms == {
        (1, "n", "elise"),
        (1, "n", "cote"),
        (1, "p", "6135550101"),
        (1, "e", "e@x.test"),
        (2, "n", "sam"),
        (2, "n", "roy"),
        (2, "e", "sam@x.test"),
        (3, "n", "ana"),
        (3, "n", "li"),
        (3, "p", "6135550103"),
        (5, "n", "bo"),
        (5, "n", "chen"),
        (5, "p", "6135550105"),
    }
    assert pins == {1: 0, 2: 1, 3: 0, 4: 3, 5: 0}
