"""Drafts carry a version: a patient's step is saved by one UPDATE naming the version it read,
so no lock is held while the request validates and computes (app.screening.drafts).

Reviewed by hand. One column, ``draft.version``, an integer that every write of a draft raises
by one. Existing drafts start at 1 (the server default), as a new draft does. Downgrading drops
the column; drafts keep their answers.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN on both engines: SQLite adds a NOT NULL column with a default in place.
    op.add_column("draft", sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade():
    op.drop_column("draft", "version")  # DROP COLUMN in place, as 0009
