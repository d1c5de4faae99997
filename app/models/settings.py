"""The clinic's settings as its administrators set them on the settings page (``app.settings``),
and the history of every change."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.database import UTCDateTime, utcnow
from app.extensions import Model

SETTING_NAME_MAX = 40


class ClinicSetting(Model):
    """One setting an admin chose on the settings page, as text (``app.settings.fields`` reads
    it). A setting with no row here takes its value from the environment, else its default;
    an empty value is a setting cleared on purpose."""

    name: Mapped[str] = mapped_column(String(SETTING_NAME_MAX), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_by: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))


class SettingChange(Model):
    """One setting changed on the settings page: the value in force before (from wherever it
    came) and the new one, by whom and when. Append-only. The highest id is the settings'
    revision: each worker compares it with the revision of the settings it holds."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(SETTING_NAME_MAX))
    old_value: Mapped[str] = mapped_column(Text)
    new_value: Mapped[str] = mapped_column(Text)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
