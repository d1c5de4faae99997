"""The rules on boundary values, invalid answers and contact details (SPEC section 4)."""

from __future__ import annotations

import re

import pytest

from app.screening.questions import CLINICAL_QUESTIONS
from app.screening.rules import RULES_VERSION, Decision, Outcome, evaluate
from tests.screening.rule_cases import (
    BASELINE,
    CONTACT,
    INDICATION,
    Answers,
    _ids,
    with_baseline,
)

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
