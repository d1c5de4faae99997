"""Database models: questionnaire drafts and submissions, the terms staff find them by, their
follow-up (status changes, contact attempts, assignments, notes, clearance decisions), staff
accounts, sessions and recovery codes, the clinic's settings, the outbox of messages to send,
the statistics' daily counts, and the audit log.

One module per part; every model is imported from here (``from app.models import Submission``).
"""

from app.models.audit import APPEND_ONLY, AuditEvent, AuditLogIsAppendOnly
from app.models.common import one_of
from app.models.follow_up import Assignment, Clearance, ContactAttempt, Note, StatusChange
from app.models.outbox import EVENT_KEY_MAX, OutboxMessage
from app.models.settings import SETTING_NAME_MAX, ClinicSetting, SettingChange
from app.models.staff import STAFF_NAME_MAX, RecoveryCode, StaffSession, StaffUser
from app.models.statistics import COUNT_KEY_MAX, DailyCount
from app.models.submissions import (
    ASSIGNEE_FILTERS,
    SEARCH_TERM_MAX,
    Draft,
    SearchTerm,
    Submission,
    add_search_terms,
    search_terms,
)

__all__ = [
    "APPEND_ONLY",
    "ASSIGNEE_FILTERS",
    "COUNT_KEY_MAX",
    "EVENT_KEY_MAX",
    "SEARCH_TERM_MAX",
    "SETTING_NAME_MAX",
    "STAFF_NAME_MAX",
    "Assignment",
    "AuditEvent",
    "AuditLogIsAppendOnly",
    "Clearance",
    "ClinicSetting",
    "ContactAttempt",
    "DailyCount",
    "Draft",
    "Note",
    "OutboxMessage",
    "RecoveryCode",
    "SearchTerm",
    "SettingChange",
    "StaffSession",
    "StaffUser",
    "StatusChange",
    "Submission",
    "add_search_terms",
    "one_of",
    "search_terms",
]
