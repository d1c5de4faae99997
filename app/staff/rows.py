"""What each row of the queue says: who has it, what was last done, and what is due when, in
words (overdue is said, never shown by colour alone).

A page words its rows here, in Python, with the language and time zone read once for the page
and Babel's formatters called directly: the template only places the words. Worded in Jinja,
each row's dates, durations and labels went through Flask-Babel's per-call lookups of the
request's locale and zone, which made rendering most of a queue page's time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from babel import Locale
from babel.dates import format_datetime, format_timedelta
from flask_babel import get_locale, get_timezone, gettext, lazy_gettext, ngettext
from sqlalchemy import select

from app.codes import CLOSED_STATUSES
from app.database import AnySession
from app.dates import response_due_at
from app.models import StaffUser, Submission
from app.staff.forms import CHANNEL_LABELS, RESULT_LABELS, STATUS_LABELS
from app.worklist import Work

LAST_ACTION_WORDS = {
    "note": lazy_gettext("Note added"),
    "assign": lazy_gettext("Assigned"),
    "unassign": lazy_gettext("Unassigned"),
    "clearance:cleared": lazy_gettext("Cleared for booking"),
    "clearance:not_cleared": lazy_gettext("Not cleared"),
}
FOLLOW_UP_FORMAT = "EEE d MMM, HH:mm"  # Wed 2 Dec, 14:30 / mer. 2 déc., 14:30


def last_action_words(code: str) -> str:
    """A last action's code (``app.staff.service._acted``) in words."""
    kind, _, detail = code.partition(":")
    if kind == "status":
        return gettext("Status: %(status)s", status=STATUS_LABELS.get(detail, detail))
    if kind == "attempt":
        channel, _, result = detail.partition("/")
        return gettext(
            "%(channel)s: %(result)s",
            channel=CHANNEL_LABELS.get(channel, channel),
            result=RESULT_LABELS.get(result, result),
        )
    words = LAST_ACTION_WORDS.get(code) or LAST_ACTION_WORDS.get(kind)
    return str(words) if words else code


@dataclass(frozen=True, slots=True)
class Due:
    """What is due for a submission, in words, and whether it is late."""

    words: str
    overdue: bool


class Words:
    """Dates, durations and sentences in the page's language and the clinic's time zone: the
    language, zone and each sentence's translation read once for the page, then filled in
    for each row."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.locale: Locale = get_locale() or Locale("en")
        self.zone: tzinfo = get_timezone()
        # gettext without values gives the translated sentence with its placeholders.
        self.ago_text = gettext("%(ago)s ago")
        self.by_text = gettext("%(who)s, %(ago)s")
        self.overdue_text = gettext("Follow-up overdue since %(when)s")
        self.follow_up_text = gettext("Follow-up due %(when)s")
        self.late_text = gettext("Past the response target by %(late)s")
        self.left_text = gettext("Respond within %(left)s")

    def duration(self, delta: timedelta) -> str:
        return format_timedelta(delta, locale=self.locale)

    def ago(self, moment: datetime) -> str:
        return self.ago_text % {"ago": self.duration(self.now - moment)}

    def moment(self, moment: datetime, form: str = "short") -> str:
        return format_datetime(moment, form, tzinfo=self.zone, locale=self.locale)

    def due(self, submission: Submission) -> Due | None:
        """The response target for an enquiry nobody has tried to reach yet, the follow-up
        date of one that has one; None when nothing is due (closed, a safety stop, or
        waiting)."""
        if submission.work is None or submission.status in CLOSED_STATUSES:
            return None
        if submission.follow_up_due is not None:
            when = self.moment(submission.follow_up_due, FOLLOW_UP_FORMAT)
            if submission.follow_up_due <= self.now:
                return Due(self.overdue_text % {"when": when}, True)
            return Due(self.follow_up_text % {"when": when}, False)
        if submission.work in (Work.REVIEW, Work.NEW) and submission.attempts == 0:
            due = response_due_at(submission.created_at)
            if due <= self.now:
                return Due(self.late_text % {"late": self.duration(self.now - due)}, True)
            return Due(self.left_text % {"left": self.duration(due - self.now)}, False)
        return None


def due_of(submission: Submission, now: datetime) -> Due | None:
    """What is due for ``submission`` at ``now`` (the submission page's summary)."""
    return Words(now).due(submission)


@dataclass(frozen=True, slots=True)
class Row:
    """One submission as a queue row shows it, worded."""

    submission: Submission
    assignee: str | None
    last_action: str | None
    last_by: str | None  # who and how long ago
    attempts: str | None
    due: Due | None
    received: str
    received_ago: str


def queue_rows(session: AnySession, submissions: Iterable[Submission], now: datetime) -> list[Row]:
    """The rows of a page, with the names of the staff they mention read in one query."""
    found = list(submissions)
    ids = {s.assignee_id for s in found} | {s.last_action_by for s in found}
    ids.discard(None)
    query = select(StaffUser.id, StaffUser.name).where(StaffUser.id.in_(ids))
    names: dict[int, str] = {row.id: row.name for row in session.execute(query)} if ids else {}
    words = Words(now)
    rows = []
    for s in found:
        by = names.get(s.last_action_by, "?") if s.last_action_by else "?"
        rows.append(
            Row(
                submission=s,
                assignee=names.get(s.assignee_id) if s.assignee_id else None,
                last_action=last_action_words(s.last_action) if s.last_action else None,
                last_by=words.by_text % {"who": by, "ago": words.ago(s.last_action_at)}
                if s.last_action and s.last_action_at
                else None,
                attempts=ngettext("%(num)s contact attempt", "%(num)s contact attempts", s.attempts)
                if s.attempts
                else None,
                due=words.due(s),
                received=words.moment(s.created_at),
                received_ago=words.ago(s.created_at),
            )
        )
    return rows
