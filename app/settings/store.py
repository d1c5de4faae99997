"""The clinic's settings in force, read once a request at most.

Each worker keeps the settings it last read with their revision (the highest id of the change
history, ``SettingChange``). A request that needs a setting first reads that revision, one
indexed lookup on a connection of the thread's own (``app.settings.revision``); only when it
moved (a change on any worker) are the settings read again. The request then keeps them (``g``),
so that a page shows one consistent set. Should the database not answer, the last settings read
(or, before any, those of the configuration) stand, so that an error page can still be shown."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, current_app, g
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from app.database import read_rows
from app.extensions import db
from app.models import ClinicSetting
from app.settings.fields import FIELDS, Invalid
from app.settings.revision import RevisionWatch, changed_here
from config import ENVIRONMENT_APPLIED, Config

log = logging.getLogger(__name__)
EXTENSION = "ims_clinic_settings"
PRODUCT_NAME = "IMS Screen"


class Origin(StrEnum):
    """Where a setting's value in force came from."""

    PAGE = "page"
    ENVIRONMENT = "environment"
    DEFAULT = "default"


@dataclass(frozen=True, slots=True)
class Source:
    origin: Origin
    at: datetime | None = None  # set on the page: when, and by which staff id
    by: int | None = None


@dataclass(frozen=True)
class ClinicSettings:
    """The settings in force (one attribute per ``app.settings.fields.FIELDS`` entry)."""

    revision: int
    sources: dict[str, Source] = field(repr=False)
    name: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    hours_en: str | None = None
    hours_fr: str | None = None
    booking_url: str | None = None
    next_steps_en: str | None = None
    next_steps_fr: str | None = None
    # The configuration's defaults (``from_rows`` gives every value; these serve a bare object).
    response_target_days: int = Config.RESPONSE_TARGET_DAYS
    time_zone: str = Config.BABEL_DEFAULT_TIMEZONE
    retention_days: int | None = None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def site_name(self) -> str:
        """The clinic's name, or the product's until the clinic has set one."""
        return self.name or PRODUCT_NAME

    @property
    def reachable(self) -> bool:
        """Whether patients have a way to reach the clinic: a phone, an e-mail or a link."""
        return bool(self.phone or self.email or self.booking_url)

    @property
    def finished(self) -> bool:
        """The first-run check: the clinic's name and at least one way to reach it are set."""
        return bool(self.name) and self.reachable

    def in_language(self, name: str, language: str) -> str | None:
        """A text patients read (``hours``, ``next_steps``) in ``language`` (a locale such as
        ``fr_CA``), else in the other language rather than nothing."""
        french, english = getattr(self, f"{name}_fr"), getattr(self, f"{name}_en")
        return (french or english) if language.startswith("fr") else (english or french)


def from_rows(config: Any, rows: list[Any], revision: int) -> ClinicSettings:
    """The settings in force: each from its row (set on the page), else from the configuration
    (from the environment when ``Config.load`` applied its variable, else the default)."""
    stored = {row.name: row for row in rows}
    applied = config.get(ENVIRONMENT_APPLIED, frozenset())
    values: dict[str, Any] = {}
    sources: dict[str, Source] = {}
    for setting in FIELDS:
        row = stored.get(setting.name)
        if row is not None:
            try:
                values[setting.name] = setting.parse(row.value)
            except Invalid:  # a value a later release refuses: the configuration's stands
                log.warning("clinic setting %s ignored: its stored value is refused", row.name)
            else:
                sources[setting.name] = Source(Origin.PAGE, row.changed_at, row.changed_by)
                continue
        if setting.config is not None and config.get(setting.config) is not None:
            values[setting.name] = config[setting.config]
        origin = Origin.ENVIRONMENT if setting.environment in applied else Origin.DEFAULT
        sources[setting.name] = Source(origin)
    return ClinicSettings(revision=revision, sources=sources, **values)


WATCH = "ims_settings_revision"
ROWS = select(
    ClinicSetting.name, ClinicSetting.value, ClinicSetting.changed_at, ClinicSetting.changed_by
)


def _read(app: Flask) -> ClinicSettings:
    """The settings in force now, read again only when their revision moved."""
    held: ClinicSettings | None = app.extensions.get(EXTENSION)
    watch: RevisionWatch | None = app.extensions.get(WATCH)
    if watch is None:
        watch = app.extensions[WATCH] = RevisionWatch(db.engine)
    try:
        revision = watch.revision()
        if held is not None and held.revision == revision:
            return held
        rows = read_rows(ROWS)
    except (SQLAlchemyError, watch.engine.dialect.loaded_dbapi.Error):
        log.warning("clinic settings not read: the database did not answer")
        return held or from_rows(app.config, [], -1)
    settings = from_rows(app.config, rows, revision)
    app.extensions[EXTENSION] = settings
    return settings


def current() -> ClinicSettings:
    """The settings in force for this request (or command), read at most once."""
    settings: ClinicSettings | None = g.get(EXTENSION)
    if settings is None:
        settings = _read(current_app._get_current_object())  # type: ignore[attr-defined]
        setattr(g, EXTENSION, settings)
    return settings


def warn_if_unfinished(app: Flask) -> None:
    """In production, say at start-up (in the log) that the clinic's settings are unfinished,
    until they are: patients would see no clinic name or no way to reach it."""
    if app.config.get("APP_ENV") != "production":
        return
    with app.app_context():
        settings = current()
    if not settings.finished:
        app.logger.warning(
            "clinic settings unfinished: set the clinic's name and a phone, email or booking "
            "link at /admin/settings (an admin), or CLINIC_NAME and CLINIC_PHONE in the "
            "environment"
        )


def changed() -> None:
    """The settings were just changed (committed): this request and every thread of this
    worker read them again at their next use; the other workers hear of it from the database
    (``app.settings.revision``)."""
    g.pop(EXTENSION, None)
    changed_here()
