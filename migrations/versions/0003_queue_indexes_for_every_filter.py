"""Queue indexes for every filter: outcome, status, both, each with the queue's order.

Reviewed by hand. The queue reads pinned and unpinned submissions as two runs
(``needs_attention = true``, then ``false``), each in ``created_at, id`` order; with these
indexes every filter, alone or combined, with or without a date range, is one index range scan
and a page costs the same at any depth. The ``(status, created_at)`` and
``(outcome, created_at)`` indexes of 0001 served only the old query and are dropped.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

QUEUE = ["needs_attention", "created_at", "id"]
NEW = {
    "ix_submission_outcome_queue": ["outcome", *QUEUE],
    "ix_submission_status_queue": ["status", *QUEUE],
    "ix_submission_outcome_status_queue": ["outcome", "status", *QUEUE],
}
OLD = {
    "ix_submission_status_created_at": ["status", "created_at"],
    "ix_submission_outcome_created_at": ["outcome", "created_at"],
}


def upgrade():
    with op.batch_alter_table("submission") as batch_op:
        for name, columns in NEW.items():
            batch_op.create_index(name, columns)
        for name in OLD:
            batch_op.drop_index(name)


def downgrade():
    with op.batch_alter_table("submission") as batch_op:
        for name, columns in OLD.items():
            batch_op.create_index(name, columns)
        for name in NEW:
            batch_op.drop_index(name)
