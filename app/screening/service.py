"""The patient side's reads and writes: drafts held by a session token, and submissions.

The browser holds only a random token in its (signed) session; the database holds its sha256.
The same hash becomes the submission's idempotency key, so a resent final POST, a double click
or a racing second worker all find the one submission instead of creating another.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app, session
from flask_babel import get_locale
from sqlalchemy import bindparam, delete, select
from sqlalchemy.exc import IntegrityError

from app.codes import Actor, Status
from app.database import add_unless_taken, read_value, utcnow
from app.dates import response_due_at
from app.extensions import db
from app.models import AuditEvent, Draft, Submission, add_search_terms
from app.notify import events as notify
from app.references import new_reference
from app.screening.codes import SAFETY_STOP_OUTCOMES, StepId
from app.screening.questions import (
    CONSENT_VERSION,
    CONTACT_IDS,
    QUESTIONNAIRE_VERSION,
    SAFETY,
    STEPS,
)
from app.screening.rules import Decision, evaluate
from app.tokens import new_token, token_hash

DRAFT_KEY = "draft"  # session key: token of the questionnaire in progress
RESULT_KEY = "result"  # session key: token of the last submission, for its result page
_SUBMIT_ATTEMPTS = 3
# Built once: every patient request runs one or both, and building a statement costs about
# as much as SQLAlchemy's work to run it (its compiled SQL is cached either way).
# This browser's draft, while it has not expired.
_LIVE_DRAFT = (Draft.token_hash == bindparam("token_hash"), Draft.expires_at > bindparam("now"))
_DRAFT_BY_HASH = select(Draft).where(*_LIVE_DRAFT)
# A POST's read: two copies of one step (a double click), or two tabs, take turns on the draft
# (PostgreSQL's row lock; on SQLite a POST's transaction already holds the write lock).
_DRAFT_BY_HASH_TO_CHANGE = _DRAFT_BY_HASH.with_for_update()
# A page's read: the answers only, not the ORM object (nothing to track or flush).
_ANSWERS_BY_HASH = select(Draft.answers).where(*_LIVE_DRAFT)
_RECEIPT_BY_HASH = select(Draft.receipt_requested).where(*_LIVE_DRAFT)
_SUBMISSION_BY_KEY = select(Submission).where(Submission.idempotency_key == bindparam("key"))


def draft_token() -> str | None:
    """The token of this browser's questionnaire in progress."""
    return session.get(DRAFT_KEY)


def ensure_draft_token() -> None:
    """Give this browser a draft token before its first answer is sent.

    Two copies of the same POST (a double click) then carry the same token, so they find the
    same draft and the same submission instead of starting two.
    """
    if DRAFT_KEY not in session:
        session[DRAFT_KEY] = new_token()


def session_token() -> str | None:
    """The token of this browser's questionnaire, in progress or just sent."""
    return session.get(DRAFT_KEY) or session.get(RESULT_KEY)


def load_draft(*, to_change: bool = False) -> Draft | None:
    """This browser's unexpired draft, if any; ``to_change``: locked until the commit, so that
    a request that may change it sees what another one changing it stored."""
    token = session.get(DRAFT_KEY)
    if not token:
        return None
    query = _DRAFT_BY_HASH_TO_CHANGE if to_change else _DRAFT_BY_HASH
    return db.session.scalar(query, {"token_hash": token_hash(token), "now": utcnow()})


def draft_answers() -> dict[str, Any] | None:
    """The answers of this browser's unexpired draft, in one query outside the request's session
    (``read_value``), for a page that only shows them; None without a draft."""
    token = session.get(DRAFT_KEY)
    if not token:
        return None
    return read_value(_ANSWERS_BY_HASH, {"token_hash": token_hash(token), "now": utcnow()})


def receipt_requested() -> bool:
    """Whether this browser's draft asks for a receipt by e-mail (the contact step shows it)."""
    token = session.get(DRAFT_KEY)
    if not token:
        return False
    params = {"token_hash": token_hash(token), "now": utcnow()}
    return bool(read_value(_RECEIPT_BY_HASH, params))


def first_incomplete(answers: dict[str, Any]) -> str | None:
    """The id of the first step not yet answered, or None when every step is."""
    for step in STEPS:
        if any(q.id not in answers for q in step.questions):
            return step.id
    return None


def save_step(
    draft: Draft | None, step_id: str, answers: dict[str, Any], *, receipt: bool = False
) -> Draft:
    """Store one step's validated answers, starting a draft on the first step saved; on the
    contact step, also whether the patient asked for a receipt by e-mail (``receipt``)."""
    now = utcnow()
    if draft is None:
        # Expired drafts go as new ones start, so unfinished answers never outlive DRAFT_TTL
        # by long, even without the purge command (the index on expires_at keeps this cheap).
        db.session.execute(delete(Draft).where(Draft.expires_at <= now))
        draft = _start_draft(now)
    draft.answers = {**draft.answers, **answers}  # a new dict, so the JSON change is seen
    draft.expires_at = now + current_app.config["DRAFT_TTL"]
    if step_id == StepId.CONTACT:
        draft.consented_at = now
        draft.consent_locale = str(get_locale())
        draft.receipt_requested = receipt
    db.session.commit()
    return draft


def _start_draft(now: datetime) -> Draft:
    """A new draft for this browser; or, when a copy of this request (a double click) started
    it meanwhile, that one, locked. Only PostgreSQL lets both copies look before either stores;
    the unique token then refuses the second insert."""
    ensure_draft_token()
    expires_at = now + current_app.config["DRAFT_TTL"]
    draft = Draft(
        token_hash=token_hash(session[DRAFT_KEY]), answers={}, created_at=now, expires_at=expires_at
    )
    return add_unless_taken(db.session, draft, lambda: load_draft(to_change=True))


def safety_stop(answers: dict[str, Any]) -> Decision | None:
    """The decision on the safety step alone, when it stops the questionnaire."""
    safety: dict[str, Any] = {q.id: answers.get(q.id) for q in SAFETY.questions}
    decision = evaluate(safety)
    return decision if decision.outcome in SAFETY_STOP_OUTCOMES else None


def submission_for(token: str | None) -> Submission | None:
    """The submission made from this token, if there is one."""
    if not token:
        return None
    return db.session.scalar(_SUBMISSION_BY_KEY, {"key": token_hash(token)})


def already_sent() -> Submission | None:
    """The submission this browser's questionnaire already made, if any, with the browser then
    pointed at its result.

    A copy of the POST that sent it (a double click, or a form sent again because its answer
    was lost on the way) carries the cookie from before sending: without this, its browser
    would not be let in to the result page the copy redirects to."""
    token = session_token()
    existing = submission_for(token)
    if existing is not None:
        _show_result(token)
    return existing


def _show_result(token: str | None) -> None:
    """Point this browser at the result of the submission made from ``token``."""
    session.pop(DRAFT_KEY, None)
    session[RESULT_KEY] = token


def submit(draft: Draft, stop: bool = False) -> Submission | None:
    """Turn this browser's ``draft``, just loaded by the caller, into a submission, exactly once.

    With ``stop``, record a safety stop: the safety answers only, no contact details. A live
    draft means nothing was sent from its token yet (sending deletes the draft in the same
    transaction; a copy of a POST that did send is met by ``already_sent``). Should another
    request store it first all the same, the unique idempotency key refuses this one and the
    loop looks again. Returns the submission (new, or the one that request made), or None when
    the draft has gone meanwhile without one.
    """
    token = session_token()
    current: Draft | None = draft
    for _ in range(_SUBMIT_ATTEMPTS):
        if current is None:
            existing = submission_for(token)
            if existing is not None:
                break
            current = load_draft()
            if current is None:
                return None
        try:
            existing = _store(current, stop)
        except IntegrityError:
            # Another request stored this draft first (or, very rarely, the reference was
            # taken), and the INSERT was refused at the flush or the commit: look again.
            db.session.rollback()
            current = None
            continue
        break
    else:
        raise RuntimeError("could not store the submission")
    _show_result(token)
    return existing


def _store(draft: Draft, stop: bool) -> Submission:
    """The submission made from ``draft`` and its audit row, with the draft gone, in one
    transaction."""
    submission = _submission_from(draft, stop)
    db.session.add(submission)
    db.session.flush()
    add_search_terms(db.session, submission)
    notify.new_enquiry(submission, submission.created_at, receipt=draft.receipt_requested)
    db.session.add(
        AuditEvent(
            actor_type=Actor.PATIENT, action="submission.create", submission_id=submission.id
        )
    )
    db.session.delete(draft)
    db.session.commit()
    return submission


def _submission_from(draft: Draft, stop: bool) -> Submission:
    answers = draft.answers
    if stop:
        answers = {q.id: answers[q.id] for q in SAFETY.questions}
    clinical = {k: v for k, v in answers.items() if k not in CONTACT_IDS}
    decision = evaluate(clinical)
    submission = Submission(
        reference=new_reference(),
        locale=str(get_locale()),
        questionnaire_version=QUESTIONNAIRE_VERSION,
        rules_version=decision.rules_version,
        outcome=decision.outcome,
        reasons=list(decision.reasons),
        answers=clinical,
        status=Status.NEW,
        is_safety_stop=stop,
        idempotency_key=draft.token_hash,
    )
    if not stop:
        submission.full_name = answers["full_name"]
        submission.email = answers["email"]
        submission.phone = answers["phone"]
        submission.contact_preference = answers["contact_preference"]
        submission.comments = answers["comments"]
        submission.consent_version = CONSENT_VERSION
        submission.consent_locale = draft.consent_locale
        submission.consented_at = draft.consented_at
    # Its place in the staff's work list (app.staff.service.refresh_work keeps it up to date).
    submission.created_at = utcnow()
    submission.place_in_work_list(
        cleared=False, response_due=response_due_at(submission.created_at)
    )
    return submission


def result_submission() -> Submission | None:
    """The submission whose result this browser may still see (RESULT_TTL after sending)."""
    submission = submission_for(session.get(RESULT_KEY))
    if submission is None:
        return None
    if submission.created_at < utcnow() - current_app.config["RESULT_TTL"]:
        return None
    return submission
