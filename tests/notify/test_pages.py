"""Each staff member's notifications page, the admin's outbox page, the count of new enquiries
in the navigation, and the sender's commands."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import select

from app.codes import MessageState, NotifyMode
from app.extensions import db
from app.models import AuditEvent, OutboxMessage, StaffUser
from app.notify.schedule import due_for, retry_delay
from tests.conftest import make_app
from tests.forms import csrf_token
from tests.notify.conftest import MailServer
from tests.notify.helpers import round_at, rows, staff, submit
from tests.test_texts import staff_browser

DESK = "front_desk@clinic.example"
TORONTO = ZoneInfo("America/Toronto")


def test_a_staff_member_chooses_a_digest_and_waiting_messages_follow(app: Flask) -> None:
    client = staff_browser(app, "front_desk", "en")
    submit(app)
    [waiting] = rows(app)
    assert waiting.digest is False
    page = client.get("/staff/notifications")
    assert page.status_code == 200
    assert "One email an hour" in page.text
    response = client.post(
        "/staff/notifications",
        data={
            "mode": "daily",
            "digest_time": "07:45",
            "language": "fr_CA",
            "csrf_token": csrf_token(page),
        },
    )
    assert response.status_code == 302
    [moved] = rows(app)
    assert moved.digest is True
    assert moved.due_at.astimezone(TORONTO).time() == time(7, 45)
    with app.app_context():
        user = db.session.scalars(select(StaffUser).where(StaffUser.email == DESK)).one()
        assert (user.notify_mode, user.digest_time, user.language) == ("daily", "07:45", "fr_CA")
        actions = set(db.session.scalars(select(AuditEvent.action)))
        assert {"notify.preferences_view", "notify.preferences_change"} <= actions


def test_choosing_none_drops_what_waits_and_a_bad_time_is_refused(app: Flask) -> None:
    client = staff_browser(app, "front_desk", "en")
    submit(app)
    page = client.get("/staff/notifications")
    refused = client.post(
        "/staff/notifications",
        data={
            "mode": "daily",
            "digest_time": "25:00",
            "language": "en",
            "csrf_token": csrf_token(page),
        },
    )
    assert refused.status_code == 422
    assert "Enter a time of day like 08:00 or 16:30." in refused.text
    client.post(
        "/staff/notifications",
        data={
            "mode": "none",
            "digest_time": "08:00",
            "language": "en",
            "csrf_token": csrf_token(page),
        },
    )
    assert [row.state for row in rows(app)] == [MessageState.DROPPED]


def test_admins_do_not_get_the_notifications_page(app: Flask) -> None:
    client = staff_browser(app, "admin", "en")
    assert client.get("/staff/notifications").status_code == 403


def test_the_admin_sees_failed_messages_and_puts_them_back(app: Flask, smtp: MailServer) -> None:
    staff(app, "front_desk", "desk@clinic.example")
    submit(app)
    smtp.stop()
    now = datetime.now(UTC)
    round_at(app, now)
    round_at(app, now + app.config["NOTIFY_GIVE_UP"])
    admin = staff_browser(app, "admin", "en")
    page = admin.get("/admin/outbox")
    assert page.status_code == 200
    assert "ConnectionRefusedError" in page.text
    assert "Sam Staff" in page.text
    assert "desk@clinic.example" not in page.text
    admin.post("/admin/outbox/retry", data={"csrf_token": csrf_token(page)})
    [row] = rows(app)
    assert (row.state, row.failing_since) == (MessageState.PENDING, None)
    smtp.start()
    assert round_at(app).sent == 1
    assert staff_browser(app, "front_desk", "en").get("/admin/outbox").status_code == 403


def test_the_navigation_counts_what_arrived_since_the_queue_was_last_opened(app: Flask) -> None:
    client = staff_browser(app, "front_desk", "en")
    client.get("/staff/")
    submit(app)
    submit(app)
    page = client.get("/staff/notifications").text
    counted = '2 new<span class="visually-hidden"> since you last looked</span>'
    assert f'<span class="new-count">{counted}</span>' in page
    client.get("/staff/")
    assert 'class="new-count"' not in client.get("/staff/notifications").text


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # 22:10 on the evening before the spring change: the next 08:00 is in daylight time.
        (datetime(2026, 3, 7, 22, 10, tzinfo=TORONTO), datetime(2026, 3, 8, 8, 0, tzinfo=TORONTO)),
        # At 08:00 sharp the digest of that morning has gone: the next is tomorrow's.
        (datetime(2026, 11, 2, 8, 0, tzinfo=TORONTO), datetime(2026, 11, 3, 8, 0, tzinfo=TORONTO)),
        (datetime(2026, 11, 2, 7, 59, tzinfo=TORONTO), datetime(2026, 11, 2, 8, 0, tzinfo=TORONTO)),
    ],
)
def test_a_daily_digest_falls_on_the_clinics_wall_clock(now: datetime, expected: datetime) -> None:
    assert due_for(NotifyMode.DAILY, "08:00", now.astimezone(UTC), TORONTO) == (
        expected.astimezone(UTC),
        True,
    )


def test_hourly_and_immediate_due_times() -> None:
    now = datetime(2026, 12, 4, 15, 42, 7, tzinfo=UTC)
    assert due_for(NotifyMode.EACH, "08:00", now, TORONTO) == (now, False)
    assert due_for(NotifyMode.HOURLY, "08:00", now, TORONTO) == (
        datetime(2026, 12, 4, 16, tzinfo=UTC),
        True,
    )
    with pytest.raises(ValueError, match="no message is due"):
        due_for(NotifyMode.NONE, "08:00", now, TORONTO)


def test_retries_wait_longer_each_time_up_to_an_hour() -> None:
    waits = [retry_delay(n) for n in range(1, 10)]
    assert waits[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert waits[-1] == timedelta(hours=1)


def test_the_sender_refuses_to_start_without_its_settings(tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = make_app(tmp_path)
    result = app.test_cli_runner().invoke(args=["notify", "send-once"])
    assert result.exit_code != 0
    assert "SMTP_HOST is not set. MAIL_SENDER is not set. PUBLIC_URL is not set." in result.output


def test_send_once_from_the_command_line(app: Flask, smtp: MailServer) -> None:
    staff(app, "front_desk", "desk@clinic.example")
    submit(app)
    result = app.test_cli_runner().invoke(args=["notify", "send-once"])
    assert result.exit_code == 0, result.output
    assert "1 sent, 0 to retry, 0 failed." in result.output
    with app.app_context():
        assert db.session.scalars(select(OutboxMessage.state)).one() == MessageState.SENT


def test_hourly_digests_keep_both_hours_of_the_autumn_change() -> None:
    """On 1 November 2026 Toronto's clock reads 01:00-02:00 twice: a digest at each hour."""
    first_one_thirty = datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT
    second_one_thirty = datetime(2026, 11, 1, 6, 30, tzinfo=UTC)  # 01:30 EST
    assert due_for(NotifyMode.HOURLY, "08:00", first_one_thirty, TORONTO)[0] == datetime(
        2026, 11, 1, 6, tzinfo=UTC
    )
    assert due_for(NotifyMode.HOURLY, "08:00", second_one_thirty, TORONTO)[0] == datetime(
        2026, 11, 1, 7, tzinfo=UTC
    )


def test_a_daily_digest_in_the_repeated_hour_is_not_already_past() -> None:
    """At 01:10 EST (the clock's second pass through 01:10), the day's 01:30 digest went at the
    first pass (05:30 UTC): the next is tomorrow's, never one due in the past."""
    now = datetime(2026, 11, 1, 6, 10, tzinfo=UTC)  # 01:10 EST, the second pass
    due, _ = due_for(NotifyMode.DAILY, "01:30", now, TORONTO)
    assert due == datetime(2026, 11, 2, 1, 30, tzinfo=TORONTO).astimezone(UTC)
