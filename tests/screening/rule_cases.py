"""Answer sets shared by the rules tests: an all-negative baseline and helpers."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

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
