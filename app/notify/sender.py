"""Delivering the outbox: claim what is due, send it, retry what failed, give up in time.

Each round (``send_once``) first writes the messages of events that came with time
(``events.timed_events``), then claims due rows in batches of BATCH. A claim is one short
transaction that marks the rows ``sending`` with a lease: on PostgreSQL the rows are read
``FOR UPDATE SKIP LOCKED``, so two senders claim different rows without waiting for each other;
on SQLite the transaction holds the database's write lock (``BEGIN IMMEDIATE``,
app.database), so claims follow one another. A row is sent by the sender that claimed it, and
marked sent in its own commit right after the mail server accepts it. A sender killed between
the two leaves the row ``sending`` until its lease ends; another sender then sends it again
with the same Message-ID, the only case where a message can arrive twice.

A failed try waits longer each time (``schedule.retry_delay``); NOTIFY_GIVE_UP after its first
failed try the row is ``failed``, shown to admins, and tried again only when an admin asks.
"""

from __future__ import annotations

import logging
import smtplib
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import and_, or_, select, update

from app import audit
from app.codes import Actor, MessageKind, MessageState
from app.database import utcnow
from app.extensions import db
from app.models import OutboxMessage, StaffUser, Submission
from app.models.outbox import ERROR_MAX
from app.notify import events, mail
from app.notify.schedule import retry_delay

log = logging.getLogger(__name__)

# How long claimed rows are left to their sender: a sender that died is replaced after this.
# A sender sends nothing in the last SAFE_END of its lease (a slow mail server can take a few
# SMTP timeouts for one message), so that no other sender can have claimed the row meanwhile.
LEASE = timedelta(minutes=2)
SAFE_END = timedelta(minutes=1)
BATCH = 20


@dataclass
class Round:
    """What one round did, in counts only (the logs never hold addresses or contents)."""

    written: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    kinds: dict[str, int] = field(default_factory=dict)


def _claim(now: datetime) -> list[int]:
    """Mark up to BATCH due rows ``sending`` for this sender, in one transaction; their ids."""
    due = or_(
        and_(OutboxMessage.state == MessageState.PENDING, OutboxMessage.due_at <= now),
        and_(OutboxMessage.state == MessageState.SENDING, OutboxMessage.lease_until < now),
    )
    query = (
        select(OutboxMessage.id)
        .where(due)
        .order_by(OutboxMessage.due_at, OutboxMessage.id)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    )
    ids = list(db.session.scalars(query))
    if ids:
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .values(state=MessageState.SENDING, lease_until=now + LEASE)
        )
    db.session.commit()
    return ids


def _outgoing(ids: list[int]) -> list[mail.Outgoing]:
    """The e-mails that deliver the claimed rows: one per row, one per digest."""
    rows = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids))))
    submission_ids = {row.submission_id for row in rows}
    submissions = {
        s.id: s
        for s in db.session.scalars(select(Submission).where(Submission.id.in_(submission_ids)))
    }
    references = {id_: s.reference for id_, s in submissions.items()}
    staff_ids = {row.staff_id for row in rows if row.staff_id is not None}
    staff = {
        s.id: s for s in db.session.scalars(select(StaffUser).where(StaffUser.id.in_(staff_ids)))
    }
    digests: dict[int, list[OutboxMessage]] = defaultdict(list)
    outgoing: list[mail.Outgoing] = []
    for row in sorted(rows, key=lambda r: r.id):
        if row.kind == MessageKind.RECEIPT:
            outgoing.append(mail.receipt(row, submissions[row.submission_id]))
        elif row.digest:
            digests[row.staff_id or 0].append(row)
        else:
            outgoing.append(mail.for_staff(staff[row.staff_id or 0], [row], references))
    outgoing += [
        mail.for_staff(staff[staff_id], group, references) for staff_id, group in digests.items()
    ]
    return outgoing


def _sent(item: mail.Outgoing, now: datetime) -> None:
    for row in item.rows:
        row.state, row.sent_at, row.lease_until = MessageState.SENT, now, None
    audit.record("notify.sent", actor_type=Actor.SYSTEM, **_audited(item))


def _not_sent(item: mail.Outgoing, error: Exception, now: datetime) -> bool:
    """Put the rows back for a later try, or give up on them; whether they were given up."""
    give_up = current_app.config["NOTIFY_GIVE_UP"]
    gave_up = False
    for row in item.rows:
        row.attempts += 1
        row.last_error = type(error).__name__[:ERROR_MAX]
        row.lease_until = None
        row.failing_since = row.failing_since or now
        if now - row.failing_since >= give_up:
            row.state, gave_up = MessageState.FAILED, True
        else:
            row.state, row.due_at = MessageState.PENDING, now + retry_delay(row.attempts)
    if gave_up:
        audit.record("notify.failed", actor_type=Actor.SYSTEM, **_audited(item))
    return gave_up


def _audited(item: mail.Outgoing) -> dict[str, Any]:
    """What the audit record of an e-mail holds: the ids of the rows it carried, its kind, and
    its submission when there is one; never its content or address."""
    submissions = {row.submission_id for row in item.rows}
    return {
        "submission_id": next(iter(submissions)) if len(submissions) == 1 else None,
        "detail": {"messages": [row.id for row in item.rows], "kind": item.rows[0].kind},
    }


def send_once(now: datetime | None = None) -> Round:
    """One round: write the timed events' messages, then send everything due, batch by batch,
    on one connection to the mail server (opened at the first message)."""
    done = Round()
    done.written = events.timed_events(now or utcnow())
    db.session.commit()
    smtp: smtplib.SMTP | None = None
    try:
        while ids := _claim(claimed_at := now or utcnow()):
            for item in _outgoing(ids):
                moment = now or utcnow()
                if moment >= claimed_at + LEASE - SAFE_END:
                    break  # the rest of the batch goes to whoever claims it when the lease ends
                try:
                    smtp = smtp or mail.connect()
                    smtp.send_message(item.message)
                except (smtplib.SMTPException, OSError) as error:
                    _close(smtp)
                    smtp = None
                    if _not_sent(item, error, moment):
                        done.failed += len(item.rows)
                    else:
                        done.retried += len(item.rows)
                else:
                    _sent(item, moment)
                    done.sent += len(item.rows)
                db.session.commit()
            if done.retried and smtp is None:
                break  # the mail server is not answering: the rest waits for the next round
    finally:
        _close(smtp)
    log.info(
        "notify round: %d written, %d sent, %d to retry, %d failed",
        done.written,
        done.sent,
        done.retried,
        done.failed,
    )
    return done


def _close(smtp: smtplib.SMTP | None) -> None:
    if smtp is not None:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()


def run(interval: float, stop: threading.Event) -> None:
    """Send rounds every ``interval`` seconds until ``stop`` is set (SIGTERM sets it: the round
    in progress finishes first)."""
    while not stop.is_set():
        try:
            send_once()
        except Exception:  # a database that went away: log it, wait, try again
            db.session.rollback()
            log.exception("notify round failed")
        stop.wait(interval)
