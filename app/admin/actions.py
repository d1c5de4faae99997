"""Every action the audit log records, with the words an admin reads for it.

One list for the log's filter (its options, and the values it accepts) and for the log's rows;
the CSV export keeps the codes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext  # a name pybabel extracts, with its context
from wtforms.fields.choices import SelectChoice

from app.codes import Actor
from app.models import AuditEvent

# Every action the app records, with the label admins read, grouped by the prefix the filter
# can also match on: the one list of actions for the filter's options and the log's rows (the
# CSV export keeps the codes). An action missing here (an old record of a code no longer used)
# is still stored and shown, by its code; it only lacks its own entry in the filter.
# tests/admin/test_audit_labels.py finds every code the app records and checks it is here.
ACTION_GROUPS: dict[str, tuple[Any, tuple[tuple[str, Any], ...]]] = {
    "auth.": (
        _l("Sign-in"),
        (
            ("auth.login", _l("Successful sign-in")),
            ("auth.login_failed", _l("Failed sign-in")),
            ("auth.second_factor_failed", _l("Failed second factor")),
            ("auth.second_factor_enrolled", _l("Second factor set up")),
            ("auth.password_changed", _l("Password changed")),
            ("auth.password_change_failed", _l("Failed password change")),
            ("auth.logout", _l("Sign-out")),
        ),
    ),
    "submission.": (
        _l("Submissions"),
        (
            ("submission.create", _l("Submission received")),
            ("submission.view", _l("Submission viewed")),
            ("submission.print", _l("Print view opened")),
            ("submission.pdf", _l("PDF downloaded")),
            ("submission.fhir", _l("FHIR record downloaded")),
            ("submission.status", _l("Submission status changed")),
            ("submission.note", _l("Note added")),
            ("submission.clearance", _l("Clearance decision recorded")),
            ("submission.attempt", _l("Contact attempt recorded")),
            ("submission.assign", _l("Submission assigned or unassigned")),
            ("submission.search", _l("Patient search")),
            ("submission.export", _l("Submissions export started")),
            ("submission.export_sent", _l("Submissions export ended")),
        ),
    ),
    "queue.": (_l("Queue"), (("queue.view", _l("Queue viewed")),)),
    "staff.": (
        _l("Staff accounts"),
        (
            ("staff.create", _l("Account created")),
            ("staff.role", _l("Role changed")),
            ("staff.disable", _l("Account disabled")),
            ("staff.enable", _l("Account enabled")),
            ("staff.reset_2fa", _l("Second factor reset")),
            ("staff.reset_password", _l("Password reset by an administrator")),
            ("staff.sign_out_everywhere", _l("Account signed out everywhere")),
            ("staff.secrets_sealed", _l("Second-factor secrets sealed")),
            ("staff.list", _l("Account list viewed")),
            ("staff.view", _l("Account viewed")),
        ),
    ),
    "audit.": (
        _l("Audit log"),
        (
            ("audit.view", _l("Audit log viewed")),
            ("audit.export", _l("Audit log exported")),
            ("audit.report", _l("Access report viewed")),
            ("audit.report_export", _l("Access report downloaded")),
        ),
    ),
    "settings.": (
        _l("Clinic settings"),
        (
            ("settings.view", _l("Settings viewed")),
            ("settings.change", _l("Settings changed")),
        ),
    ),
    "notify.": (
        _l("Notifications"),
        (
            ("notify.sent", _l("Email sent")),
            ("notify.failed", _l("Email given up")),
            ("notify.retry", _l("Given-up emails put back in line")),
            ("notify.outbox_view", _l("Outgoing email viewed")),
            ("notify.preferences_view", _l("Notification choice viewed")),
            ("notify.preferences_change", _l("Notification choice changed")),
        ),
    ),
    "statistics.": (
        _l("Statistics"),
        (
            ("statistics.view", _l("Statistics viewed")),
            ("statistics.export", _l("Statistics downloaded")),
            ("statistics.recount", _l("Statistics counted again")),
        ),
    ),
    "demo_data.": (_l("Demo data"), (("demo_data.create", _l("Demo data created")),)),
    "backup.": (_l("Backups"), (("backup.create", _l("Backup made")),)),
    "retention.": (
        _l("Data retention"),
        (
            ("retention.view", _l("Purge preview viewed")),
            ("retention.purge", _l("Old submissions and drafts deleted")),
        ),
    ),
}

# Each action's label by its code.
ACTION_LABELS: dict[str, Any] = {
    code: label for _group, actions in ACTION_GROUPS.values() for code, label in actions
}


def action_choices() -> list[SelectChoice]:
    """ "Any", then each group (a prefix, e.g. ``auth.*``) followed by its actions: each
    offered by its label, sent as its code (links and bookmarks keep working)."""
    # Its own context: "Any" agrees with its noun in French (une action: « Toutes »).
    choices = [SelectChoice("", pgettext("audit log action filter", "Any"))]
    for prefix, (group, actions) in ACTION_GROUPS.items():
        every = _l("All (%(prefix)s*)", prefix=prefix)
        choices.append(SelectChoice(f"{prefix}*", every, {}, group))
        choices.extend(SelectChoice(code, label, {}, group) for code, label in actions)
    return choices


def known_filter_actions() -> frozenset[str]:
    """The values the action filter accepts."""
    return frozenset(choice.value for choice in action_choices() if choice.value)


def who_did(event: AuditEvent, names: Mapping[int, str]) -> str:
    """Who made ``event``, in words: the staff member's name (``names``, disabled accounts
    included), a patient, or the system."""
    if event.staff_id is not None:
        return names.get(event.staff_id) or gettext("staff member %(id)s", id=event.staff_id)
    if event.actor_type == Actor.PATIENT:
        return gettext("patient")
    if event.actor_type == Actor.SYSTEM:
        return gettext("system")
    return gettext("unknown")
