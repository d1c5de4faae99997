"""Table-driven tests of the decision rules (SPEC section 4) in ``app.screening.rules``.

Every answer set is built from an all-negative baseline (every clinical question answered, no
rule firing) or given as a minimal partial mapping, plus the answers a case names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import pytest

from app.screening.questions import CLINICAL_QUESTIONS
from app.screening.rules import (
    RULES,
    RULES_BY_ID,
    RULES_VERSION,
    Decision,
    Group,
    Outcome,
    evaluate,
)

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


# --- (1) SPEC section 4 "Examples" --------------------------------------------------------

EXAMPLES: list[tuple[Answers, Outcome, tuple[str, ...]]] = [
    ({"rf_bladder_bowel": "yes"}, Outcome.EMERGENCY, ("RF_BLADDER_BOWEL",)),
    (
        {"rf_fever_unwell": "yes", "diagnoses": ["tennis_elbow"]},
        Outcome.SEE_DOCTOR,
        ("RF_FEVER_UNWELL", "IND_TENNIS_ELBOW"),
    ),
    (
        {
            "diagnoses": ["plantar_fasciitis"],
            "pain_duration": "over_12_months",
            "needle_attitude": "comfortable",
        },
        Outcome.SUGGEST_CONSULT,
        ("IND_PLANTAR_FASCIITIS", "IND_PERSISTENT_PAIN"),
    ),
    (
        {
            "pain_duration": "under_6_weeks",
            "manual_therapy": "helped",
            "needle_attitude": "comfortable",
        },
        Outcome.NOT_INDICATED,
        (),
    ),
    (
        {"needle_attitude": "prefer_no_needles", "pain_duration": "over_12_months"},
        Outcome.NOT_SUITABLE,
        ("CI_PREFERS_NO_NEEDLES", "IND_PERSISTENT_PAIN"),
    ),
    (
        {"blood_thinners": "yes", "active_therapy": "made_worse"},
        Outcome.CLINICIAN_REVIEW,
        ("PR_BLEEDING_RISK", "IND_ACTIVE_THERAPY_WORSE"),
    ),
]


@pytest.mark.parametrize(("answers", "outcome", "reasons"), EXAMPLES, ids=_ids)
def test_spec_example_minimal(answers: Answers, outcome: Outcome, reasons: tuple[str, ...]) -> None:
    decision = evaluate(answers)
    assert decision.outcome == outcome
    assert decision.reasons == reasons


@pytest.mark.parametrize(("answers", "outcome", "reasons"), EXAMPLES, ids=_ids)
def test_spec_example_on_full_baseline(
    answers: Answers, outcome: Outcome, reasons: tuple[str, ...]
) -> None:
    decision = evaluate(with_baseline(answers))
    assert decision.outcome == outcome
    assert decision.reasons == reasons


def test_baseline_answers_every_clinical_question_and_fires_nothing() -> None:
    assert set(BASELINE) == set(CLINICAL_QUESTIONS)
    assert evaluate(BASELINE) == Decision(Outcome.NOT_INDICATED, (), RULES_VERSION)


# --- (2) one row per rule -----------------------------------------------------------------

# (rule id, group per SPEC, the one answer that triggers it)
RULE_ROWS: list[tuple[str, str, Answers]] = [
    ("RF_SADDLE_NUMBNESS", "emergency", {"rf_saddle_numbness": "yes"}),
    ("RF_BLADDER_BOWEL", "emergency", {"rf_bladder_bowel": "yes"}),
    ("RF_CHEST_BREATHING", "emergency", {"rf_chest_breathing": "yes"}),
    ("RF_STROKE_SIGNS", "emergency", {"rf_stroke_signs": "yes"}),
    ("RF_FEVER_UNWELL", "urgent", {"rf_fever_unwell": "yes"}),
    ("RF_RECENT_TRAUMA", "urgent", {"rf_recent_trauma": "yes"}),
    ("RF_HOT_SWOLLEN", "urgent", {"rf_hot_swollen": "yes"}),
    ("RF_PROGRESSIVE_WEAKNESS", "urgent", {"rf_progressive_weakness": "yes"}),
    ("CI_PREFERS_NO_NEEDLES", "contraindication", {"needle_attitude": "prefer_no_needles"}),
    ("RF_CANCER_HISTORY", "precaution", {"rf_cancer_history": "yes"}),
    ("RF_WEIGHT_LOSS", "precaution", {"rf_weight_loss": "yes"}),
    ("RF_NIGHT_PAIN", "precaution", {"rf_night_pain": "yes"}),
    ("PR_NEEDLE_REACTION", "precaution", {"needle_reaction": "yes"}),
    ("PR_BLEEDING_RISK", "precaution", {"blood_thinners": "yes"}),
    ("PR_IMMUNE", "precaution", {"immune_weakened": "yes"}),
    ("PR_PREGNANCY", "precaution", {"pregnant": "yes"}),
    ("PR_HEART_VALVE", "precaution", {"heart_valve": "yes"}),
    ("PR_IMPLANTED_DEVICE", "precaution", {"implanted_device": "yes"}),
    ("PR_EPILEPSY", "precaution", {"epilepsy": "yes"}),
    ("PR_METAL_ALLERGY", "precaution", {"metal_allergy": "yes"}),
    ("PR_DIABETES", "precaution", {"diabetes": "yes"}),
    ("PR_LYMPHEDEMA", "precaution", {"lymphedema": "yes"}),
    ("PR_LUNG", "precaution", {"lung_condition": "yes"}),
    ("PR_SKIN_AT_SITE", "precaution", {"skin_problem_at_site": "yes"}),
    ("PR_RECENT_SURGERY", "precaution", {"recent_surgery": "yes"}),
    ("PR_UNDER_18", "precaution", {"age_band": "under_18"}),
    ("IND_TENNIS_ELBOW", "indication", {"diagnoses": ["tennis_elbow"]}),
    ("IND_PLANTAR_FASCIITIS", "indication", {"diagnoses": ["plantar_fasciitis"]}),
    ("IND_TENSION_HEADACHE", "indication", {"diagnoses": ["tension_headache"]}),
    ("IND_NERVE_PAIN", "indication", {"diagnoses": ["nerve_pain"]}),
    ("IND_PERSISTENT_PAIN", "indication", {"pain_duration": "3_to_12_months"}),
    ("IND_MANUAL_THERAPY_NO_RELIEF", "indication", {"manual_therapy": "no_lasting_relief"}),
    ("IND_ACTIVE_THERAPY_WORSE", "indication", {"active_therapy": "made_worse"}),
    ("NOTE_NEEDLE_NERVOUS", "note", {"needle_attitude": "nervous"}),
]

# Outcome when the rule fires on the baseline, with no indication present.
ALONE_OUTCOME: dict[str, Outcome] = {
    "emergency": Outcome.EMERGENCY,
    "urgent": Outcome.SEE_DOCTOR,
    "contraindication": Outcome.NOT_SUITABLE,
    "precaution": Outcome.NOT_INDICATED,
    "indication": Outcome.SUGGEST_CONSULT,
    "note": Outcome.NOT_INDICATED,  # unchanged from the baseline's outcome
}
# Outcome when the rule fires together with INDICATION (IND_PERSISTENT_PAIN).
WITH_INDICATION_OUTCOME: dict[str, Outcome] = {
    "emergency": Outcome.EMERGENCY,
    "urgent": Outcome.SEE_DOCTOR,
    "contraindication": Outcome.NOT_SUITABLE,
    "precaution": Outcome.CLINICIAN_REVIEW,
    "note": Outcome.SUGGEST_CONSULT,  # unchanged from the indication's outcome
}
NON_INDICATION_ROWS = [row for row in RULE_ROWS if row[1] != "indication"]


def test_rule_rows_cover_every_rule_exactly_once() -> None:
    ids = [rule_id for rule_id, _, _ in RULE_ROWS]
    assert len(ids) == len(set(ids)) == len(RULES) == 34
    assert set(ids) == set(RULES_BY_ID)


@pytest.mark.parametrize(("rule_id", "group", "trigger"), RULE_ROWS, ids=[r[0] for r in RULE_ROWS])
def test_rule_group_matches_spec(rule_id: str, group: str, trigger: Answers) -> None:
    assert RULES_BY_ID[rule_id].group == group


@pytest.mark.parametrize(("rule_id", "group", "trigger"), RULE_ROWS, ids=[r[0] for r in RULE_ROWS])
def test_rule_fires_alone_on_baseline(rule_id: str, group: str, trigger: Answers) -> None:
    decision = evaluate(with_baseline(trigger))
    assert rule_id in decision.reasons
    assert decision.reasons == (rule_id,)
    assert decision.outcome == ALONE_OUTCOME[group]


@pytest.mark.parametrize(("rule_id", "group", "trigger"), RULE_ROWS, ids=[r[0] for r in RULE_ROWS])
def test_rule_fires_from_its_answer_alone(rule_id: str, group: str, trigger: Answers) -> None:
    decision = evaluate(trigger)
    assert decision.reasons == (rule_id,)
    assert decision.outcome == ALONE_OUTCOME[group]


@pytest.mark.parametrize(
    ("rule_id", "group", "trigger"), NON_INDICATION_ROWS, ids=[r[0] for r in NON_INDICATION_ROWS]
)
def test_rule_combined_with_an_indication(rule_id: str, group: str, trigger: Answers) -> None:
    decision = evaluate(with_baseline(INDICATION, trigger))
    expected = (
        ("IND_PERSISTENT_PAIN", rule_id) if group == "note" else (rule_id, "IND_PERSISTENT_PAIN")
    )
    assert decision.reasons == expected
    assert decision.outcome == WITH_INDICATION_OUTCOME[group]


# --- (3) boundaries -----------------------------------------------------------------------


@pytest.mark.parametrize("intensity", [0, 10])
def test_pain_intensity_bounds_accepted(intensity: int) -> None:
    assert evaluate({"pain_intensity": intensity}) == Decision(Outcome.NOT_INDICATED, ())
    decision = evaluate(with_baseline(INDICATION, {"pain_intensity": intensity}))
    assert decision.outcome == Outcome.SUGGEST_CONSULT


@pytest.mark.parametrize("intensity", [-1, 11, "5", 5.0, True, False, 5.5, "ten", [5]])
def test_pain_intensity_rejected(intensity: object) -> None:
    with pytest.raises(ValueError, match=r"\bpain_intensity\b"):
        evaluate({"pain_intensity": intensity})  # type: ignore[dict-item]


@pytest.mark.parametrize(
    ("duration", "fires"),
    [
        ("under_6_weeks", False),
        ("6_weeks_to_3_months", False),
        ("3_to_12_months", True),
        ("over_12_months", True),
    ],
)
def test_persistent_pain_threshold(duration: str, fires: bool) -> None:
    decision = evaluate(with_baseline({"pain_duration": duration}))
    assert ("IND_PERSISTENT_PAIN" in decision.reasons) is fires
    assert decision.outcome == (Outcome.SUGGEST_CONSULT if fires else Outcome.NOT_INDICATED)


@pytest.mark.parametrize(("pregnant", "fires"), [("yes", True), ("not_sure", True), ("no", False)])
def test_pregnancy_precaution(pregnant: str, fires: bool) -> None:
    decision = evaluate(with_baseline(INDICATION, {"pregnant": pregnant}))
    assert ("PR_PREGNANCY" in decision.reasons) is fires
    assert decision.outcome == (Outcome.CLINICIAN_REVIEW if fires else Outcome.SUGGEST_CONSULT)


@pytest.mark.parametrize(
    ("nerve_symptoms", "fires"),
    [
        (["none"], False),
        ([], False),
        (["numbness"], True),
        (["burning"], True),
        (["electric_shooting"], True),
        (["pins_and_needles"], True),
        (["burning", "electric_shooting", "pins_and_needles", "numbness"], True),
    ],
    ids=_ids,
)
def test_nerve_symptoms_indication(nerve_symptoms: list[str], fires: bool) -> None:
    decision = evaluate(with_baseline({"nerve_symptoms": nerve_symptoms}))
    assert decision.reasons == (("IND_NERVE_PAIN",) if fires else ())


def test_nerve_pain_from_diagnosis_and_symptoms_is_listed_once() -> None:
    decision = evaluate({"diagnoses": ["nerve_pain"], "nerve_symptoms": ["burning", "numbness"]})
    assert decision.reasons == ("IND_NERVE_PAIN",)
    assert decision.outcome == Outcome.SUGGEST_CONSULT


@pytest.mark.parametrize(
    ("diagnoses", "reasons"),
    [
        (["none"], ()),
        ([], ()),
        (
            ["tension_headache", "nerve_pain", "plantar_fasciitis", "tennis_elbow"],
            ("IND_TENNIS_ELBOW", "IND_PLANTAR_FASCIITIS", "IND_TENSION_HEADACHE", "IND_NERVE_PAIN"),
        ),
    ],
    ids=_ids,
)
def test_diagnoses_multi(diagnoses: list[str], reasons: tuple[str, ...]) -> None:
    assert evaluate({"diagnoses": diagnoses}).reasons == reasons


@pytest.mark.parametrize(
    "value", [("tennis_elbow",), frozenset({"tennis_elbow"}), {"tennis_elbow"}], ids=_ids
)
def test_multi_accepts_other_collections(value: object) -> None:
    assert evaluate({"diagnoses": value}).reasons == ("IND_TENNIS_ELBOW",)  # type: ignore[dict-item]


def test_empty_mapping_is_not_indicated_with_no_reasons() -> None:
    assert evaluate({}) == Decision(Outcome.NOT_INDICATED, (), RULES_VERSION)


def test_none_value_counts_as_not_reported() -> None:
    answers: dict[str, object] = {qid: None for qid in CLINICAL_QUESTIONS}
    assert evaluate(answers) == Decision(Outcome.NOT_INDICATED, ())  # type: ignore[arg-type]


def test_safety_step_judged_on_its_own() -> None:
    safety = {qid: "no" for qid in BASELINE if qid.startswith("rf_")}
    assert evaluate(safety).outcome == Outcome.NOT_INDICATED
    assert evaluate({**safety, "rf_hot_swollen": "yes"}).outcome == Outcome.SEE_DOCTOR


# --- (4) invalid answers and contact details ----------------------------------------------

INVALID: list[tuple[str, Answers, str]] = [
    ("unknown id", {"favourite_colour": "blue"}, "favourite_colour"),
    ("unknown id, clinical-like", {"rf_headache": "yes"}, "rf_headache"),
    ("unknown code for yes/no", {"rf_bladder_bowel": "maybe"}, "rf_bladder_bowel"),
    ("unknown code for single", {"pain_duration": "forever"}, "pain_duration"),
    ("code of another question", {"age_band": "over_12_months"}, "age_band"),
    ("single code in wrong case", {"needle_attitude": "Comfortable"}, "needle_attitude"),
    ("unknown code in multi", {"diagnoses": ["tennis_elbow", "gout"]}, "diagnoses"),
    ("none offered nowhere", {"pain_areas": ["none"]}, "pain_areas"),
    ("none with another code", {"nerve_symptoms": ["none", "burning"]}, "nerve_symptoms"),
    ("none after another code", {"diagnoses": ["tennis_elbow", "none"]}, "diagnoses"),
    ("string for multi", {"diagnoses": "tennis_elbow"}, "diagnoses"),
    ("string 'none' for multi", {"nerve_symptoms": "none"}, "nerve_symptoms"),
    ("bytes for multi", {"pain_areas": b"neck"}, "pain_areas"),
    ("unhashable item in multi", {"diagnoses": [["tennis_elbow"]]}, "diagnoses"),
    ("dict item in multi", {"pain_areas": [{"neck": True}]}, "pain_areas"),
    ("non-string item in multi", {"nerve_symptoms": [1]}, "nerve_symptoms"),
    ("None item in multi", {"diagnoses": [None]}, "diagnoses"),
    ("list for single", {"pain_duration": ["over_12_months"]}, "pain_duration"),
    ("list for yes/no", {"blood_thinners": ["yes"]}, "blood_thinners"),
    ("int for single", {"manual_therapy": 1}, "manual_therapy"),
    ("intensity too high", {"pain_intensity": 11}, "pain_intensity"),
    ("intensity too low", {"pain_intensity": -1}, "pain_intensity"),
    ("intensity as text", {"pain_intensity": "7"}, "pain_intensity"),
]


@pytest.mark.parametrize(("case", "answers", "qid"), INVALID, ids=[c[0] for c in INVALID])
def test_invalid_answer_raises_naming_the_id(case: str, answers: Answers, qid: str) -> None:
    with pytest.raises(ValueError, match=rf"\b{re.escape(qid)}\b"):
        evaluate(answers)


@pytest.mark.parametrize(("case", "answers", "qid"), INVALID, ids=[c[0] for c in INVALID])
def test_invalid_answer_raises_among_valid_ones(case: str, answers: Answers, qid: str) -> None:
    # Placed last, after answers that fire an emergency: validation is not short-circuited.
    full = with_baseline({"rf_chest_breathing": "yes"})
    full.pop(qid, None)
    full.update(answers)
    with pytest.raises(ValueError, match=rf"\b{re.escape(qid)}\b"):
        evaluate(full)


@pytest.mark.parametrize(
    "extra",
    [
        {},
        INDICATION,
        {"rf_stroke_signs": "yes"},
        {"blood_thinners": "yes", "active_therapy": "made_worse"},
    ],
    ids=_ids,
)
def test_contact_details_are_ignored(extra: Answers) -> None:
    expected = evaluate(with_baseline(extra))
    assert evaluate(with_baseline(extra, CONTACT)) == expected
    assert evaluate({**extra, **CONTACT}) == evaluate(extra)


@pytest.mark.parametrize(
    "contact",
    [
        {"contact_preference": "carrier_pigeon"},
        {"consent": "no"},
        {"full_name": ""},
        {"email": ["not", "an", "email"]},
        {"phone": 5550100},
        {"comments": None},
    ],
    ids=_ids,
)
def test_contact_values_are_not_validated_by_the_rules(contact: Answers) -> None:
    assert evaluate(contact) == Decision(Outcome.NOT_INDICATED, ())


# --- (5) version and reason order ---------------------------------------------------------


def test_rules_version() -> None:
    assert RULES_VERSION == "2026.1"
    assert evaluate({}).rules_version == RULES_VERSION
    assert evaluate(with_baseline({"rf_stroke_signs": "yes"})).rules_version == "2026.1"


ORDER_CASES: list[tuple[Answers, Outcome, tuple[str, ...]]] = [
    # Contraindication, precaution and indication (a note cannot fire with the contraindication:
    # both read needle_attitude). Answers are given in reverse of the reason order.
    (
        {
            "active_therapy": "made_worse",
            "diagnoses": ["tennis_elbow"],
            "age_band": "under_18",
            "blood_thinners": "yes",
            "needle_attitude": "prefer_no_needles",
        },
        Outcome.NOT_SUITABLE,
        (
            "CI_PREFERS_NO_NEEDLES",
            "PR_BLEEDING_RISK",
            "PR_UNDER_18",
            "IND_TENNIS_ELBOW",
            "IND_ACTIVE_THERAPY_WORSE",
        ),
    ),
    # Note, indication and precaution.
    (
        {
            "needle_attitude": "nervous",
            "pain_duration": "3_to_12_months",
            "nerve_symptoms": ["burning"],
            "recent_surgery": "yes",
            "rf_cancer_history": "yes",
        },
        Outcome.CLINICIAN_REVIEW,
        (
            "RF_CANCER_HISTORY",
            "PR_RECENT_SURGERY",
            "IND_NERVE_PAIN",
            "IND_PERSISTENT_PAIN",
            "NOTE_NEEDLE_NERVOUS",
        ),
    ),
    # Every group but the contraindication, table order kept within each group.
    (
        {
            "needle_attitude": "nervous",
            "manual_therapy": "no_lasting_relief",
            "diagnoses": ["tension_headache", "plantar_fasciitis"],
            "pregnant": "not_sure",
            "rf_night_pain": "yes",
            "rf_progressive_weakness": "yes",
            "rf_fever_unwell": "yes",
            "rf_stroke_signs": "yes",
            "rf_saddle_numbness": "yes",
        },
        Outcome.EMERGENCY,
        (
            "RF_SADDLE_NUMBNESS",
            "RF_STROKE_SIGNS",
            "RF_FEVER_UNWELL",
            "RF_PROGRESSIVE_WEAKNESS",
            "RF_NIGHT_PAIN",
            "PR_PREGNANCY",
            "IND_PLANTAR_FASCIITIS",
            "IND_TENSION_HEADACHE",
            "IND_MANUAL_THERAPY_NO_RELIEF",
            "NOTE_NEEDLE_NERVOUS",
        ),
    ),
    # Urgent beats the contraindication; both listed.
    (
        {"needle_attitude": "prefer_no_needles", "rf_recent_trauma": "yes"},
        Outcome.SEE_DOCTOR,
        ("RF_RECENT_TRAUMA", "CI_PREFERS_NO_NEEDLES"),
    ),
    # Several precautions and no indication: still not indicated, every precaution listed.
    (
        {"lung_condition": "yes", "epilepsy": "yes", "needle_reaction": "yes"},
        Outcome.NOT_INDICATED,
        ("PR_NEEDLE_REACTION", "PR_EPILEPSY", "PR_LUNG"),
    ),
]


@pytest.mark.parametrize(("answers", "outcome", "reasons"), ORDER_CASES, ids=_ids)
def test_reasons_ordered_by_group_then_table(
    answers: Answers, outcome: Outcome, reasons: tuple[str, ...]
) -> None:
    for decision in (evaluate(answers), evaluate(with_baseline(answers))):
        assert decision.reasons == reasons
        assert decision.outcome == outcome


def test_reasons_in_group() -> None:
    decision = evaluate(ORDER_CASES[2][0])
    assert decision.reasons_in(Group.URGENT) == ("RF_FEVER_UNWELL", "RF_PROGRESSIVE_WEAKNESS")
    assert decision.reasons_in(Group.CONTRAINDICATION) == ()
