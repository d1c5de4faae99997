"""The health check that load balancers and monitors poll."""

from __future__ import annotations

import logging

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.database import begin_single_reads
from app.extensions import db

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """200 with a small JSON body when the app can reach its database; 503 otherwise.

    Only reads: on SQLite the check never waits for the write lock behind patients'
    submissions (it would report a busy database as down)."""
    try:
        begin_single_reads(db.session)
        db.session.execute(text("SELECT 1")).scalar_one()
    except SQLAlchemyError:
        log.exception("health check: database unreachable")
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
