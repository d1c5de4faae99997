"""Each staff member's notifications page and the admin's view of the outbox."""

from __future__ import annotations

from typing import Any, cast

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_wtf import FlaskForm
from sqlalchemy import CursorResult, func, select, update

from app import audit
from app.auth.guard import allow, guard_blueprint
from app.codes import MessageState, Role
from app.database import utcnow
from app.extensions import db
from app.models import OutboxMessage, StaffUser
from app.notify import events
from app.notify.forms import PreferencesForm

bp = Blueprint("notify", __name__)
guard_blueprint(bp)
FAILED_SHOWN = 50
AUDITED_IDS = 100


@bp.get("/staff/notifications")
@allow(Role.FRONT_DESK, Role.CLINICIAN)
def preferences() -> ResponseReturnValue:
    staff: StaffUser = g.staff_user
    form = PreferencesForm(
        data={
            "mode": staff.notify_mode,
            "digest_time": staff.digest_time,
            "language": staff.language,
        }
    )
    return _page(form)


def _page(form: PreferencesForm) -> str:
    audit.record("notify.preferences_view")
    db.session.commit()
    return render_template("notify/preferences.html", form=form)


@bp.post("/staff/notifications")
@allow(Role.FRONT_DESK, Role.CLINICIAN)
def save_preferences() -> ResponseReturnValue:
    form = PreferencesForm()
    if not form.validate_on_submit():
        return _page(form), 422
    staff: StaffUser = g.staff_user
    staff.notify_mode, staff.digest_time, staff.language = (
        form.mode.data,
        form.digest_time.data,
        form.language.data,
    )
    events.retime(staff, utcnow())
    audit.record(
        "notify.preferences_change",
        detail={
            "mode": staff.notify_mode,
            "digest_time": staff.digest_time,
            "language": staff.language,
        },
    )
    db.session.commit()
    flash(_("Saved. Messages waiting for you follow your new choice."))
    return redirect(url_for(".preferences"))


@bp.get("/admin/outbox")
@allow(Role.ADMIN)
def outbox() -> ResponseReturnValue:
    """How many messages wait, were sent or failed, and the failed ones: kind, when, tries,
    what went wrong (an error's name, never a message's content or address)."""
    by_state = select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)
    counts = {state: count for state, count in db.session.execute(by_state)}
    failed = list(
        db.session.execute(
            select(OutboxMessage, StaffUser.name)
            .outerjoin(StaffUser, StaffUser.id == OutboxMessage.staff_id)
            .where(OutboxMessage.state == MessageState.FAILED)
            .order_by(OutboxMessage.id.desc())
            .limit(FAILED_SHOWN)
        )
    )
    audit.record("notify.outbox_view")
    db.session.commit()
    return render_template("notify/outbox.html", counts=counts, failed=failed)


@bp.post("/admin/outbox/retry")
@allow(Role.ADMIN)
def retry_failed() -> ResponseReturnValue:
    """Put every failed message back in line, due now (the mail server is working again)."""
    if not FlaskForm().validate_on_submit():
        return redirect(url_for(".outbox"))
    failed = OutboxMessage.state == MessageState.FAILED
    # The audit record names the first AUDITED_IDS and counts them all.
    named = list(
        db.session.scalars(
            select(OutboxMessage.id).where(failed).order_by(OutboxMessage.id).limit(AUDITED_IDS)
        )
    )
    result = db.session.execute(
        update(OutboxMessage)
        .where(failed)
        .values(state=MessageState.PENDING, due_at=utcnow(), failing_since=None, attempts=0)
    )
    count = cast(CursorResult[Any], result).rowcount
    audit.record("notify.retry", detail={"count": count, "messages": named})
    db.session.commit()
    flash(
        ngettext(
            "%(num)d message is back in line: the sender tries it in its next round.",
            "%(num)d messages are back in line: the sender tries them in its next round.",
            count,
        )
    )
    return redirect(url_for(".outbox"))
