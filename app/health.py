"""The health check that load balancers and monitors poll."""

from __future__ import annotations

import logging

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.database import read_value

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """200 with a small JSON body when the app can reach its database; 503 otherwise.

    Only reads: on SQLite the check never waits for the write lock behind patients'
    submissions (it would report a busy database as down)."""
    try:
        read_value(text("SELECT 1"))
    except SQLAlchemyError:
        log.exception("health check: database unreachable")
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
