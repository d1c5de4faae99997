"""Every notification of a loaded day is delivered, once, with the sender killed part-way.

gunicorn with the production settings serves the app (as in test_load.py) while two notification
senders (``flask notify run``) deliver to an SMTP server on loopback (aiosmtpd). 32 simulated
patients submit 1,000 questionnaires; a front-desk and a clinician account hear of each enquiry
for their role at once, so each submission but a safety stop writes one outbox row in its own
transaction. Part-way, one sender is SIGKILLed
and another started. When every row is sent, each row's message must have reached the server:
none lost, and none twice except, at most, the one message the killed sender may have had in
flight between the server's acceptance and its own commit (sent again, with the same
Message-ID, once its lease ran out; the run reports whether it happened).
"""

from __future__ import annotations

import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bench.client import run_patients
from bench.server import BIN, ROOT, SHARED_RATE_LIMITS, gunicorn, migrate, production_environment
from tests.load.test_load import CLIENTS, DEADLINE_S, KILL_AFTER, SUBMISSIONS, database_url
from tests.notify.conftest import MailServer

pytestmark = pytest.mark.load
__all__ = ["database_url"]  # the engines' fixture, shared with test_load.py

DESK, CLINICIAN = "desk@clinic.example", "clinician@clinic.example"
DELIVERY_DEADLINE_S = 300.0


def flask(
    environment: dict[str, str], *args: str, **options: object
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(  # noqa: S603 - fixed argument list
        [str(BIN / "flask"), "--app", "wsgi", *args],
        cwd=ROOT,
        env=environment,
        check=True,
        capture_output=True,
        **options,  # type: ignore[arg-type]
    )


def start_sender(environment: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(  # noqa: S603 - fixed argument list
            [str(BIN / "flask"), "--app", "wsgi", "notify", "run", "--interval", "0.5"],
            cwd=ROOT,
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def outbox_states(database_url: str) -> tuple[Counter[str], list[int], int]:
    """The outbox rows by state, their ids, and how many submissions should have written one
    (all but safety stops)."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = list(connection.execute(text("SELECT id, state FROM outbox_message")))
            enquiries = connection.execute(
                text("SELECT count(*) FROM submission WHERE NOT is_safety_stop")
            ).scalar_one()
    finally:
        engine.dispose()
    return Counter(state for _, state in rows), [row_id for row_id, _ in rows], enquiries


def test_every_notification_is_delivered_once_with_a_sender_killed(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    smtp = MailServer()
    smtp.start()
    environment = production_environment(
        database_url,
        **SHARED_RATE_LIMITS,
        PUBLIC_URL="https://screen.clinic.example",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(smtp.port),
        SMTP_SECURITY="none",
        MAIL_SENDER="ims@clinic.example",
    )
    migrate(environment)
    for email, role in ((DESK, "front_desk"), (CLINICIAN, "clinician")):
        flask(
            environment,
            *("staff", "create", "--email", email, "--role", role, "--password-stdin"),
            input=b"plum-kettle-harbour-42\n",
        )
    sender_log = tmp_path / "senders.log"
    senders = [start_sender(environment, sender_log), start_sender(environment, sender_log)]
    killed: list[int] = []
    once = threading.Lock()
    try:
        with gunicorn(environment, tmp_path / "gunicorn.log", workers=4) as server:

            def kill_a_sender(acknowledged: int) -> None:
                with once:  # called from each patient's thread
                    if acknowledged < KILL_AFTER or killed:
                        return
                    senders[0].kill()
                    senders[0].wait()
                    killed.append(senders[0].pid)
                    senders.append(start_sender(environment, sender_log))

            run = run_patients(server.base_url, SUBMISSIONS, CLIENTS, DEADLINE_S, kill_a_sender)
        started = time.monotonic()
        while time.monotonic() - started < DELIVERY_DEADLINE_S:
            states, ids, enquiries = outbox_states(database_url)
            if states.get("sent", 0) == len(ids) == enquiries:
                break
            time.sleep(1)
        delivered_s = time.monotonic() - started
    finally:
        for sender in senders:
            sender.terminate()
        for sender in senders:
            sender.wait(timeout=60)
        smtp.stop()

    received = Counter(smtp.inbox.ids())
    expected = {f"<outbox.{row_id}@clinic.example>" for row_id in ids}
    twice = {message_id: n for message_id, n in received.items() if n > 1}
    engine = database_url.split(":", 1)[0].split("+", 1)[0]
    with capsys.disabled():
        print(
            f"\n[load] {engine}, notifications: {len(run.tally.references)} submissions, "
            f"{len(ids)} messages written, {sum(received.values())} received "
            f"({len(received)} distinct), every one sent {delivered_s:.1f} s after the last "
            f"submission; sender {killed} killed part-way; received twice: {len(twice)}"
        )
    assert killed, "no sender was killed"
    assert len(run.tally.references) == SUBMISSIONS
    assert len(ids) == enquiries, "an enquiry wrote no message, or two"
    assert states == {"sent": enquiries}, states
    assert set(received) == expected, "a message was lost, or one nobody wrote arrived"
    assert len(twice) <= 1, twice
    assert all(n == 2 for n in twice.values()), twice
    assert "Traceback" not in sender_log.read_text(errors="replace")
