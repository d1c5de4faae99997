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
