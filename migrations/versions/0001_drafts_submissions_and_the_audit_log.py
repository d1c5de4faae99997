"""Drafts, submissions and the audit log.

Reviewed by hand: UTC timestamps are plain ``DateTime(timezone=True)`` columns (the
``UTCDateTime`` decorator only converts values in Python); every constraint and index is
named by the metadata's naming convention so SQLite batch mode and PostgreSQL agree.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_type", sa.String(length=10), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=True),
        sa.Column("remote_addr", sa.String(length=45), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    op.create_index(op.f("ix_audit_event_action"), "audit_event", ["action"])
    op.create_index(op.f("ix_audit_event_at"), "audit_event", ["at"])
    op.create_index(op.f("ix_audit_event_staff_id"), "audit_event", ["staff_id"])
    op.create_index(op.f("ix_audit_event_submission_id"), "audit_event", ["submission_id"])

    op.create_table(
        "draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("consented_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("consent_locale", sa.String(length=10), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_draft_token_hash")),
    )
    op.create_index(op.f("ix_draft_expires_at"), "draft", ["expires_at"])

    op.create_table(
        "submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("questionnaire_version", sa.String(length=16), nullable=False),
        sa.Column("rules_version", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("full_name", sa.String(length=100), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("contact_preference", sa.String(length=10), nullable=True),
        sa.Column("comments", sa.Text(), nullable=True),
        sa.Column("consent_version", sa.String(length=16), nullable=True),
        sa.Column("consent_locale", sa.String(length=10), nullable=True),
        sa.Column("consented_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("is_safety_stop", sa.Boolean(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('emergency', 'see_doctor', 'not_suitable', 'not_indicated', "
            "'clinician_review', 'suggest_consult')",
            name=op.f("ck_submission_outcome"),
        ),
        sa.CheckConstraint(
            "status IN ('new', 'contacted', 'booked', 'referred', 'declined', 'closed')",
            name=op.f("ck_submission_status"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submission")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_submission_idempotency_key")),
        sa.UniqueConstraint("reference", name=op.f("uq_submission_reference")),
    )
    op.create_index(op.f("ix_submission_created_at"), "submission", ["created_at"])
    op.create_index("ix_submission_outcome_created_at", "submission", ["outcome", "created_at"])
    op.create_index("ix_submission_status_created_at", "submission", ["status", "created_at"])


def downgrade():
    op.drop_table("submission")
    op.drop_table("draft")
    op.drop_table("audit_event")
