"""One-time form keys on notes and clearance decisions.

Reviewed by hand. Each staff form that appends a record carries a random key made when the
page is rendered; the record stores it under a unique constraint, so the same form sent twice
(a double click, a resend after a lost answer) is stored once. Rows from before this revision
keep no key (NULL), which a unique constraint allows any number of times on both engines.
On SQLite the batch mode copies each table once; notes and decisions are never rewritten.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TABLES = ("note", "clearance")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("form_key", sa.String(length=32), nullable=True))
            batch_op.create_unique_constraint(op.f(f"uq_{table}_form_key"), ["form_key"])


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(op.f(f"uq_{table}_form_key"), type_="unique")
            batch_op.drop_column("form_key")
