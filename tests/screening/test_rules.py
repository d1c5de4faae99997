"""Table-driven tests of the decision rules (SPEC section 4) in ``app.screening.rules``.

Every answer set is built from an all-negative baseline (every clinical question answered, no
rule firing) or given as a minimal partial mapping, plus the answers a case names.
"""

from __future__ import annotations

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
    flagged_questions,
)
from tests.screening.rule_cases import (
    BASELINE,
    INDICATION,
    Answers,
    _ids,
    with_baseline,
)

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


def test_flagged_questions_are_the_answers_that_fired_the_rules() -> None:
    answers = {
        "diabetes": "yes",
        "epilepsy": "no",
        "diagnoses": ["tennis_elbow"],
        "nerve_symptoms": ["burning"],
    }
    decision = evaluate(answers)
    assert set(decision.reasons) == {"PR_DIABETES", "IND_TENNIS_ELBOW", "IND_NERVE_PAIN"}
    # IND_NERVE_PAIN holds by its second condition alone: only that answer is flagged.
    assert flagged_questions(decision.reasons, answers) == {
        "diabetes",
        "diagnoses",
        "nerve_symptoms",
    }
    assert flagged_questions(["IND_NERVE_PAIN"], answers) == {"nerve_symptoms"}
    assert flagged_questions([], answers) == frozenset()
