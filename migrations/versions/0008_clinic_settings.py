"""Clinic settings an admin changes on /admin/settings: ``clinic_setting`` and its history.

Reviewed by hand. Two new tables, nothing else touched. ``clinic_setting`` holds one row per
setting chosen on the page, as text (a setting without a row keeps its value from the
environment or its default, as before this revision, so upgrading changes nothing a patient or
the queue sees). ``setting_change`` is the append-only history of every change, with the value
in force before and after, who and when; its highest id is the settings' revision, which every
worker compares with its own copy. Downgrading drops both: the values chosen on the page are
lost, and the environment's apply again.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from app.database import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "clinic_setting",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.Column("changed_by", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by"],
            ["staff_user.id"],
            name=op.f("fk_clinic_setting_changed_by_staff_user"),
        ),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_clinic_setting")),
    )
    op.create_table(
        "setting_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=False),
        sa.Column("new_value", sa.Text(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff_user.id"],
            name=op.f("fk_setting_change_staff_id_staff_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_setting_change")),
    )


def downgrade():
    op.drop_table("setting_change")
    op.drop_table("clinic_setting")
