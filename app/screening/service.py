"""The patient side's reads and writes: drafts held by a session token, and submissions.

The browser holds only a random token in its (signed) session; the database holds its sha256.
The same hash becomes the submission's idempotency key, so a resent final POST, a double click
or a racing second worker all find the one submission instead of creating another.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, session
from flask_babel import get_locale
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from app.codes import Actor, SearchKind, Status
from app.database import read_value, utcnow
from app.dates import response_due_at
from app.extensions import db
from app.models import AuditEvent, Submission, add_search_terms, search_terms
from app.notify import events as notify
from app.references import new_reference
from app.screening import drafts
from app.screening.codes import SAFETY_STOP_OUTCOMES, StepId
from app.screening.drafts import Consent, DraftState
from app.screening.questions import (
    CONSENT_VERSION,
    CONTACT_IDS,
    QUESTIONNAIRE_VERSION,
    SAFETY,
    STEPS,
)
from app.screening.rules import Decision, evaluate
from app.statistics import counting
from app.tokens import new_token, token_hash

DRAFT_KEY = "draft"  # session key: token of the questionnaire in progress
RESULT_KEY = "result"  # session key: token of the last submission, for its result page
# A write is tried again when another request wrote the same draft in between (a double
# click, two tabs): the first try nearly always stores.
_WRITE_ATTEMPTS = 3
# Built once, as app.screening.drafts builds the draft's statements.
_SUBMISSION_BY_KEY = select(Submission).where(Submission.idempotency_key == bindparam("key"))
_SENT_BY_KEY = select(Submission.id).where(Submission.idempotency_key == bindparam("key"))


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


def load_draft() -> DraftState | None:
    """This browser's unexpired draft, if any, read without a lock (``app.screening.drafts``:
    a write then checks that nothing changed since)."""
    token = session.get(DRAFT_KEY)
    if not token:
        return None
    return drafts.read(token_hash(token))


def draft_answers() -> dict[str, Any] | None:
    """The answers of this browser's unexpired draft, in one query outside the request's session
    (``read_value``), for a page that only shows them; None without a draft."""
    token = session.get(DRAFT_KEY)
    if not token:
        return None
    return drafts.read_value_of(drafts.ANSWERS, token_hash(token))


def first_incomplete(answers: dict[str, Any]) -> str | None:
    """The id of the first step not yet answered, or None when every step is."""
    for step in STEPS:
        if any(q.id not in answers for q in step.questions):
            return step.id
    return None


def save_step(
    draft: DraftState | None, step_id: str, answers: dict[str, Any], *, receipt: bool = False
) -> DraftState | None:
    """Store one step's validated answers over ``draft`` (as the request read it), starting a
    draft on the first step saved; on the contact step, also the consent and whether the
    patient asked for a receipt by e-mail (``receipt``). Should another request have written
    the draft in between, its answers are read again and this step's put over them; should it
    have sent the questionnaire (the draft gone), nothing is stored and None returned."""
    ensure_draft_token()
    token = token_hash(session[DRAFT_KEY])
    consent = None
    if step_id == StepId.CONTACT:
        consent = Consent(at=utcnow(), locale=str(get_locale()), receipt=receipt)
    for _ in range(_WRITE_ATTEMPTS):
        merged = {**(draft.answers if draft else {}), **answers}
        saved = drafts.save(draft, token, merged, consent)
        if saved is not None:
            return saved
        draft = drafts.read(token)
        if draft is None:
            return None
    raise RuntimeError("could not save the step")


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


def already_sent() -> bool:
    """Whether this browser's questionnaire already made a submission (one read, outside the
    request's transaction), with the browser then pointed at its result.

    A copy of the POST that sent it (a double click, or a form sent again because its answer
    was lost on the way) carries the cookie from before sending: without this, its browser
    would not be let in to the result page the copy redirects to."""
    token = session_token()
    if not token or read_value(_SENT_BY_KEY, {"key": token_hash(token)}) is None:
        return False
    _show_result(token)
    return True


def _show_result(token: str | None) -> None:
    """Point this browser at the result of the submission made from ``token``."""
    session.pop(DRAFT_KEY, None)
    session[RESULT_KEY] = token


def submit(draft: DraftState, stop: bool = False) -> Submission | None:
    """Turn this browser's ``draft``, as the caller read it, into a submission, exactly once.

    With ``stop``, record a safety stop: the safety answers only, no contact details. The
    submission is made (rules, reference, place in the work list) before the transaction that
    stores it, which begins by deleting the draft unless it changed since it was read: a copy
    of this POST, or a step sent meanwhile from another tab, leaves nothing to store, and the
    loop looks again (the unique idempotency key refuses a second submission all the same).
    Returns the submission (new, or the one that request made), or None when the draft has
    gone meanwhile without one, or its safety answers changed whether it is a stop.
    """
    token = session_token()
    current: DraftState | None = draft
    for _ in range(_WRITE_ATTEMPTS):
        if current is None:
            existing = submission_for(token)
            if existing is not None:
                break
            current = load_draft()
            if current is None:
                return None
            if (safety_stop(current.answers) is not None) != stop:
                # Another tab changed the safety answers meanwhile: the journey decides again.
                return None
        # Everything that needs no lock, before the transaction that stores it.
        existing = _submission_from(current, stop)
        listeners = notify.enquiry_listeners(existing)
        try:
            stored = _store(current, existing, search_terms(existing), listeners)
        except IntegrityError:
            # Another request stored this draft first (or, very rarely, the reference was
            # taken), and the INSERT was refused at the flush or the commit: look again.
            stored = False
        if stored:
            break
        db.session.rollback()
        current = None
    else:
        raise RuntimeError("could not store the submission")
    _show_result(token)
    return existing


def _store(
    draft: DraftState,
    submission: Submission,
    terms: set[tuple[SearchKind, str]],
    listeners: list[notify.Listener],
) -> bool:
    """In one transaction: ``draft`` deleted, ``submission`` stored with its search ``terms``,
    its statistics' counts, the messages to its ``listeners`` and its audit row; False, with
    nothing written, when the draft changed or went since it was read."""
    if not drafts.delete_seen(draft):  # the first write: on SQLite, the write lock from here
        return False
    db.session.add(submission)
    db.session.flush()
    add_search_terms(db.session, submission.id, terms)
    notify.new_enquiry(
        submission, submission.created_at, listeners, receipt=draft.receipt_requested
    )
    db.session.add(
        AuditEvent(
            actor_type=Actor.PATIENT, action="submission.create", submission_id=submission.id
        )
    )
    db.session.flush()
    # Last, so that the day's counts, which every submission adds to, stay locked (on
    # PostgreSQL) for the commit alone.
    counting.add(counting.received(submission))
    db.session.commit()
    return True


def _submission_from(draft: DraftState, stop: bool) -> Submission:
    """The submission ``draft`` makes, not stored yet: the rules' decision, a new reference,
    its place in the staff's work list."""
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
