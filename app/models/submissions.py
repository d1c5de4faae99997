"""Questionnaire drafts, submissions as the clinic receives them, and the terms staff find
them by."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    false,
    insert,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.codes import SearchKind, Status
from app.database import AnySession, UTCDateTime, utcnow
from app.extensions import Model
from app.models.common import one_of, where
from app.screening.codes import Outcome
from app.screening.questions_more import EMAIL_MAX, FULL_NAME_MAX, PHONE_MAX
from app.search_terms import terms_for
from app.worklist import Facts, work_of

SEARCH_TERM_MAX = EMAIL_MAX

# The All view's filters that may come with an assignee, each with its own partial index.
ASSIGNEE_FILTERS: tuple[tuple[str, ...], ...] = (
    (),
    ("outcome",),
    ("status",),
    ("outcome", "status"),
)


class Draft(Model):
    """Answers in progress, kept on the server and found by a hash of the session's token.

    The token itself never reaches the database, so a copy of the database cannot be used to
    resume someone else's questionnaire.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consent_locale: Mapped[str | None] = mapped_column(String(10))
    # The patient asked for a receipt by e-mail on the contact step (app.notify).
    receipt_requested: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # Counts the draft's writes: a write names the version it read, and changes nothing when
    # another request wrote in between (app.screening.drafts), so no lock is held while a
    # request validates and computes. The ORM checks it too (StaleDataError).
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's declaration


class Submission(Model):
    """A finished questionnaire, or a stop at the safety step, as the clinic receives it."""

    __table_args__ = (
        CheckConstraint(one_of("outcome", Outcome), name="outcome"),
        CheckConstraint(one_of("status", Status), name="status"),
        # The queue's views (app.staff.queries), each a range scan of one index in its order
        # (keyset pagination), at any depth and with any filter. All, newest first:
        Index("ix_submission_newest", "created_at", "id"),
        Index("ix_submission_outcome_newest", "outcome", "created_at", "id"),
        Index("ix_submission_status_newest", "status", "created_at", "id"),
        Index("ix_submission_outcome_status_newest", "outcome", "status", "created_at", "id"),
        # The partial indexes hold only the rows of their view, so a new submission that is
        # not in it costs no write there. Safety stops, newest first:
        Index(
            "ix_submission_stops",
            "created_at",
            "id",
            sqlite_where=text("is_safety_stop = 1"),  # as each engine writes "is true"
            postgresql_where=text("is_safety_stop"),
        ),
        # To do, one kind of work item at a time, longest waiting first; and one person's:
        Index("ix_submission_work", "work", "due_at", "id", **where("work IS NOT NULL")),
        Index(
            "ix_submission_assignee_work",
            "assignee_id",
            "work",
            "due_at",
            "id",
            **where("assignee_id IS NOT NULL AND work IS NOT NULL"),
        ),
        # Follow-ups, soonest due first; and one person's:
        Index(
            "ix_submission_follow_up",
            "follow_up_due",
            "id",
            **where("follow_up_due IS NOT NULL"),
        ),
        Index(
            "ix_submission_assignee_follow_up",
            "assignee_id",
            "follow_up_due",
            "id",
            **where("assignee_id IS NOT NULL AND follow_up_due IS NOT NULL"),
        ),
        # All, assigned to one person, newest first, with each filter:
        *(
            Index(
                f"ix_submission_assignee{''.join('_' + c for c in columns)}_newest",
                "assignee_id",
                *columns,
                "created_at",
                "id",
                **where("assignee_id IS NOT NULL"),
            )
            for columns in ASSIGNEE_FILTERS
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    locale: Mapped[str] = mapped_column(String(10))
    questionnaire_version: Mapped[str] = mapped_column(String(16))
    rules_version: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(20))
    reasons: Mapped[list[str]] = mapped_column(JSON)
    # Clinical answers exactly as validated: question id -> code, codes, or an int.
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    full_name: Mapped[str | None] = mapped_column(String(FULL_NAME_MAX))
    email: Mapped[str | None] = mapped_column(String(EMAIL_MAX))
    phone: Mapped[str | None] = mapped_column(String(PHONE_MAX))
    contact_preference: Mapped[str | None] = mapped_column(String(10))
    comments: Mapped[str | None] = mapped_column(Text)
    consent_version: Mapped[str | None] = mapped_column(String(16))
    consent_locale: Mapped[str | None] = mapped_column(String(10))
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default=Status.NEW)
    is_safety_stop: Mapped[bool] = mapped_column(default=False)
    # sha256 of the browser's draft token: a resent final POST finds this row instead of
    # creating a second one.
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    # The follow-up, kept up to date by app.staff.service with each action, in the same
    # transaction: the work item it is (an ``app.worklist.Work``, None when it is not one)
    # and the moment its place in the To do view is reckoned from (``app.worklist.work_of``).
    work: Mapped[int | None] = mapped_column(SmallInteger)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The next follow-up asked for by the last contact attempt, while the follow-up is open.
    follow_up_due: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The staff member handling it, and who did the last follow-up action (what, by whom and
    # when, for the queue's rows; codes of ``app.staff.service._acted``). Staff ids without a
    # foreign key, like ``AuditEvent.staff_id``: accounts are disabled, never deleted, and on
    # SQLite a column with a foreign key can be added to ``submission`` only by a batch copy,
    # which the tables that refer to it refuse (migration 0007).
    assignee_id: Mapped[int | None] = mapped_column()
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    last_action: Mapped[str | None] = mapped_column(String(40))
    last_action_by: Mapped[int | None] = mapped_column()
    last_action_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def place_in_work_list(self, *, cleared: bool, response_due: datetime) -> None:
        """Set ``work`` and ``due_at`` from its follow-up (``app.worklist.work_of``);
        ``cleared``: a clinician has recorded a clearance decision; ``response_due``: when the
        clinic's response target falls due for it (``app.dates.response_due_at``)."""
        self.work, self.due_at = work_of(
            Facts(
                outcome=self.outcome,
                is_safety_stop=self.is_safety_stop,
                status=self.status,
                cleared=cleared,
                attempts=self.attempts or 0,
                follow_up_due=self.follow_up_due,
                created_at=self.created_at,
                response_due=response_due,
            )
        )


class SearchTerm(Model):
    """One word a submission can be found by (``app.staff.search``): a word of the patient's
    name, their phone number's digits or their e-mail address, each folded to the form a
    search compares (no case, no accents, no punctuation).

    The primary key is the search's index: a prefix of a term is a range of it. On PostgreSQL
    the term compares byte by byte (collation "C", as SQLite's default), so that a prefix's
    range is the same on both engines.
    """

    __table_args__ = (
        CheckConstraint(one_of("kind", SearchKind), name="kind"),
        Index("ix_search_term_submission", "submission_id", "kind", "term"),
    )

    kind: Mapped[str] = mapped_column(String(1), primary_key=True)  # a ``SearchKind``
    term: Mapped[str] = mapped_column(
        String(SEARCH_TERM_MAX).with_variant(String(SEARCH_TERM_MAX, collation="C"), "postgresql"),
        primary_key=True,
    )
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"), primary_key=True)


def search_terms(submission: Submission) -> set[tuple[SearchKind, str]]:
    """The terms ``submission`` is found by: its patient's name, phone and e-mail, folded."""
    return terms_for(submission.full_name, submission.phone, submission.email, SEARCH_TERM_MAX)


def add_search_terms(
    session: AnySession, submission_id: int, terms: set[tuple[SearchKind, str]]
) -> None:
    """Store ``terms`` (``search_terms``) for the submission ``submission_id``: one Core INSERT
    of them all, as plain rows, which costs a patient's final submission a quarter of what ORM
    objects did (``bench.inprocess``)."""
    if terms:
        rows = [
            {"kind": kind, "term": term, "submission_id": submission_id}
            for kind, term in sorted(terms)
        ]
        session.execute(insert(SearchTerm), rows)
