"""The sender: digests at their time, retries while the mail server is down, gives up in time,
and two senders at once deliver each message exactly once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import select, update

from app.codes import MessageState
from app.extensions import db
from app.models import AuditEvent, OutboxMessage, StaffUser
from app.notify import mail, sender
from tests.conftest import make_app
from tests.notify.conftest import MailServer, mail_settings, text_of
from tests.notify.helpers import assert_says_nothing_of_health, round_at, rows, staff, submit

DESK = "desk@clinic.example"


def test_an_hourly_digest_lists_everything_new_in_one_message(app: Flask, smtp: MailServer) -> None:
    staff(app, "front_desk", DESK, notify_mode="hourly")
    first, second = submit(app), submit(app)
    due = {row.due_at for row in rows(app)}
    [due_at] = due
    assert (due_at.minute, due_at.second) == (0, 0)
    assert round_at(app).sent == 0, "not before the top of the hour"
    assert round_at(app, due_at).sent == 2
    [message] = smtp.inbox.to(DESK)
    assert message["Subject"] == "2 items wait for you"
    body = message.get_body(("plain",)).get_content()
    assert first.reference in body
    assert second.reference in body
    for submission in (first, second):
        assert_says_nothing_of_health(text_of(message), submission)


def test_a_daily_digest_goes_at_the_chosen_time_on_the_clinics_clock(
    app: Flask, smtp: MailServer
) -> None:
    staff(app, "front_desk", DESK, notify_mode="daily", digest_time="16:30")
    submit(app)
    [row] = rows(app)
    local = row.due_at.astimezone(ZoneInfo("America/Toronto"))
    assert (local.hour, local.minute) == (16, 30)
    assert round_at(app, row.due_at - timedelta(seconds=1)).sent == 0
    assert round_at(app, row.due_at).sent == 1


def test_while_the_mail_server_is_down_messages_wait_then_go_once(
    app: Flask, smtp: MailServer
) -> None:
    staff(app, "front_desk", DESK)
    submit(app)
    smtp.stop()
    now = datetime.now(UTC)
    first = round_at(app, now)
    assert (first.sent, first.retried) == (0, 1)
    [row] = rows(app)
    assert (row.state, row.attempts, row.last_error) == (
        MessageState.PENDING,
        1,
        "ConnectionRefusedError",
    )
    assert row.due_at == now + timedelta(minutes=1)
    assert round_at(app, now + timedelta(seconds=30)).retried == 0, "not before its wait"
    assert round_at(app, now + timedelta(minutes=1)).retried == 1
    assert rows(app)[0].due_at == now + timedelta(minutes=3), "the wait doubles"

    smtp.start()
    assert round_at(app, now + timedelta(minutes=3)).sent == 1
    assert round_at(app, now + timedelta(minutes=10)).sent == 0
    assert len(smtp.inbox.to(DESK)) == 1


def test_a_message_refused_for_too_long_is_given_up_and_shown_to_admins(
    app: Flask, smtp: MailServer
) -> None:
    staff(app, "front_desk", DESK)
    submit(app)
    smtp.stop()
    now = datetime.now(UTC)
    round_at(app, now)
    late = round_at(app, now + app.config["NOTIFY_GIVE_UP"])
    assert late.failed == 1
    [row] = rows(app)
    assert row.state == MessageState.FAILED
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "notify.failed")
        ).one()
        assert event.detail == {"messages": [row.id], "kind": "new_call"}
    assert round_at(app, now + timedelta(days=3)).sent == 0, "given up: not tried again alone"


def test_two_senders_at_once_deliver_each_message_exactly_once(
    tmp_path: Path, smtp: MailServer
) -> None:
    settings = mail_settings(smtp.port)
    first, second = make_app(tmp_path, **settings), make_app(tmp_path, **settings)
    staff(first, "front_desk", DESK)
    staff(first, "front_desk", "second@clinic.example")
    for _ in range(15):
        submit(first)
    assert len(rows(first)) == 30
    start = threading.Barrier(2)
    results = []

    def run(app: Flask) -> None:
        start.wait()
        results.append(round_at(app))

    threads = [threading.Thread(target=run, args=(app,)) for app in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(done.sent for done in results) == 30
    ids = smtp.inbox.ids()
    assert len(ids) == 30
    assert len(set(ids)) == 30
    assert {row.state for row in rows(first)} == {MessageState.SENT}


def test_a_sender_that_died_leaves_its_rows_to_the_next_after_the_lease(
    app: Flask, smtp: MailServer
) -> None:
    staff(app, "front_desk", DESK)
    submit(app)
    now = datetime.now(UTC)
    with app.app_context():
        assert sender._claim(now, "dead-sender")  # claimed, then it dies before sending
    assert round_at(app, now).sent == 0, "still leased"
    assert round_at(app, now + sender.LEASE + timedelta(seconds=1)).sent == 1
    assert len(smtp.inbox.to(DESK)) == 1


def test_the_logs_hold_counts_only(app: Flask, smtp: MailServer, caplog) -> None:  # type: ignore[no-untyped-def]
    staff(app, "front_desk", DESK)
    submission = submit(app)
    with caplog.at_level("INFO"):
        round_at(app)
    # Ours only: the test's SMTP server logs its own traffic under "mail.log".
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("app"))
    assert "notify round: 0 written, 1 sent" in logged
    assert DESK not in logged
    assert submission.reference not in logged
    with app.app_context():
        assert db.session.scalars(select(OutboxMessage)).one().state == MessageState.SENT


def test_a_slow_sender_sends_nothing_near_the_end_of_its_lease(
    app: Flask, smtp: MailServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A round whose messages go slowly stops before its lease could run out, so that a second
    sender, which may claim the rows once it has, cannot send them too."""
    staff(app, "front_desk", DESK)
    submit(app)
    submit(app)
    start = datetime.now(UTC)
    moments = iter([start, start, start + sender.LEASE - sender.SAFE_END])
    monkeypatch.setattr(sender, "utcnow", lambda: next(moments, start + sender.LEASE))
    assert round_at(app).sent == 0, "claimed at the start, too late by the first message"
    assert {row.state for row in rows(app)} == {MessageState.SENDING}
    assert round_at(app, start + sender.LEASE + timedelta(seconds=1)).sent == 2
    assert len(smtp.inbox.to(DESK)) == 2


def test_a_digest_larger_than_a_batch_goes_out_as_one_email(app: Flask, smtp: MailServer) -> None:
    staff(app, "front_desk", DESK, notify_mode="hourly")
    for _ in range(sender.BATCH + 3):
        submit(app)
    [due_at] = {row.due_at for row in rows(app)}
    assert round_at(app, due_at).sent == sender.BATCH + 3
    [message] = smtp.inbox.to(DESK)
    assert message["Subject"] == f"{sender.BATCH + 3} items wait for you"


def test_a_disabled_account_or_one_that_turned_messages_off_gets_nothing(
    app: Flask, smtp: MailServer
) -> None:
    gone = staff(app, "front_desk", DESK, notify_mode="daily")
    quiet = staff(app, "front_desk", "quiet@clinic.example")
    submit(app)
    with app.app_context():
        for user, change in ((gone, {"is_active": False}), (quiet, {"notify_mode": "none"})):
            stored = db.session.get(StaffUser, user.id)
            assert stored
            for name, value in change.items():
                setattr(stored, name, value)
        db.session.commit()
    later = datetime.now(UTC) + timedelta(days=1)
    done = round_at(app, later)
    assert (done.sent, done.dropped) == (0, 2)
    assert {row.state for row in rows(app)} == {MessageState.DROPPED}
    assert smtp.inbox.messages == []


def test_a_message_that_cannot_be_written_fails_alone(
    app: Flask, smtp: MailServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    staff(app, "front_desk", DESK)
    staff(app, "front_desk", "second@clinic.example")
    submit(app)
    real = mail.for_staff

    def broken_for_desk(user: StaffUser, *args: object) -> mail.Outgoing:
        if user.email == DESK:
            raise KeyError("a template that fails")
        return real(user, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(mail, "for_staff", broken_for_desk)
    done = round_at(app)
    assert (done.sent, done.failed) == (1, 1)
    states = {row.staff_id: (row.state, row.last_error) for row in rows(app)}
    assert sorted(states.values()) == [(MessageState.FAILED, "KeyError"), (MessageState.SENT, None)]


def test_a_sender_whose_rows_were_taken_over_writes_nothing_of_them(
    app: Flask, smtp: MailServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While this sender talks to the mail server, another claims its rows (as after a lease
    that ran out): what this one learns is not written over the other's claim."""
    staff(app, "front_desk", DESK)
    submit(app)
    real_connect = mail.connect

    def connect_while_another_claims() -> object:
        with db.engine.begin() as other:
            other.execute(update(OutboxMessage).values(claim="another-sender"))
        return real_connect()

    monkeypatch.setattr(mail, "connect", connect_while_another_claims)
    assert round_at(app).sent == 0
    [row] = rows(app)
    assert (row.state, row.claim) == (MessageState.SENDING, "another-sender")
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEvent.action)))
    assert "notify.sent" not in actions
