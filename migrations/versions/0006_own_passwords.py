"""Staff choose their own passwords: ``staff_user.must_change_password``.

Reviewed by hand. An admin creating an account chooses its first password; until now nobody
could change a password, so every account still has the one someone chose for it. The flag
makes its owner choose their own at the next sign-in, before anything else. Every existing
account gets it (their passwords were all chosen at creation, most by an admin), so each person
picks a new password once after this upgrade. A plain ``ADD COLUMN`` on both engines: no batch
copy of ``staff_user``, which sessions, notes and decisions refer to.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "staff_user",
        sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    staff_user = sa.table("staff_user", sa.column("must_change_password", sa.Boolean()))
    op.execute(staff_user.update().values(must_change_password=True))


def downgrade():
    op.drop_column("staff_user", "must_change_password")
