"""Answer sets shared by the rules tests: an all-negative baseline and helpers."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from app.screening.codes import Group
from app.screening.rules import Either, Rule

AnswerValue = str | int | Sequence[str]
Answers = dict[str, AnswerValue]

# Every clinical question answered so that no rule fires ("no", "none", or a harmless code).
BASELINE: Answers = {
    "rf_saddle_numbness": "no",
    "rf_bladder_bowel": "no",
    "rf_chest_breathing": "no",
    "rf_stroke_signs": "no",
    "rf_fever_unwell": "no",
    "rf_recent_trauma": "no",
    "rf_hot_swollen": "no",
    "rf_progressive_weakness": "no",
    "rf_cancer_history": "no",
    "rf_weight_loss": "no",
    "rf_night_pain": "no",
    "pain_areas": ["lower_back"],
    "pain_duration": "under_6_weeks",
    "pain_intensity": 5,
    "diagnoses": ["none"],
    "nerve_symptoms": ["none"],
    "manual_therapy": "not_tried",
    "active_therapy": "not_tried",
    "needle_attitude": "comfortable",
    "needle_reaction": "no",
    "blood_thinners": "no",
    "immune_weakened": "no",
    "pregnant": "no",
    "heart_valve": "no",
    "implanted_device": "no",
    "epilepsy": "no",
    "metal_allergy": "no",
    "diabetes": "no",
    "lymphedema": "no",
    "lung_condition": "no",
    "skin_problem_at_site": "no",
    "recent_surgery": "no",
    "age_band": "18_to_64",
}

# One indication whose question no other group reads, to combine with rules of other groups.
INDICATION: Answers = {"pain_duration": "over_12_months"}

CONTACT: Answers = {
    "full_name": "Ada Lovelace",
    "email": "ada@example.org",
    "phone": "+1 (555) 010-0000",
    "contact_preference": "email",
    "comments": "Mornings are best.",
    "consent": "y",
}


def with_baseline(*parts: Mapping[str, AnswerValue]) -> Answers:
    """The baseline overlaid with ``parts``, later ones winning."""
    merged: Answers = dict(BASELINE)
    for part in parts:
        merged.update(part)
    return merged


def _ids(value: object) -> str:
    return re.sub(r"\W+", "-", repr(value)).strip("-")[:60]


# SPEC section 4 rules table, in order: (rule id, group, {question id: codes that fire it}).
SPEC_RULES: list[tuple[str, Group, dict[str, frozenset[str]]]] = [
    ("RF_SADDLE_NUMBNESS", Group.EMERGENCY, {"rf_saddle_numbness": frozenset({"yes"})}),
    ("RF_BLADDER_BOWEL", Group.EMERGENCY, {"rf_bladder_bowel": frozenset({"yes"})}),
    ("RF_CHEST_BREATHING", Group.EMERGENCY, {"rf_chest_breathing": frozenset({"yes"})}),
    ("RF_STROKE_SIGNS", Group.EMERGENCY, {"rf_stroke_signs": frozenset({"yes"})}),
    ("RF_FEVER_UNWELL", Group.URGENT, {"rf_fever_unwell": frozenset({"yes"})}),
    ("RF_RECENT_TRAUMA", Group.URGENT, {"rf_recent_trauma": frozenset({"yes"})}),
    ("RF_HOT_SWOLLEN", Group.URGENT, {"rf_hot_swollen": frozenset({"yes"})}),
    ("RF_PROGRESSIVE_WEAKNESS", Group.URGENT, {"rf_progressive_weakness": frozenset({"yes"})}),
    (
        "CI_PREFERS_NO_NEEDLES",
        Group.CONTRAINDICATION,
        {"needle_attitude": frozenset({"prefer_no_needles"})},
    ),
    ("RF_CANCER_HISTORY", Group.PRECAUTION, {"rf_cancer_history": frozenset({"yes"})}),
    ("RF_WEIGHT_LOSS", Group.PRECAUTION, {"rf_weight_loss": frozenset({"yes"})}),
    ("RF_NIGHT_PAIN", Group.PRECAUTION, {"rf_night_pain": frozenset({"yes"})}),
    ("PR_NEEDLE_REACTION", Group.PRECAUTION, {"needle_reaction": frozenset({"yes"})}),
    ("PR_BLEEDING_RISK", Group.PRECAUTION, {"blood_thinners": frozenset({"yes"})}),
    ("PR_IMMUNE", Group.PRECAUTION, {"immune_weakened": frozenset({"yes"})}),
    ("PR_PREGNANCY", Group.PRECAUTION, {"pregnant": frozenset({"yes", "not_sure"})}),
    ("PR_HEART_VALVE", Group.PRECAUTION, {"heart_valve": frozenset({"yes"})}),
    ("PR_IMPLANTED_DEVICE", Group.PRECAUTION, {"implanted_device": frozenset({"yes"})}),
    ("PR_EPILEPSY", Group.PRECAUTION, {"epilepsy": frozenset({"yes"})}),
    ("PR_METAL_ALLERGY", Group.PRECAUTION, {"metal_allergy": frozenset({"yes"})}),
    ("PR_DIABETES", Group.PRECAUTION, {"diabetes": frozenset({"yes"})}),
    ("PR_LYMPHEDEMA", Group.PRECAUTION, {"lymphedema": frozenset({"yes"})}),
    ("PR_LUNG", Group.PRECAUTION, {"lung_condition": frozenset({"yes"})}),
    ("PR_SKIN_AT_SITE", Group.PRECAUTION, {"skin_problem_at_site": frozenset({"yes"})}),
    ("PR_RECENT_SURGERY", Group.PRECAUTION, {"recent_surgery": frozenset({"yes"})}),
    ("PR_UNDER_18", Group.PRECAUTION, {"age_band": frozenset({"under_18"})}),
    ("IND_TENNIS_ELBOW", Group.INDICATION, {"diagnoses": frozenset({"tennis_elbow"})}),
    ("IND_PLANTAR_FASCIITIS", Group.INDICATION, {"diagnoses": frozenset({"plantar_fasciitis"})}),
    ("IND_TENSION_HEADACHE", Group.INDICATION, {"diagnoses": frozenset({"tension_headache"})}),
    (
        "IND_NERVE_PAIN",
        Group.INDICATION,
        {
            "diagnoses": frozenset({"nerve_pain"}),
            "nerve_symptoms": frozenset(
                {"burning", "electric_shooting", "pins_and_needles", "numbness"}
            ),
        },
    ),
    (
        "IND_PERSISTENT_PAIN",
        Group.INDICATION,
        {"pain_duration": frozenset({"3_to_12_months", "over_12_months"})},
    ),
    (
        "IND_MANUAL_THERAPY_NO_RELIEF",
        Group.INDICATION,
        {"manual_therapy": frozenset({"no_lasting_relief"})},
    ),
    ("IND_ACTIVE_THERAPY_WORSE", Group.INDICATION, {"active_therapy": frozenset({"made_worse"})}),
    ("NOTE_NEEDLE_NERVOUS", Group.NOTE, {"needle_attitude": frozenset({"nervous"})}),
]


def conditions(rule: Rule) -> dict[str, frozenset[str]]:
    """A rule of ``app.screening.rules`` as a row of ``SPEC_RULES``: question id -> codes."""
    parts = (rule.when.first, rule.when.second) if isinstance(rule.when, Either) else (rule.when,)
    return {part.question: part.codes for part in parts}
