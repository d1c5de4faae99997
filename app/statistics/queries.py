"""The statistics page's reads: one period's daily counts, and the questionnaires still in
progress that were started in it."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Integer, Table, func, select
from sqlalchemy import cast as cast_to

from app.codes import Counted
from app.dates import day_end, day_start
from app.extensions import db
from app.models import DailyCount, Draft
from app.statistics.counting import last_step_answered
from app.statistics.figures import Figures, WeeklyRow, gather, weeks
from app.statistics.forms import Period

_TABLE = cast(Table, DailyCount.__table__)


def _week(first_monday: date, dialect: str) -> ColumnElement[int]:
    """The week of a count's day, counted from ``first_monday`` (0, 1, 2...), by the database:
    the whole days between them (SQLite keeps dates as ISO text, which ``julianday`` reads;
    PostgreSQL subtracts dates), floor-divided by 7."""
    day = _TABLE.c.day
    if dialect == "sqlite":
        days = cast_to(func.julianday(day) - func.julianday(first_monday.isoformat()), Integer)
    else:
        days = cast_to(day - first_monday, Integer)
    return days // 7


def weekly_rows(period: Period) -> list[WeeklyRow]:
    """The period's counts summed by week: through the table's primary key, a few dozen rows
    a week whatever the number of submissions; plain rows (Core, on the session's connection)."""
    connection = db.session.connection()
    first_monday = weeks(period.start, period.end)[0].monday
    week = _week(first_monday, connection.dialect.name).label("week")
    columns = _TABLE.c
    query = (
        select(columns.metric, week, columns.key, func.sum(columns.count))
        .where(
            # Every metric named: each one a range of the primary key (metric, day, key).
            columns.metric.in_(list(Counted)),
            columns.day >= period.start,
            columns.day <= period.end,
        )
        .group_by(columns.metric, week, columns.key)
    )
    found: list[Any] = list(connection.execute(query))
    return [(metric, week, key, int(n)) for metric, week, key, n in found]


def in_progress(period: Period, now: datetime) -> Counter[str]:
    """Questionnaires started in the period and not sent yet, by the last step answered (the
    drafts of the last ``DRAFT_TTL``, never many)."""
    query = select(Draft.answers).where(
        Draft.created_at >= day_start(period.start),
        Draft.created_at < day_end(period.end),
        Draft.expires_at > now,
    )
    drafts: list[dict[str, Any]] = list(db.session.scalars(query))
    return Counter(last_step_answered(answers) for answers in drafts)


def figures_for(period: Period) -> Figures:
    return gather(weekly_rows(period), period.start, period.end)
