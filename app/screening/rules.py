"""The decision rules (version 2026.1): a pure function from answers to an outcome and reasons.

Read it beside SPEC section 4. ``RULES`` is the SPEC's rules table, one row per rule: its id,
its group and when it fires. ``outcome_for`` is the SPEC's "first match wins" list.
``evaluate(answers)`` checks the answers against the questionnaire (``app.screening.answers``),
finds every rule that fires, lists them as reasons (by group, then in the table's order) and
picks the outcome. It returns codes only; each rule's patient and staff texts live in
``rule_texts`` and are translated where they are shown. No Flask, WTForms or SQLAlchemy here:
the module is tested without an app or a database.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from app.screening.answers import AnswerError, Answers, check_answers
from app.screening.catalogue import NONE_CODE
from app.screening.codes import Group, Outcome
from app.screening.questions import QUESTIONS

__all__ = [
    "RULES",
    "RULES_VERSION",
    "AnswerError",
    "Decision",
    "Outcome",
    "Rule",
    "evaluate",
    "flagged_questions",
]

RULES_VERSION = "2026.1"


@dataclass(frozen=True, slots=True)
class Answered:
    """Holds when the answer to ``question`` is one of ``codes`` (for a multi-select question:
    when it includes one of them)."""

    question: str
    codes: frozenset[str]

    def holds(self, answers: Answers) -> bool:
        """Whether ``answers`` (already checked) meet this condition."""
        given = answers.get(self.question)
        if given is None:
            return False
        if isinstance(given, str | int):
            return given in self.codes
        return not self.codes.isdisjoint(given)  # a multi-select answer

    def held_by(self, answers: Answers) -> frozenset[str]:
        """The question whose answer makes this condition hold, or none."""
        return frozenset({self.question}) if self.holds(answers) else frozenset()


def answer(question: str, *codes: str) -> Answered:
    """The answer to ``question`` is one of ``codes``."""
    return Answered(question, frozenset(codes))


def yes(question: str) -> Answered:
    """A yes/no question answered yes."""
    return answer(question, "yes")


def includes(question: str, *codes: str) -> Answered:
    """A multi-select answer includes any of ``codes``."""
    return answer(question, *codes)


def includes_any_but_none(question: str) -> Answered:
    """A multi-select answer includes any choice other than "None of these"."""
    return answer(question, *(QUESTIONS[question].codes - {NONE_CODE}))


@dataclass(frozen=True, slots=True)
class Either:
    """Holds when either of two conditions holds."""

    first: Answered
    second: Answered

    def holds(self, answers: Answers) -> bool:
        """Whether ``answers`` (already checked) meet either condition."""
        return self.first.holds(answers) or self.second.holds(answers)

    def held_by(self, answers: Answers) -> frozenset[str]:
        """The questions whose answers make either condition hold."""
        return self.first.held_by(answers) | self.second.held_by(answers)


def either(first: Answered, second: Answered) -> Either:
    """One condition or the other."""
    return Either(first, second)


@dataclass(frozen=True, slots=True)
class Rule:
    """One row of the rules table: the rule fires when its condition holds."""

    id: str
    group: Group
    when: Answered | Either


EMERGENCY, URGENT, CONTRAINDICATION, PRECAUTION, INDICATION, NOTE = Group

# SPEC section 4, "Rules", row for row.
# fmt: off
RULES: tuple[Rule, ...] = (
    Rule("RF_SADDLE_NUMBNESS",           EMERGENCY,        yes("rf_saddle_numbness")),
    Rule("RF_BLADDER_BOWEL",             EMERGENCY,        yes("rf_bladder_bowel")),
    Rule("RF_CHEST_BREATHING",           EMERGENCY,        yes("rf_chest_breathing")),
    Rule("RF_STROKE_SIGNS",              EMERGENCY,        yes("rf_stroke_signs")),
    Rule("RF_FEVER_UNWELL",              URGENT,           yes("rf_fever_unwell")),
    Rule("RF_RECENT_TRAUMA",             URGENT,           yes("rf_recent_trauma")),
    Rule("RF_HOT_SWOLLEN",               URGENT,           yes("rf_hot_swollen")),
    Rule("RF_PROGRESSIVE_WEAKNESS",      URGENT,           yes("rf_progressive_weakness")),
    Rule("CI_PREFERS_NO_NEEDLES",        CONTRAINDICATION, answer("needle_attitude", "prefer_no_needles")),
    Rule("RF_CANCER_HISTORY",            PRECAUTION,       yes("rf_cancer_history")),
    Rule("RF_WEIGHT_LOSS",               PRECAUTION,       yes("rf_weight_loss")),
    Rule("RF_NIGHT_PAIN",                PRECAUTION,       yes("rf_night_pain")),
    Rule("PR_NEEDLE_REACTION",           PRECAUTION,       yes("needle_reaction")),
    Rule("PR_BLEEDING_RISK",             PRECAUTION,       yes("blood_thinners")),
    Rule("PR_IMMUNE",                    PRECAUTION,       yes("immune_weakened")),
    Rule("PR_PREGNANCY",                 PRECAUTION,       answer("pregnant", "yes", "not_sure")),
    Rule("PR_HEART_VALVE",               PRECAUTION,       yes("heart_valve")),
    Rule("PR_IMPLANTED_DEVICE",          PRECAUTION,       yes("implanted_device")),
    Rule("PR_EPILEPSY",                  PRECAUTION,       yes("epilepsy")),
    Rule("PR_METAL_ALLERGY",             PRECAUTION,       yes("metal_allergy")),
    Rule("PR_DIABETES",                  PRECAUTION,       yes("diabetes")),
    Rule("PR_LYMPHEDEMA",                PRECAUTION,       yes("lymphedema")),
    Rule("PR_LUNG",                      PRECAUTION,       yes("lung_condition")),
    Rule("PR_SKIN_AT_SITE",              PRECAUTION,       yes("skin_problem_at_site")),
    Rule("PR_RECENT_SURGERY",            PRECAUTION,       yes("recent_surgery")),
    Rule("PR_UNDER_18",                  PRECAUTION,       answer("age_band", "under_18")),
    Rule("IND_TENNIS_ELBOW",             INDICATION,       includes("diagnoses", "tennis_elbow")),
    Rule("IND_PLANTAR_FASCIITIS",        INDICATION,       includes("diagnoses", "plantar_fasciitis")),
    Rule("IND_TENSION_HEADACHE",         INDICATION,       includes("diagnoses", "tension_headache")),
    Rule("IND_NERVE_PAIN",               INDICATION,       either(includes("diagnoses", "nerve_pain"),
                                                                  includes_any_but_none("nerve_symptoms"))),
    Rule("IND_PERSISTENT_PAIN",          INDICATION,       answer("pain_duration", "3_to_12_months", "over_12_months")),
    Rule("IND_MANUAL_THERAPY_NO_RELIEF", INDICATION,       answer("manual_therapy", "no_lasting_relief")),
    Rule("IND_ACTIVE_THERAPY_WORSE",     INDICATION,       answer("active_therapy", "made_worse")),
    Rule("NOTE_NEEDLE_NERVOUS",          NOTE,             answer("needle_attitude", "nervous")),
)
# fmt: on


def outcome_for(groups: Collection[Group]) -> Outcome:
    """SPEC section 4, "Outcome (first match wins)", from the groups of the rules that fired."""
    if EMERGENCY in groups:
        return Outcome.EMERGENCY
    if URGENT in groups:
        return Outcome.SEE_DOCTOR
    if CONTRAINDICATION in groups:
        return Outcome.NOT_SUITABLE
    if INDICATION not in groups:
        return Outcome.NOT_INDICATED
    if PRECAUTION in groups:
        return Outcome.CLINICIAN_REVIEW
    return Outcome.SUGGEST_CONSULT


RULES_BY_ID: Mapping[str, Rule] = {rule.id: rule for rule in RULES}
# The order reasons are listed in: by group (``Group``'s order), then in the table's order.
REASON_ORDER: tuple[Rule, ...] = tuple(
    rule for group in Group for rule in RULES if rule.group is group
)


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome, the ids of every rule that fired (in reason order), and the rules version."""

    outcome: Outcome
    reasons: tuple[str, ...]
    rules_version: str = RULES_VERSION

    def reasons_in(self, group: Group) -> tuple[str, ...]:
        """The reasons that belong to ``group``."""
        return tuple(r for r in self.reasons if RULES_BY_ID[r].group is group)


def flagged_questions(reasons: Collection[str], answers: Answers) -> frozenset[str]:
    """The questions whose answers fired the rules ``reasons`` names (a stored decision's), for
    the staff to see which answers to look at first."""
    flagged: frozenset[str] = frozenset()
    for rule_id in reasons:
        flagged |= RULES_BY_ID[rule_id].when.held_by(answers)
    return flagged


def evaluate(answers: Answers) -> Decision:
    """Decide what to suggest from a (possibly partial) set of answers.

    Args:
        answers: question id -> choice code; a sequence of codes for multi-select questions and
            an int for ``pain_intensity``. Absent (or ``None``) means "not reported". Contact
            details may be present and play no part.

    Returns:
        The ``Decision``: outcome, the ids of the rules that fired in reason order, rules version.

    Raises:
        AnswerError (a ``ValueError``): an unknown question id, a code the question does not
            offer, a bad ``pain_intensity``, or ``none`` with other codes; names the id.
    """
    check_answers(answers)
    fired = [rule for rule in REASON_ORDER if rule.when.holds(answers)]
    outcome = outcome_for({rule.group for rule in fired})
    return Decision(outcome, tuple(rule.id for rule in fired))
