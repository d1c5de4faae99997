"""The questionnaire's and the rules' codes: steps, rule groups and outcomes (SPEC sections 3-4).

Defined here once and imported everywhere else: the catalogue, the rules, the models' CHECK
constraints, the forms, the templates (``app.templating`` gives them to every template) and the
tests. Each is a ``StrEnum``, so a member equals its code (``Outcome.EMERGENCY == "emergency"``)
and a code read back from the database compares equal to it. Pure: no framework imports.
"""

from __future__ import annotations

from enum import StrEnum


class StepId(StrEnum):
    """The questionnaire's steps, in the order a patient answers them."""

    SAFETY = "safety"
    PAIN = "pain"
    HISTORY = "history"
    HEALTH = "health"
    CONTACT = "contact"


class Group(StrEnum):
    """Rule groups, in the order a decision lists its reasons."""

    EMERGENCY = "emergency"
    URGENT = "urgent"
    CONTRAINDICATION = "contraindication"
    PRECAUTION = "precaution"
    INDICATION = "indication"
    NOTE = "note"


class Outcome(StrEnum):
    """What the screen suggests, most to least urgent."""

    EMERGENCY = "emergency"
    SEE_DOCTOR = "see_doctor"
    NOT_SUITABLE = "not_suitable"
    NOT_INDICATED = "not_indicated"
    CLINICIAN_REVIEW = "clinician_review"
    SUGGEST_CONSULT = "suggest_consult"


# The outcomes that end the questionnaire at the safety step (SPEC section 2, "Safety first").
SAFETY_STOP_OUTCOMES = frozenset({Outcome.EMERGENCY, Outcome.SEE_DOCTOR})
# The outcomes whose result page offers the clinic's online booking (when it has a link): not
# a safety stop, and not a clinician review, which waits for a physiotherapist's decision.
BOOKABLE_OUTCOMES = frozenset(
    {Outcome.SUGGEST_CONSULT, Outcome.NOT_INDICATED, Outcome.NOT_SUITABLE}
)
