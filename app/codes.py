"""The workspace's codes: follow-up statuses, staff roles, sign-in stages and who acted.

Defined here once and imported everywhere else: the models (their CHECK constraints), forms,
views, templates (``app.templating`` gives them to every template) and tests. Each is a
``StrEnum``, so a member equals the code stored in the database and sent in forms. The
questionnaire's own codes (steps, rule groups, outcomes) are in ``app.screening.codes``, where
the pure rules can import them.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """Where a submission's follow-up stands (SPEC section 5)."""

    NEW = "new"
    CONTACTED = "contacted"
    BOOKED = "booked"
    REFERRED = "referred"
    DECLINED = "declined"
    CLOSED = "closed"


# Statuses that end the follow-up.
CLOSED_STATUSES = frozenset({Status.BOOKED, Status.REFERRED, Status.DECLINED, Status.CLOSED})


class Role(StrEnum):
    """What a staff member may do (SPEC section 5)."""

    FRONT_DESK = "front_desk"
    CLINICIAN = "clinician"
    ADMIN = "admin"


# The roles that see patients' answers and contact details (admins do not).
PATIENT_DATA_ROLES = frozenset({Role.FRONT_DESK, Role.CLINICIAN})


class Stage(StrEnum):
    """How far a staff session has gone through sign-in."""

    TOTP = "totp"  # password accepted, second factor awaited
    ENROL = "enrol"  # password accepted, second factor being set up
    FULL = "full"  # signed in


class Actor(StrEnum):
    """Who an audit record's action was taken by."""

    PATIENT = "patient"
    STAFF = "staff"
    SYSTEM = "system"


class ClearanceDecision(StrEnum):
    """A clinician's clearance decision on a ``clinician_review`` submission."""

    CLEARED = "cleared"
    NOT_CLEARED = "not_cleared"


class Channel(StrEnum):
    """How the clinic tried to reach a patient."""

    PHONE = "phone"
    EMAIL = "email"


class AttemptResult(StrEnum):
    """What came of one try to reach a patient (SPEC section 5)."""

    REACHED = "reached"
    NO_ANSWER = "no_answer"
    LEFT_MESSAGE = "left_message"
    WRONG_NUMBER = "wrong_number"


class SearchKind(StrEnum):
    """What a search term of a submission was made from (``app.staff.search``)."""

    NAME = "n"  # one word of the patient's name
    PHONE = "p"  # the phone number's digits
    EMAIL = "e"  # the e-mail address


class NotifyMode(StrEnum):
    """How a staff member hears about what waits for them (their notifications page)."""

    EACH = "each"  # one message per event, at once
    HOURLY = "hourly"  # one message an hour listing the events
    DAILY = "daily"  # one message a day, at a time they pick
    NONE = "none"


class MessageKind(StrEnum):
    """What an outbox message tells its recipient. None of them says anything about health."""

    NEW_REVIEW = "new_review"  # a new enquiry a clinician must review (to clinicians)
    NEW_CALL = "new_call"  # a new enquiry to contact (to the front desk)
    FOLLOW_UP_DUE = "follow_up_due"  # a follow-up date has come
    PAST_TARGET = "past_target"  # a new enquiry past the clinic's response target
    RECEIPT = "receipt"  # to the patient who asked: the clinic received their answers


class MessageState(StrEnum):
    """Where an outbox message stands."""

    PENDING = "pending"  # waiting for its time, or for a retry
    SENDING = "sending"  # claimed by a sender until its lease ends
    SENT = "sent"
    FAILED = "failed"  # given up: shown to admins
    DROPPED = "dropped"  # not sent: its recipient was disabled or stopped notifications


class Counted(StrEnum):
    """What the statistics count on each of the clinic's days (``app.statistics.counting``);
    each with the key it is counted by."""

    OUTCOME = "outcome"  # submissions received, by outcome
    LANGUAGE = "language"  # submissions received, by the language they were sent in
    RULE = "rule"  # rules that fired, by rule id
    FATE = "fate"  # submissions received, by outcome and status now ("suggest_consult:booked")
    WAIT = "wait"  # first contact attempts, by how long after the submission (wait band)
    TARGET = "target"  # first contact attempts, within the response target or not ("met")
    LEFT = "left"  # questionnaires left unsent, by the last step answered
