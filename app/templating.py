"""What every template may use besides its own context: the codes, by name, and the form
widgets' helpers (templates/_macros/forms.html).

Templates compare with ``Outcome.CLINICIAN_REVIEW`` or ``Role.ADMIN``, never with a code typed
again as a string, so that a code is defined once (``app.codes``, ``app.screening.codes``).
They are Jinja globals rather than a context processor: the same for every page, so nothing
runs per render, and imported macros see them too.
"""

from __future__ import annotations

from flask import Flask
from markupsafe import Markup

from app.codes import PATIENT_DATA_ROLES, Actor, ClearanceDecision, MessageState, Role, Status
from app.screening.catalogue import Kind
from app.screening.codes import BOOKABLE_OUTCOMES, SAFETY_STOP_OUTCOMES, Group, Outcome, StepId

CODES = {
    "Actor": Actor,
    "BOOKABLE_OUTCOMES": BOOKABLE_OUTCOMES,
    "ClearanceDecision": ClearanceDecision,
    "Group": Group,
    "Kind": Kind,
    "MessageState": MessageState,
    "Outcome": Outcome,
    "PATIENT_DATA_ROLES": PATIENT_DATA_ROLES,
    "Role": Role,
    "SAFETY_STOP_OUTCOMES": SAFETY_STOP_OUTCOMES,
    "Status": Status,
    "StepId": StepId,
}


def describedby_ids(input_id: str, hint: object, error: object, hint_id: str | None = None) -> str:
    """The ids of what describes an input, as aria-describedby lists them: a hint shown elsewhere
    on the page for several fields (``hint_id``), its own hint, its error; empty when none."""
    ids = (hint_id, f"{input_id}-hint" if hint else None, f"{input_id}-error" if error else None)
    return " ".join(i for i in ids if i)


def describedby(input_id: str, hint: object, error: object, hint_id: str | None = None) -> Markup:
    """The same as an attribute with its leading space, or nothing."""
    ids = describedby_ids(input_id, hint, error, hint_id)
    return Markup(' aria-describedby="{}"').format(ids) if ids else Markup("")


def register_template_globals(app: Flask) -> None:
    """Give every template of ``app`` the codes in ``CODES`` and the widgets' helpers."""
    app.jinja_env.globals.update(CODES)
    app.jinja_env.globals.update(describedby=describedby, describedby_ids=describedby_ids)
