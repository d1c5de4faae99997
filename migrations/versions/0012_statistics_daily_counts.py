"""The statistics' daily counts (app.statistics): one row per thing counted, clinic day and key.

Reviewed by hand. One new table, ``daily_count``; its primary key (metric, day, key) is also
the index the statistics page reads a period through. Nothing is counted here: the counts of
submissions already stored come from ``flask statistics recount``, run once after this
migration (docs/statistics.md); from then on each change keeps them up to date in its own
transaction. Downgrading drops the table and every count in it, including the counts of
questionnaires left unsent, which nothing can recount.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

METRICS = ("outcome", "language", "rule", "fate", "wait", "target", "left")


def upgrade():
    op.create_table(
        "daily_count",
        sa.Column("metric", sa.String(length=10), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "metric IN (" + ", ".join(f"'{m}'" for m in METRICS) + ")",
            name=op.f("ck_daily_count_metric"),
        ),
        sa.PrimaryKeyConstraint("metric", "day", "key", name=op.f("pk_daily_count")),
    )


def downgrade():
    op.drop_table("daily_count")
