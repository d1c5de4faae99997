"""The queue pins waiting submissions most urgent first: ``attention`` replaces
``needs_attention``.

Reviewed by hand. ``needs_attention`` (pinned or not) becomes ``attention``, a rank: 3 for an
emergency stop, 2 for a stop to see a doctor, 1 for a clinician review, each while it waits for
someone, and 0 otherwise (``app.models.attention``). Existing rows keep whether they were
pinned and take their outcome's rank. The four queue indexes are rebuilt on the new column in
the same shapes, so every filter is still one index range per rank.

No batch mode: on SQLite a batch copy of ``submission`` would drop the table that notes, status
changes and clearances refer to, which its foreign keys refuse; adding a column and, once no
index uses it, dropping one are plain ``ALTER TABLE`` statements on both engines (SQLite 3.35
or later). For the same reason ``attention`` keeps its server default of 0, and the rank's range
is kept by ``app.models.attention`` rather than by a CHECK constraint, which SQLite cannot add
to an existing table.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

RANK = {"emergency": 3, "see_doctor": 2, "clinician_review": 1}
QUEUE_INDEXES = {
    "ix_submission_queue": [],
    "ix_submission_outcome_queue": ["outcome"],
    "ix_submission_status_queue": ["status"],
    "ix_submission_outcome_status_queue": ["outcome", "status"],
}

submission = sa.table(
    "submission",
    sa.column("needs_attention", sa.Boolean()),
    sa.column("attention", sa.SmallInteger()),
    sa.column("outcome", sa.String()),
)


def upgrade():
    op.add_column(
        "submission", sa.Column("attention", sa.SmallInteger(), nullable=False, server_default="0")
    )
    rank = sa.case(RANK, value=submission.c.outcome, else_=0)
    op.execute(submission.update().where(submission.c.needs_attention).values(attention=rank))
    _move_indexes("needs_attention", "attention")
    op.drop_column("submission", "needs_attention")


def downgrade():
    op.add_column(
        "submission",
        sa.Column("needs_attention", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.execute(submission.update().where(submission.c.attention > 0).values(needs_attention=True))
    _move_indexes("attention", "needs_attention")
    op.drop_column("submission", "attention")


def _move_indexes(old: str, new: str) -> None:
    for name, leading in QUEUE_INDEXES.items():
        op.drop_index(name, table_name="submission")
        op.create_index(name, "submission", [*leading, new, "created_at", "id"])
