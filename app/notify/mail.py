"""The e-mails: what each says (text and a simple HTML part, in the recipient's language), who
it goes to, and the connection to the mail server.

A message never says anything about health: a staff message names the kind of thing waiting,
its reference and a link to the staff page (sign-in required); a receipt says the clinic
received the patient's answers, their reference, and when the clinic will contact them.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale, format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.codes import Channel, MessageKind
from app.dates import response_due_at
from app.models import OutboxMessage, StaffUser, Submission
from app.screening.presenters import clinic_details
from app.settings.store import current

SMTP_TIMEOUT = 20  # seconds for the mail server to answer each command


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One e-mail to send and the outbox rows it delivers (several for a digest)."""

    rows: tuple[OutboxMessage, ...]
    message: EmailMessage


# What each kind of staff message says waits: nothing about the patient or their answers.
WAITING = {
    MessageKind.NEW_REVIEW: _l("New enquiry"),
    MessageKind.NEW_CALL: _l("New enquiry"),
    MessageKind.FOLLOW_UP_DUE: _l("Follow-up due"),
    MessageKind.PAST_TARGET: _l("Past the response target"),
}


@dataclass(frozen=True, slots=True)
class Item:
    """One line of a staff message: what waits, its reference and its page."""

    what: str
    reference: str
    link: str


def staff_subject(items: list[Item]) -> str:
    """A staff message's subject: the one thing waiting and its reference, or how many."""
    if len(items) == 1:
        return _("%(what)s: %(reference)s", what=items[0].what, reference=items[0].reference)
    return ngettext("%(num)d item waits for you", "%(num)d items wait for you", len(items))


def link(endpoint: str, **values: Any) -> str:
    """The full address of a page, on PUBLIC_URL (a sender has no request to take it from)."""
    public = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(
        public.netloc, script_name=public.path or "/", url_scheme=public.scheme
    )
    return adapter.build(endpoint, values, force_external=True)


def _message(
    to: str, subject: str, template: str, rows: list[OutboxMessage], **context: Any
) -> EmailMessage:
    config = current_app.config
    message = EmailMessage()
    message["From"] = formataddr((current().site_name, config["MAIL_SENDER"]))
    message["To"] = to
    message["Subject"] = subject
    # The same id each time these rows are tried again: a mail server that sees it twice can
    # tell it is one message.
    domain = config["MAIL_SENDER"].rpartition("@")[2] or "localhost"
    message["Message-ID"] = f"<outbox.{'.'.join(str(row.id) for row in rows)}@{domain}>"
    message["Auto-Submitted"] = "auto-generated"
    context["clinic"] = clinic_details()
    message.set_content(render_template(f"email/{template}.txt", **context))
    message.add_alternative(render_template(f"email/{template}.html", **context), subtype="html")
    return message


def for_staff(staff: StaffUser, rows: list[OutboxMessage], references: dict[int, str]) -> Outgoing:
    """The message telling ``staff`` of ``rows`` (one, or a digest of several)."""
    with force_locale(rows[0].locale):  # the language chosen, kept on each row
        items = [
            Item(
                str(WAITING[MessageKind(row.kind)]),
                references[row.submission_id],
                link("staff.submission", reference=references[row.submission_id]),
            )
            for row in rows
        ]
        message = _message(
            staff.email,
            staff_subject(items),
            "staff",
            rows,
            items=items,
            queue=link("staff.queue"),
            preferences=link("notify.preferences"),
        )
    return Outgoing(tuple(rows), message)


def receipt(row: OutboxMessage, submission: Submission) -> Outgoing:
    """The patient's receipt: their reference and when the clinic will contact them."""
    if not submission.email:
        raise ValueError("a receipt is written only for a patient who gave an e-mail")
    with force_locale(row.locale):
        subject = _("%(clinic)s received your answers", clinic=current().site_name)
        message = _message(
            submission.email,
            subject,
            "receipt",
            [row],
            reference=submission.reference,
            by_email=submission.contact_preference == Channel.EMAIL,
            respond_by=format_date(response_due_at(submission.created_at), "full"),
        )
    return Outgoing((row,), message)


def connect() -> smtplib.SMTP:
    """A connection to the mail server, secured and signed in as configured."""
    config = current_app.config
    host, port, security = config["SMTP_HOST"], config["SMTP_PORT"], config["SMTP_SECURITY"]
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if security == "tls":
        smtp = smtplib.SMTP_SSL(host, port, timeout=SMTP_TIMEOUT, context=context)
    else:
        smtp = smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT)
        if security == "starttls":
            smtp.starttls(context=context)
    if config["SMTP_USER"]:
        smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"] or "")
    return smtp


def problems() -> list[str]:
    """What keeps the sender from starting: settings it needs and lacks."""
    config = current_app.config
    needed = ("SMTP_HOST", "MAIL_SENDER", "PUBLIC_URL")
    return [f"{name} is not set." for name in needed if not config.get(name)]
