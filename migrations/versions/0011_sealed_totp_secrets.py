"""Staff members' TOTP secrets sealed at rest (app.sealing).

Reviewed by hand. One column, ``staff_user.totp_secret_sealed`` (text: a Fernet token is about
140 characters), beside the existing ``totp_secret``, which keeps the secrets of a clinic that
has set no keys yet. Nothing is moved here: sealing needs the keys, which the migration does
not hold; ``flask totp seal`` seals every secret once ``TOTP_ENCRYPTION_KEYS`` is set. A plain
ADD COLUMN on both engines. Ended sessions forget the secret they were enrolling (the app now
clears it as a session ends). Downgrading drops the column: run it only while no secret is
sealed (``flask totp seal`` cannot undo sealing), or staff must set up their second factor again.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("staff_user", sa.Column("totp_secret_sealed", sa.Text(), nullable=True))
    # A session that has ended keeps no authenticator secret it was enrolling (the account's
    # own secret, once enrolled): ending a session now forgets it; these ended before.
    op.execute("UPDATE staff_session SET pending_secret = NULL WHERE revoked_at IS NOT NULL")


def downgrade():
    op.drop_column("staff_user", "totp_secret_sealed")  # DROP COLUMN in place, as 0009
