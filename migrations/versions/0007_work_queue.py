"""A work queue: views instead of pins, search terms, contact attempts and assignment.

Reviewed by hand. The queue's single order (safety stops and clinician reviews pinned above the
rest, ``attention``) gives way to four views (SPEC section 5), each read from its own index:

- ``submission`` gains its follow-up columns: ``work`` and ``due_at`` (its place in the To do
  view, ``app.worklist``), ``follow_up_due``, ``assignee_id``, ``attempts`` and the last action
  (what, by whom, when). ``attention`` and the four indexes that led with it go; the queue's
  indexes are rebuilt newest first, and partial indexes serve the views that hold few rows
  (safety stops, work items, follow-ups, one person's), so that a new submission outside them
  costs no write there.
- ``search_term``: the words each submission is found by (``app.search_terms``), keyed so that
  a prefix is one range of the primary key; byte order on PostgreSQL (collation "C"), as
  SQLite compares by default.
- ``contact_attempt`` and ``assignment``: append-only, like notes.

Back-fill, in batches of ``BATCH`` by id: each submission's place in the work list, computed by
``app.worklist`` from its status, outcome and whether a clinician decided (the response target
and time zone of the app's configuration), and its search terms from its contact details.
Nobody has recorded an attempt or an assignment yet: those start empty.

As in 0005, no batch mode: a batch copy of ``submission`` on SQLite would drop the table that
notes, status changes and clearances refer to. New columns are plain ``ADD COLUMN``;
``attempts`` keeps its server default of 0 for that reason, and ``assignee_id`` and
``last_action_by`` name staff accounts without a foreign key (as ``audit_event.staff_id``
does: accounts are never deleted), since Alembic adds one to an existing SQLite table only
by a batch copy, and SQLite cannot drop a column that has one. The downgrade restores ``attention`` from the
old rule (a waiting safety stop or clinician review) and drops the rest.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op
from flask import current_app

from app.database import UTCDateTime
from app.search_terms import terms_for
from app.worklist import Facts, response_due, work_of

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

BATCH = 5000
TERM_MAX = 254
OLD_INDEXES = {
    "ix_submission_queue": [],
    "ix_submission_outcome_queue": ["outcome"],
    "ix_submission_status_queue": ["status"],
    "ix_submission_outcome_status_queue": ["outcome", "status"],
}
# All, assigned to one person, with each of its filters (the model's ASSIGNEE_FILTERS).
ASSIGNEE_INDEXES = {
    "ix_submission_assignee_newest": [],
    "ix_submission_assignee_outcome_newest": ["outcome"],
    "ix_submission_assignee_status_newest": ["status"],
    "ix_submission_assignee_outcome_status_newest": ["outcome", "status"],
}
RANK = {"emergency": 3, "see_doctor": 2, "clinician_review": 1}
CLOSED = ("booked", "referred", "declined", "closed")


def _where(condition):
    return {"sqlite_where": sa.text(condition), "postgresql_where": sa.text(condition)}


submission = sa.table(
    "submission",
    sa.column("id", sa.Integer()),
    sa.column("created_at", UTCDateTime()),
    sa.column("outcome", sa.String()),
    sa.column("status", sa.String()),
    sa.column("is_safety_stop", sa.Boolean()),
    sa.column("full_name", sa.String()),
    sa.column("phone", sa.String()),
    sa.column("email", sa.String()),
    sa.column("work", sa.SmallInteger()),
    sa.column("due_at", UTCDateTime()),
    sa.column("attention", sa.SmallInteger()),
)
clearance = sa.table("clearance", sa.column("submission_id", sa.Integer()))
search_term = sa.table(
    "search_term",
    sa.column("kind", sa.String()),
    sa.column("term", sa.String()),
    sa.column("submission_id", sa.Integer()),
)


def upgrade():
    op.create_table(
        "search_term",
        sa.Column("kind", sa.String(1), nullable=False),
        sa.Column(
            "term",
            sa.String(TERM_MAX).with_variant(sa.String(TERM_MAX, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('n', 'p', 'e')", name=op.f("ck_search_term_kind")),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submission.id"],
            name=op.f("fk_search_term_submission_id_submission"),
        ),
        sa.PrimaryKeyConstraint("kind", "term", "submission_id", name=op.f("pk_search_term")),
    )
    op.create_index(
        "ix_search_term_submission", "search_term", ["submission_id", "kind", "term"]
    )
    op.create_table(
        "contact_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("result", sa.String(20), nullable=False),
        sa.Column("follow_up_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("form_key", sa.String(32), nullable=True),
        sa.CheckConstraint(
            "channel IN ('phone', 'email')", name=op.f("ck_contact_attempt_channel")
        ),
        sa.CheckConstraint(
            "result IN ('reached', 'no_answer', 'left_message', 'wrong_number')",
            name=op.f("ck_contact_attempt_result"),
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_user.id"], name=op.f("fk_contact_attempt_staff_id_staff_user")
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submission.id"],
            name=op.f("fk_contact_attempt_submission_id_submission"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_attempt")),
        sa.UniqueConstraint("form_key", name=op.f("uq_contact_attempt_form_key")),
    )
    op.create_index(
        op.f("ix_contact_attempt_submission_id"), "contact_attempt", ["submission_id"]
    )
    op.create_table(
        "assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignee_id"], ["staff_user.id"], name=op.f("fk_assignment_assignee_id_staff_user")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_user.id"], name=op.f("fk_assignment_staff_id_staff_user")
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submission.id"],
            name=op.f("fk_assignment_submission_id_submission"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment")),
    )
    op.create_index(op.f("ix_assignment_submission_id"), "assignment", ["submission_id"])

    for name, kind in (
        ("work", sa.SmallInteger()),
        ("due_at", sa.DateTime(timezone=True)),
        ("follow_up_due", sa.DateTime(timezone=True)),
        ("last_action", sa.String(40)),
        ("last_action_at", sa.DateTime(timezone=True)),
    ):
        op.add_column("submission", sa.Column(name, kind, nullable=True))
    for name in ("assignee_id", "last_action_by"):
        op.add_column("submission", sa.Column(name, sa.Integer(), nullable=True))
    op.add_column(
        "submission", sa.Column("attempts", sa.Integer(), nullable=False, server_default="0")
    )

    for name in OLD_INDEXES:
        op.drop_index(name, table_name="submission")
    op.drop_index("ix_submission_created_at", table_name="submission")
    op.drop_column("submission", "attention")
    _backfill()
    _create_indexes()


def _backfill():
    connection = op.get_bind()
    days = current_app.config["RESPONSE_TARGET_DAYS"]
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    cleared = set(connection.scalars(sa.select(clearance.c.submission_id).distinct()))
    last = 0
    while True:
        rows = connection.execute(
            sa.select(
                submission.c.id,
                submission.c.created_at,
                submission.c.outcome,
                submission.c.status,
                submission.c.is_safety_stop,
                submission.c.full_name,
                submission.c.phone,
                submission.c.email,
            )
            .where(submission.c.id > last)
            .order_by(submission.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        last = rows[-1].id
        places, terms = [], []
        for row in rows:
            facts = Facts(
                outcome=row.outcome,
                is_safety_stop=row.is_safety_stop,
                status=row.status,
                cleared=row.id in cleared,
                attempts=0,
                follow_up_due=None,
                created_at=row.created_at,
                response_due=response_due(row.created_at, days, zone),
            )
            work, due = work_of(facts)
            if work is not None:
                places.append({"row_id": row.id, "work": int(work), "due": due})
            terms += [
                {"kind": kind.value, "term": term, "submission_id": row.id}
                for kind, term in sorted(terms_for(row.full_name, row.phone, row.email, TERM_MAX))
            ]
        if places:
            connection.execute(
                submission.update()
                .where(submission.c.id == sa.bindparam("row_id"))
                .values(work=sa.bindparam("work"), due_at=sa.bindparam("due")),
                places,
            )
        if terms:
            connection.execute(search_term.insert(), terms)


def _create_indexes():
    op.create_index("ix_submission_newest", "submission", ["created_at", "id"])
    op.create_index("ix_submission_outcome_newest", "submission", ["outcome", "created_at", "id"])
    op.create_index("ix_submission_status_newest", "submission", ["status", "created_at", "id"])
    op.create_index(
        "ix_submission_outcome_status_newest",
        "submission",
        ["outcome", "status", "created_at", "id"],
    )
    op.create_index(
        "ix_submission_stops",
        "submission",
        ["created_at", "id"],
        sqlite_where=sa.text("is_safety_stop = 1"),
        postgresql_where=sa.text("is_safety_stop"),
    )
    op.create_index(
        "ix_submission_work", "submission", ["work", "due_at", "id"], **_where("work IS NOT NULL")
    )
    op.create_index(
        "ix_submission_assignee_work",
        "submission",
        ["assignee_id", "work", "due_at", "id"],
        **_where("assignee_id IS NOT NULL AND work IS NOT NULL"),
    )
    op.create_index(
        "ix_submission_follow_up",
        "submission",
        ["follow_up_due", "id"],
        **_where("follow_up_due IS NOT NULL"),
    )
    op.create_index(
        "ix_submission_assignee_follow_up",
        "submission",
        ["assignee_id", "follow_up_due", "id"],
        **_where("assignee_id IS NOT NULL AND follow_up_due IS NOT NULL"),
    )
    for name, columns in ASSIGNEE_INDEXES.items():
        op.create_index(
            name,
            "submission",
            ["assignee_id", *columns, "created_at", "id"],
            **_where("assignee_id IS NOT NULL"),
        )


NEW_INDEXES = (
    *ASSIGNEE_INDEXES,
    "ix_submission_newest",
    "ix_submission_outcome_newest",
    "ix_submission_status_newest",
    "ix_submission_outcome_status_newest",
    "ix_submission_stops",
    "ix_submission_work",
    "ix_submission_assignee_work",
    "ix_submission_follow_up",
    "ix_submission_assignee_follow_up",
)


def downgrade():
    for name in NEW_INDEXES:
        op.drop_index(name, table_name="submission")
    op.add_column(
        "submission", sa.Column("attention", sa.SmallInteger(), nullable=False, server_default="0")
    )
    cleared = sa.select(clearance.c.submission_id)
    waiting_stop = submission.c.is_safety_stop & (submission.c.status == "new")
    waiting_review = (
        (submission.c.outcome == "clinician_review")
        & submission.c.id.not_in(cleared)
        & submission.c.status.not_in(CLOSED)
    )
    rank = sa.case(RANK, value=submission.c.outcome, else_=0)
    op.execute(submission.update().where(waiting_stop | waiting_review).values(attention=rank))
    for name in (
        "work",
        "due_at",
        "follow_up_due",
        "assignee_id",
        "attempts",
        "last_action",
        "last_action_by",
        "last_action_at",
    ):
        op.drop_column("submission", name)
    op.create_index("ix_submission_created_at", "submission", ["created_at"])
    for name, leading in OLD_INDEXES.items():
        op.create_index(name, "submission", [*leading, "attention", "created_at", "id"])
    op.drop_table("assignment")
    op.drop_table("contact_attempt")
    op.drop_table("search_term")
