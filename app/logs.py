"""Production logging: one JSON object per line on standard error, in UTC, with request ids.

Logs record ids and staff ids only (QUALITY.md). Access lines name the route pattern
(``/staff/submissions/<reference>``), never the path that was asked for, its query string,
form fields, cookies or headers other than the request id. Exceptions are logged with their
type and stack frames but without their message, which may quote what a patient typed (a
database error, for one, can include the statement's parameters).
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import traceback
import uuid
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, g, has_request_context, request
from flask.logging import default_handler

HANDLER_NAME = "ims-json"
REQUEST_ID_HEADER = "X-Request-ID"
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

access_log = logging.getLogger("app.access")


def request_id() -> str:
    """This request's id: the caller's ``X-Request-ID`` when it is safe to log, else a new one.

    Kept on ``g``; created on first use, so lines logged before the app's own hook ran (by an
    extension's hook, say) still carry it.
    """
    if "request_id" not in g:
        given = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = given if SAFE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
    return g.request_id


def route() -> str:
    """The matched route's pattern, or ``unmatched`` (404, 405): never the path itself."""
    return request.url_rule.rule if request.url_rule is not None else "unmatched"


def _without_path(message: str) -> str:
    """Replace this request's path (which may hold a reference) in a message by its route.

    Flask logs an unhandled exception as "Exception on <path> [GET]".
    """
    if not has_request_context():
        return message
    for raw in sorted({request.url, request.full_path.rstrip("?"), request.path}, key=len)[::-1]:
        if len(raw) > 1 and raw in message:
            message = message.replace(raw, route())
    return message


def _type_name(kind: type[BaseException]) -> str:
    module = kind.__module__
    return kind.__qualname__ if module == "builtins" else f"{module}.{kind.__qualname__}"


def _traceback(error: BaseException) -> str:
    """The stack of ``error`` and of the exceptions it chains, with types but no messages."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = "".join(traceback.format_tb(current.__traceback__))
        parts.append(f"Traceback (most recent call last):\n{frames}{_type_name(type(current))}")
        chained = current.__cause__ or current.__context__
        current = None if current.__suppress_context__ and not current.__cause__ else chained
    return "\n\nwhich caused:\n".join(reversed(parts))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ``Z``), level, logger, message, request id and
    staff id (``null`` outside a request), any ``extra={"fields": {...}}`` the caller gives,
    and ``exc_type`` and ``traceback`` for an exception."""

    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created, UTC)
        entry: dict[str, Any] = {
            "time": moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": _without_path(record.getMessage()),
            "request_id": None,
            "staff_id": None,
        }
        if has_request_context():
            entry["request_id"] = request_id()
            entry["staff_id"] = g.get("staff_id")
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            for key, value in fields.items():
                entry.setdefault(str(key), value)
        if record.exc_info and record.exc_info[1] is not None:
            entry["exc_type"] = _type_name(type(record.exc_info[1]))
            entry["traceback"] = _traceback(record.exc_info[1])
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, default=str)


class StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is when a line is logged, as logging's own last-resort
    handler does, so a stream redirected after start-up (a test's capture) is followed."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        """Ignored: the stream is always the current ``sys.stderr``."""


def _start_request() -> None:
    request_id()
    g.log_started = time.perf_counter()


def _log_request(response: Response) -> Response:
    """Echo the request id and write the access line (route pattern, not path)."""
    response.headers[REQUEST_ID_HEADER] = request_id()
    started = g.get("log_started")
    duration_ms = None if started is None else round((time.perf_counter() - started) * 1000, 1)
    method = request.method if request.method in METHODS else "OTHER"
    access_log.info(
        "%s %s %s",
        method,
        route(),
        response.status_code,
        extra={
            "fields": {
                "method": method,
                "route": route(),
                "status": response.status_code,
                "duration_ms": duration_ms,
            }
        },
    )
    return response


def configure_logging(app: Flask) -> None:
    """Log JSON to standard error when ``LOG_FORMAT`` is ``json``; otherwise change nothing.

    Installs one handler on the root logger at ``LOG_LEVEL`` (replacing one installed before,
    and adding the request hooks once per app, so calling this again is harmless), quietens
    werkzeug's access lines (they hold URLs with query strings), and adds request ids and one
    access line per request. Call it early in ``create_app`` so its hooks run before the others.
    """
    if app.config.get("LOG_FORMAT", "text") != "json":
        return
    root = logging.getLogger()
    for handler in [h for h in root.handlers if h.name == HANDLER_NAME]:
        root.removeHandler(handler)
    handler = StderrHandler()
    handler.name = HANDLER_NAME
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)
    root.setLevel(str(app.config.get("LOG_LEVEL") or "INFO").upper())
    # Flask's own handler would print every app.logger line a second time, as text.
    app.logger.removeHandler(default_handler)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    if not app.extensions.get(HANDLER_NAME):
        app.extensions[HANDLER_NAME] = True
        app.before_request(_start_request)
        app.after_request(_log_request)
