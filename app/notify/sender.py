"""Delivering the outbox: claim what is due, send it, retry what failed, give up in time.

Each round (``send_once``) first writes the messages of events that came with time
(``events.timed_events``), then claims due rows in batches of about BATCH. A claim is one short
transaction that marks the rows ``sending`` under a random token with a lease: on PostgreSQL the
rows are read ``FOR UPDATE SKIP LOCKED``, so two senders claim different rows without waiting
for each other; on SQLite the transaction holds the database's write lock (``BEGIN
IMMEDIATE``, app.database), so claims follow one another. A digest's rows are claimed together,
so that it goes out as one e-mail. No transaction stays open while the sender talks to the mail
server. What came of a row is written only while the row is still under this sender's token
(a sender slower than its lease finds another's token and writes nothing).

A row is marked sent in its own commit right after the mail server accepts it. A sender killed
between the two leaves the row ``sending`` until its lease ends; another sender then sends it
again with the same Message-ID, the only case where a message can arrive twice.

A failed try waits longer each time (``schedule.retry_delay``); NOTIFY_GIVE_UP after its first
failed try the row is ``failed``, shown to admins, and tried again only when an admin asks. A
row whose message cannot even be written (a template that fails) is failed at once. A row for
someone who no longer wants messages (account disabled, notifications off) is ``dropped``.
"""

from __future__ import annotations

import logging
import secrets
import smtplib
import threading
from collections import defaultdict
from dataclasses import dataclass
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
# A sender starts nothing in the last SAFE_END of its lease (a slow mail server can take a few
# SMTP timeouts for one message).
LEASE = timedelta(minutes=2)
SAFE_END = timedelta(minutes=1)
BATCH = 20


@dataclass
class Round:
    """What one round did, in counts of rows only (the logs never hold addresses or contents)."""

    written: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    dropped: int = 0


def _due(now: datetime) -> Any:
    return or_(
        and_(OutboxMessage.state == MessageState.PENDING, OutboxMessage.due_at <= now),
        and_(OutboxMessage.state == MessageState.SENDING, OutboxMessage.lease_until < now),
    )


def _claim(now: datetime, token: str) -> list[int]:
    """Mark about BATCH due rows ``sending`` under ``token``, with every due row of the same
    digests, in one transaction; their ids."""
    first = (
        select(OutboxMessage.id, OutboxMessage.staff_id, OutboxMessage.digest)
        .where(_due(now))
        .order_by(OutboxMessage.due_at, OutboxMessage.id)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    )
    picked = list(db.session.execute(first))
    ids = {row_id for row_id, _, _ in picked}
    digests = {staff_id for _, staff_id, digest in picked if digest}
    if digests:
        rest = (
            select(OutboxMessage.id)
            .where(_due(now), OutboxMessage.digest, OutboxMessage.staff_id.in_(digests))
            .with_for_update(skip_locked=True)
        )
        ids.update(db.session.scalars(rest))
    if ids:
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .values(state=MessageState.SENDING, claim=token, lease_until=now + LEASE)
        )
    db.session.commit()
    return sorted(ids)


@dataclass
class Batch:
    """The claimed rows, sorted: the e-mails that deliver them (one per row, one per digest),
    the rows whose recipient no longer wants messages, and those whose e-mail could not be
    written."""

    outgoing: list[mail.Outgoing]
    unwanted: list[OutboxMessage]
    broken: list[tuple[OutboxMessage, Exception]]


def _batch(ids: list[int]) -> Batch:
    """The claimed rows ``ids`` as a ``Batch``."""
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
    groups: dict[tuple[int, int], list[OutboxMessage]] = defaultdict(list)
    unwanted: list[OutboxMessage] = []
    for row in sorted(rows, key=lambda r: r.id):
        if row.staff_id is not None and not events.wants_messages(staff[row.staff_id]):
            unwanted.append(row)
        else:  # a receipt or an immediate message alone; a digest with its recipient's others
            groups[(row.staff_id or 0, 0 if row.digest else row.id)].append(row)
    outgoing: list[mail.Outgoing] = []
    broken: list[tuple[OutboxMessage, Exception]] = []
    for (staff_id, _), group in groups.items():
        try:
            if group[0].kind == MessageKind.RECEIPT:
                outgoing.append(mail.receipt(group[0], submissions[group[0].submission_id]))
            else:
                outgoing.append(mail.for_staff(staff[staff_id], group, references))
        except Exception as error:  # one message that cannot be written must not stop the rest
            broken += [(row, error) for row in group]
    return Batch(outgoing, unwanted, broken)


def _still_claimed(
    rows: tuple[OutboxMessage, ...] | list[OutboxMessage], token: str
) -> list[OutboxMessage]:
    """Those of ``rows`` still under this sender's claim, locked until the commit."""
    query = (
        select(OutboxMessage)
        .where(
            OutboxMessage.id.in_([row.id for row in rows]),
            OutboxMessage.state == MessageState.SENDING,
            OutboxMessage.claim == token,
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return list(db.session.scalars(query))


def _sent(rows: list[OutboxMessage], now: datetime) -> None:
    for row in rows:
        row.state, row.sent_at, row.lease_until = MessageState.SENT, now, None
    audit.record("notify.sent", actor_type=Actor.SYSTEM, **_audited(rows))


def _not_sent(
    rows: list[OutboxMessage], error: Exception, now: datetime, *, at_once: bool = False
) -> bool:
    """Put the rows back for a later try, or give up on them (``at_once``: whatever the
    time); whether they were given up."""
    give_up = current_app.config["NOTIFY_GIVE_UP"]
    gave_up = False
    for row in rows:
        row.attempts += 1
        row.last_error = type(error).__name__[:ERROR_MAX]
        row.lease_until = None
        row.failing_since = row.failing_since or now
        if at_once or now - row.failing_since >= give_up:
            row.state, gave_up = MessageState.FAILED, True
        else:
            row.state, row.due_at = MessageState.PENDING, now + retry_delay(row.attempts)
    if gave_up:
        audit.record("notify.failed", actor_type=Actor.SYSTEM, **_audited(rows))
    return gave_up


def _audited(rows: list[OutboxMessage]) -> dict[str, Any]:
    """What the audit record of an e-mail holds: the ids of the rows it carried, its kind, and
    its submission when there is one; never its content or address."""
    submissions = {row.submission_id for row in rows}
    return {
        "submission_id": next(iter(submissions)) if len(submissions) == 1 else None,
        "detail": {"messages": [row.id for row in rows], "kind": rows[0].kind},
    }


def send_once(now: datetime | None = None) -> Round:
    """One round: write the timed events' messages, then send everything due, batch by batch,
    on one connection to the mail server (opened at the first message)."""
    done = Round()
    done.written = events.timed_events(now or utcnow())
    db.session.commit()
    token = secrets.token_hex(16)
    smtp: smtplib.SMTP | None = None
    try:
        while ids := _claim(claimed_at := now or utcnow(), token):
            batch = _batch(ids)
            for row in _still_claimed(batch.unwanted, token) if batch.unwanted else []:
                row.state, row.lease_until = MessageState.DROPPED, None
                done.dropped += 1
            for row, problem in batch.broken:
                for unwritable in _still_claimed([row], token):
                    _not_sent([unwritable], problem, now or utcnow(), at_once=True)
                    done.failed += 1
            db.session.commit()  # no transaction (nor SQLite's write lock) while mail goes out
            for item in batch.outgoing:
                moment = now or utcnow()
                if moment >= claimed_at + LEASE - SAFE_END:
                    break  # the rest goes to whoever claims it when the lease ends
                error: Exception | None = None
                try:
                    smtp = smtp or mail.connect()
                    smtp.send_message(item.message)
                except (smtplib.SMTPException, OSError) as refused:
                    _close(smtp)
                    smtp, error = None, refused
                mine = _still_claimed(item.rows, token)
                if mine and error is None:
                    _sent(mine, moment)
                    done.sent += len(mine)
                elif mine and error is not None:
                    if _not_sent(mine, error, moment):
                        done.failed += len(mine)
                    else:
                        done.retried += len(mine)
                db.session.commit()
            if done.retried and smtp is None:
                break  # the mail server is not answering: the rest waits for the next round
    finally:
        _close(smtp)
    log.info(
        "notify round: %d written, %d sent, %d to retry, %d failed, %d dropped",
        done.written,
        done.sent,
        done.retried,
        done.failed,
        done.dropped,
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
