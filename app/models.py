"""Database models: questionnaire drafts and submissions, the terms staff find them by, their
follow-up (status changes, contact attempts, assignments, notes, clearance decisions), staff
accounts, sessions and recovery codes, and the audit log."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    event,
    false,
    insert,
    text,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from app.codes import AttemptResult, Channel, Role, SearchKind, Status
from app.database import AnySession, UTCDateTime, utcnow
from app.dates import response_due_at
from app.extensions import Model
from app.screening.codes import Outcome
from app.screening.questions_more import EMAIL_MAX, FULL_NAME_MAX, PHONE_MAX
from app.search_terms import terms_for
from app.worklist import Facts, work_of

STAFF_NAME_MAX = 100
SEARCH_TERM_MAX = EMAIL_MAX


def one_of(column: str, codes: type[StrEnum]) -> str:
    """A CHECK constraint's condition: ``column`` holds one of the codes of ``codes``."""
    quoted = ", ".join(f"'{code}'" for code in codes)
    return f"{column} IN ({quoted})"


# The All view's filters that may come with an assignee, each with its own partial index.
ASSIGNEE_FILTERS: tuple[tuple[str, ...], ...] = (
    (),
    ("outcome",),
    ("status",),
    ("outcome", "status"),
)


def _where(condition: str) -> dict[str, Any]:
    """A partial index's condition, the same on both engines."""
    return {"sqlite_where": text(condition), "postgresql_where": text(condition)}


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
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


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
        Index("ix_submission_work", "work", "due_at", "id", **_where("work IS NOT NULL")),
        Index(
            "ix_submission_assignee_work",
            "assignee_id",
            "work",
            "due_at",
            "id",
            **_where("assignee_id IS NOT NULL AND work IS NOT NULL"),
        ),
        # Follow-ups, soonest due first; and one person's:
        Index(
            "ix_submission_follow_up",
            "follow_up_due",
            "id",
            **_where("follow_up_due IS NOT NULL"),
        ),
        Index(
            "ix_submission_assignee_follow_up",
            "assignee_id",
            "follow_up_due",
            "id",
            **_where("assignee_id IS NOT NULL AND follow_up_due IS NOT NULL"),
        ),
        # All, assigned to one person, newest first, with each filter:
        *(
            Index(
                f"ix_submission_assignee{''.join('_' + c for c in columns)}_newest",
                "assignee_id",
                *columns,
                "created_at",
                "id",
                **_where("assignee_id IS NOT NULL"),
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

    def place_in_work_list(self, *, cleared: bool) -> None:
        """Set ``work`` and ``due_at`` from its follow-up (``app.worklist.work_of``);
        ``cleared``: a clinician has recorded a clearance decision."""
        self.work, self.due_at = work_of(
            Facts(
                outcome=self.outcome,
                is_safety_stop=self.is_safety_stop,
                status=self.status,
                cleared=cleared,
                attempts=self.attempts or 0,
                follow_up_due=self.follow_up_due,
                created_at=self.created_at,
                response_due=response_due_at(self.created_at),
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


def add_search_terms(session: AnySession, submission: Submission) -> None:
    """Store the rows that let staff find ``submission`` (flushed, so it has its id) by its
    patient's name, phone or e-mail: one Core INSERT of them all, as plain rows, which costs
    a patient's final submission a quarter of what ORM objects did (``bench.inprocess``)."""
    terms = terms_for(submission.full_name, submission.phone, submission.email, SEARCH_TERM_MAX)
    if terms:
        rows = [
            {"kind": kind, "term": term, "submission_id": submission.id}
            for kind, term in sorted(terms)
        ]
        session.execute(insert(SearchTerm), rows)


class StaffUser(Model):
    """A member of the clinic's staff. Accounts are disabled, never deleted (the audit log
    refers to them)."""

    __table_args__ = (CheckConstraint(one_of("role", Role), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), unique=True)  # stored lower-case
    name: Mapped[str] = mapped_column(String(STAFF_NAME_MAX))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    # Set when someone else chose the password (an admin creating the account): at the next
    # sign-in its owner must choose their own before anything else.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    is_active: Mapped[bool] = mapped_column(default=True)
    # Second factor: the TOTP secret once enrolment is confirmed, and the last time step used
    # (a code is accepted only for a later step, so each code works once).
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column()
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StaffSession(Model):
    """A signed-in browser, held on the server so that it can be ended from anywhere.

    The cookie carries a random token; only its sha256 is stored. ``stage`` (an
    ``app.codes.Stage``) is ``totp`` between the password and the second factor, ``enrol``
    while setting one up, and ``full`` once signed in.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    stage: Mapped[str] = mapped_column(String(10))
    pending_secret: Mapped[str | None] = mapped_column(String(64))  # TOTP being enrolled
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    user: Mapped[StaffUser] = relationship()


class RecoveryCode(Model):
    """A one-time code that replaces the second factor once; only its hash is kept."""

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class StatusChange(Model):
    """A submission moved from one status to another, by whom and when."""

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Note(Model):
    """An append-only note on a submission."""

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    body: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The one-time key of the form that added it (app.formtools.OnceOnlyForm): the same form
    # sent twice (a double click, a resend after a lost answer) adds one note, not two.
    form_key: Mapped[str | None] = mapped_column(String(32), unique=True)


class Clearance(Model):
    """A clinician's decision on a ``clinician_review`` submission: cleared to book or not."""

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    cleared: Mapped[bool] = mapped_column()
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    form_key: Mapped[str | None] = mapped_column(String(32), unique=True)  # as Note.form_key


class ContactAttempt(Model):
    """One try to reach the patient, what came of it, and the next follow-up it asked for."""

    __table_args__ = (
        CheckConstraint(one_of("channel", Channel), name="channel"),
        CheckConstraint(one_of("result", AttemptResult), name="result"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    channel: Mapped[str] = mapped_column(String(10))
    result: Mapped[str] = mapped_column(String(20))
    follow_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    form_key: Mapped[str | None] = mapped_column(String(32), unique=True)  # as Note.form_key


class Assignment(Model):
    """A submission given to a staff member (``assignee_id``), or given back (None), by whom."""

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditEvent(Model):
    """One append-only line of the audit log: who did what to which record, when and whence.

    ``submission_id`` is deliberately not a foreign key: the log must outlive the rows it
    mentions (a purge deletes submissions but never their history).
    """

    __table_args__ = (
        # The audit log's pages: newest first, optionally by one person or one kind of action
        # (keyset pagination on (at, id)).
        Index("ix_audit_event_at_id", "at", "id"),
        Index("ix_audit_event_staff_id_at_id", "staff_id", "at", "id"),
        Index("ix_audit_event_action_at_id", "action", "at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_type: Mapped[str] = mapped_column(String(10))  # an app.codes.Actor
    staff_id: Mapped[int | None] = mapped_column()
    action: Mapped[str] = mapped_column(String(40))
    submission_id: Mapped[int | None] = mapped_column(index=True)
    remote_addr: Mapped[str | None] = mapped_column(String(45))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class AuditLogIsAppendOnly(RuntimeError):
    """Raised when code tries to change or delete a record that is append-only."""


APPEND_ONLY = (AuditEvent, Note, StatusChange, Clearance, ContactAttempt, Assignment)


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session: Session, _context: Any, _instances: Any) -> None:
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, APPEND_ONLY):
            raise AuditLogIsAppendOnly(f"{type(obj).__name__} records are never changed or deleted")
