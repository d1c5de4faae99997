"""Shared fixtures: an app on a fresh SQLite database per test, its client and CLI runner."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from app import create_app
from app.extensions import db
from config import TestConfig


def make_app(tmp_path: Path, **settings: Any) -> Flask:
    """An app on its own SQLite file under ``tmp_path``, with ``settings`` over TestConfig.

    The schema comes from the models; migrations are tested in tests/test_migrations.py.
    """
    config = type(
        "Config",
        (TestConfig,),
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.sqlite3'}", **settings},
    )
    app = create_app(config)
    with app.app_context():
        db.create_all()
    return app


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """The app on a fresh database."""
    app = make_app(tmp_path)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()
