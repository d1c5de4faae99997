"""What every template may use besides its own context: the codes, by name.

Templates compare with ``Outcome.CLINICIAN_REVIEW`` or ``Role.ADMIN``, never with a code typed
again as a string, so that a code is defined once (``app.codes``, ``app.screening.codes``).
They are Jinja globals rather than a context processor: the same for every page, so nothing
runs per render, and imported macros see them too.
"""

from __future__ import annotations

from flask import Flask

from app.codes import PATIENT_DATA_ROLES, Actor, ClearanceDecision, Role, Status
from app.screening.catalogue import Kind
from app.screening.codes import Group, Outcome, StepId

CODES = {
    "Actor": Actor,
    "ClearanceDecision": ClearanceDecision,
    "Group": Group,
    "Kind": Kind,
    "Outcome": Outcome,
    "PATIENT_DATA_ROLES": PATIENT_DATA_ROLES,
    "Role": Role,
    "Status": Status,
    "StepId": StepId,
}


def register_template_globals(app: Flask) -> None:
    """Give every template of ``app`` the codes in ``CODES``."""
    app.jinja_env.globals.update(CODES)
