"""Staff accounts, sessions, follow-up records, the queue's order and audit-log indexes.

Reviewed by hand: timestamps are plain ``DateTime(timezone=True)``; ``needs_attention`` is
added with a temporary server default, back-filled from the rule the app applies (a safety
stop or a clinician review still ``new``), then the default is dropped to match the model.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _staff_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["staff_id"], ["staff_user.id"], name=op.f(f"fk_{table}_staff_id_staff_user")
    )


def _submission_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["submission_id"], ["submission.id"], name=op.f(f"fk_{table}_submission_id_submission")
    )


def upgrade():
    op.create_table(
        "staff_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("totp_secret", sa.String(length=64), nullable=True),
        sa.Column("totp_last_step", sa.Integer(), nullable=True),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "role IN ('front_desk', 'clinician', 'admin')", name=op.f("ck_staff_user_role")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_user")),
        sa.UniqueConstraint("email", name=op.f("uq_staff_user_email")),
    )
    op.create_table(
        "staff_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=10), nullable=False),
        sa.Column("pending_secret", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        _staff_fk("staff_session"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_staff_session_token_hash")),
    )
    op.create_index(op.f("ix_staff_session_staff_id"), "staff_session", ["staff_id"])
    op.create_table(
        "recovery_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        _staff_fk("recovery_code"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_code")),
    )
    op.create_index(op.f("ix_recovery_code_staff_id"), "recovery_code", ["staff_id"])

    op.create_table(
        "status_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=False),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        _staff_fk("status_change"),
        _submission_fk("status_change"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_change")),
    )
    op.create_table(
        "note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        _staff_fk("note"),
        _submission_fk("note"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_note")),
    )
    op.create_table(
        "clearance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("cleared", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        _staff_fk("clearance"),
        _submission_fk("clearance"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clearance")),
    )
    for table in ("status_change", "note", "clearance"):
        op.create_index(op.f(f"ix_{table}_submission_id"), table, ["submission_id"])

    # The audit log is paged by (at, id), optionally per person or per action: composite
    # indexes replace the single-column ones of 0001.
    for column in ("at", "staff_id", "action"):
        op.drop_index(op.f(f"ix_audit_event_{column}"), table_name="audit_event")
    op.create_index("ix_audit_event_at_id", "audit_event", ["at", "id"])
    op.create_index("ix_audit_event_staff_id_at_id", "audit_event", ["staff_id", "at", "id"])
    op.create_index("ix_audit_event_action_at_id", "audit_event", ["action", "at", "id"])

    with op.batch_alter_table("submission") as batch_op:
        batch_op.add_column(
            sa.Column("needs_attention", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    submission = sa.table(
        "submission",
        sa.column("needs_attention", sa.Boolean()),
        sa.column("is_safety_stop", sa.Boolean()),
        sa.column("outcome", sa.String()),
        sa.column("status", sa.String()),
    )
    op.execute(
        submission.update()
        .where(
            sa.or_(submission.c.is_safety_stop, submission.c.outcome == "clinician_review"),
            submission.c.status == "new",
        )
        .values(needs_attention=True)
    )
    with op.batch_alter_table("submission") as batch_op:
        batch_op.alter_column("needs_attention", server_default=None)
        batch_op.create_index("ix_submission_queue", ["needs_attention", "created_at", "id"])


def downgrade():
    with op.batch_alter_table("submission") as batch_op:
        batch_op.drop_index("ix_submission_queue")
        batch_op.drop_column("needs_attention")
    for name in ("ix_audit_event_at_id", "ix_audit_event_staff_id_at_id", "ix_audit_event_action_at_id"):
        op.drop_index(name, table_name="audit_event")
    for column in ("at", "staff_id", "action"):
        op.create_index(op.f(f"ix_audit_event_{column}"), "audit_event", [column])
    for table in ("clearance", "note", "status_change", "recovery_code", "staff_session"):
        op.drop_table(table)
    op.drop_table("staff_user")
