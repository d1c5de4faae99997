"""Migrations: one head, upgrade from empty matches the models, and a full round trip."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from app import create_app
from app.extensions import db
from config import TestConfig

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


@pytest.fixture
def empty_app(tmp_path: Path) -> Flask:
    """An app whose database has no tables yet."""
    config = type(
        "Config", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.db'}"}
    )
    return create_app(config)


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
