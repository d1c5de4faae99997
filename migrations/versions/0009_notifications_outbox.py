"""Notifications: the outbox of messages to send, each staff member's choice of how to hear,
and the patient's request for a receipt.

Reviewed by hand. One new table, ``outbox_message``: a row per message for one recipient,
written in the same transaction as the event (a new enquiry) or, for events that come with
time (a follow-up falling due, an enquiry past the response target), by the sender, once per
event thanks to the unique ``event_key``. ``staff_user`` gains its notification choice (every
existing account hears of each event at once, the default), the time of a daily digest, the
language of its messages and when it last opened the queue; ``draft`` gains the patient's
request for a receipt. Downgrading drops the table and the columns: messages not yet sent are
lost, and nobody is notified any more.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

from app.database import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("event_key", sa.String(length=80), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("digest", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("claim", sa.String(length=32), nullable=True),
        sa.Column("lease_until", UTCDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=40), nullable=True),
        sa.Column("failing_since", UTCDateTime(), nullable=True),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "(staff_id IS NULL) = (kind = 'receipt')", name=op.f("ck_outbox_message_recipient")
        ),
        sa.CheckConstraint(
            "kind IN ('new_review', 'new_call', 'follow_up_due', 'past_target', 'receipt')",
            name=op.f("ck_outbox_message_kind"),
        ),
        sa.CheckConstraint(
            "state IN ('pending', 'sending', 'sent', 'failed', 'dropped')",
            name=op.f("ck_outbox_message_state"),
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_user.id"], name=op.f("fk_outbox_message_staff_id_staff_user")
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submission.id"],
            name=op.f("fk_outbox_message_submission_id_submission"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_message")),
        sa.UniqueConstraint("event_key", name=op.f("uq_outbox_message_event_key")),
    )
    op.create_index("ix_outbox_message_due", "outbox_message", ["state", "due_at"])
    op.create_index(op.f("ix_outbox_message_staff_id"), "outbox_message", ["staff_id"])
    op.create_index(op.f("ix_outbox_message_submission_id"), "outbox_message", ["submission_id"])

    op.add_column(
        "draft",
        sa.Column("receipt_requested", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    # Added in place, never by copying the table (SQLite's batch mode would drop staff_user,
    # which every other table refers to). The CHECK goes with its column: both engines take a
    # column constraint in ADD COLUMN.
    op.execute(
        "ALTER TABLE staff_user ADD COLUMN notify_mode VARCHAR(10) DEFAULT 'each' NOT NULL "
        "CONSTRAINT ck_staff_user_notify_mode "
        "CHECK (notify_mode IN ('each', 'hourly', 'daily', 'none'))"
    )
    op.add_column(
        "staff_user",
        sa.Column("digest_time", sa.String(length=5), nullable=False, server_default="08:00"),
    )
    op.add_column(
        "staff_user",
        sa.Column("language", sa.String(length=10), nullable=False, server_default="en"),
    )
    op.add_column("staff_user", sa.Column("queue_seen_at", UTCDateTime(), nullable=True))


def downgrade():
    for column in ("queue_seen_at", "language", "digest_time", "notify_mode"):
        op.drop_column("staff_user", column)
    op.drop_column("draft", "receipt_requested")
    op.drop_index(op.f("ix_outbox_message_submission_id"), table_name="outbox_message")
    op.drop_index(op.f("ix_outbox_message_staff_id"), table_name="outbox_message")
    op.drop_index("ix_outbox_message_due", table_name="outbox_message")
    op.drop_table("outbox_message")
