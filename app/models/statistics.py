"""The statistics' counts: how many of one thing happened on one of the clinic's days."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from app.codes import Counted
from app.extensions import Model
from app.models.common import one_of

COUNT_KEY_MAX = 40


class DailyCount(Model):
    """How many submissions, first contacts, rules fired or questionnaires left unsent a
    ``metric`` (``Counted``) counted on the clinic's ``day``, by ``key``. Kept up to date in the
    transaction of each change (``app.statistics.counting``), so the statistics page reads a
    few hundred rows a year instead of every submission. Counts hold no patient data, and stay
    when the submissions they counted are purged."""

    __table_args__ = (CheckConstraint(one_of("metric", Counted), name="metric"),)

    metric: Mapped[str] = mapped_column(String(10), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    key: Mapped[str] = mapped_column(String(COUNT_KEY_MAX), primary_key=True)
    count: Mapped[int] = mapped_column()
