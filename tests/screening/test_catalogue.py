"""The questionnaire catalogue and the rules table match SPEC sections 3 and 4 exactly.

Ids and codes are a contract (form field names, submitted values, FHIR linkIds, stored
reasons), so they are copied here from the SPEC rather than derived from the code.
"""

from __future__ import annotations

import pytest

from app.screening.catalogue import NONE_CODE, Kind
from app.screening.missing_answers import MISSING
from app.screening.questions import (
    CLINICAL_QUESTIONS,
    CONSENT_VERSION,
    CONTACT_IDS,
    QUESTIONNAIRE_VERSION,
    QUESTIONS,
    STEP_IDS,
    STEPS,
    STEPS_BY_ID,
)
from app.screening.rule_texts import RULE_TEXTS
from app.screening.rules import RULES, RULES_BY_ID, Rule
from tests.screening.rule_cases import SPEC_RULES, conditions

YES_NO_CODES = frozenset({"yes", "no"})

SPEC_STEPS: dict[str, list[str]] = {
    "safety": [
        "rf_saddle_numbness",
        "rf_bladder_bowel",
        "rf_chest_breathing",
        "rf_stroke_signs",
        "rf_fever_unwell",
        "rf_recent_trauma",
        "rf_hot_swollen",
        "rf_progressive_weakness",
        "rf_cancer_history",
        "rf_weight_loss",
        "rf_night_pain",
    ],
    "pain": ["pain_areas", "pain_duration", "pain_intensity", "diagnoses", "nerve_symptoms"],
    "history": ["manual_therapy", "active_therapy"],
    "health": [
        "needle_attitude",
        "needle_reaction",
        "blood_thinners",
        "immune_weakened",
        "pregnant",
        "heart_valve",
        "implanted_device",
        "epilepsy",
        "metal_allergy",
        "diabetes",
        "lymphedema",
        "lung_condition",
        "skin_problem_at_site",
        "recent_surgery",
        "age_band",
    ],
    "contact": ["full_name", "email", "phone", "contact_preference", "comments", "consent"],
}

YES_NO_IDS = frozenset(SPEC_STEPS["safety"]) | (
    frozenset(SPEC_STEPS["health"]) - {"needle_attitude", "pregnant", "age_band"}
)

# Kind of every question that is not a yes/no question.
SPEC_KINDS: dict[str, Kind] = {
    "pain_areas": Kind.MULTI,
    "pain_duration": Kind.SINGLE,
    "pain_intensity": Kind.SCALE,
    "diagnoses": Kind.MULTI,
    "nerve_symptoms": Kind.MULTI,
    "manual_therapy": Kind.SINGLE,
    "active_therapy": Kind.SINGLE,
    "needle_attitude": Kind.SINGLE,
    "pregnant": Kind.SINGLE,
    "age_band": Kind.SINGLE,
    "full_name": Kind.TEXT,
    "email": Kind.EMAIL,
    "phone": Kind.PHONE,
    "contact_preference": Kind.SINGLE,
    "comments": Kind.LONG_TEXT,
    "consent": Kind.CONSENT,
}

# Codes of every choice question that is not a yes/no question.
SPEC_CODES: dict[str, frozenset[str]] = {
    "pain_areas": frozenset(
        {
            "head",
            "neck",
            "upper_back",
            "shoulder",
            "chest_ribs",
            "elbow_forearm",
            "wrist_hand",
            "lower_back",
            "hip_buttock",
            "thigh_knee",
            "lower_leg",
            "heel_foot",
            "other",
        }
    ),
    "pain_duration": frozenset(
        {"under_6_weeks", "6_weeks_to_3_months", "3_to_12_months", "over_12_months"}
    ),
    "pain_intensity": frozenset(str(n) for n in range(11)),
    "diagnoses": frozenset(
        {"tennis_elbow", "plantar_fasciitis", "nerve_pain", "tension_headache", "none"}
    ),
    "nerve_symptoms": frozenset(
        {"burning", "electric_shooting", "pins_and_needles", "numbness", "none"}
    ),
    "manual_therapy": frozenset({"not_tried", "helped", "no_lasting_relief"}),
    "active_therapy": frozenset({"not_tried", "helped", "no_change", "made_worse"}),
    "needle_attitude": frozenset({"comfortable", "nervous", "prefer_no_needles"}),
    "pregnant": frozenset({"yes", "no", "not_sure"}),
    "age_band": frozenset({"under_18", "18_to_64", "65_or_over"}),
    "contact_preference": frozenset({"phone", "email"}),
    "consent": frozenset({"y"}),
}

OPTIONAL_IDS = frozenset({"email", "phone", "comments"})
ALL_IDS: list[str] = [qid for ids in SPEC_STEPS.values() for qid in ids]


# --- steps and questions ------------------------------------------------------------------


def test_versions() -> None:
    assert QUESTIONNAIRE_VERSION == "2026.1"
    assert CONSENT_VERSION  # versioned, SPEC section 3 "The consent text has a version"


def test_step_ids_in_order() -> None:
    assert list(STEP_IDS) == ["safety", "pain", "history", "health", "contact"]
    assert [s.id for s in STEPS] == list(SPEC_STEPS)
    assert list(STEPS_BY_ID) == list(SPEC_STEPS)


@pytest.mark.parametrize(("step_id", "question_ids"), list(SPEC_STEPS.items()))
def test_step_questions_in_order(step_id: str, question_ids: list[str]) -> None:
    assert [q.id for q in STEPS_BY_ID[step_id].questions] == question_ids


def test_question_ids_unique_across_catalogue() -> None:
    ids = [q.id for s in STEPS for q in s.questions]
    assert len(ids) == len(set(ids))
    assert ids == ALL_IDS
    assert list(QUESTIONS) == ALL_IDS


def test_clinical_and_contact_split() -> None:
    assert frozenset(SPEC_STEPS["contact"]) == CONTACT_IDS
    assert list(CLINICAL_QUESTIONS) == [q for q in ALL_IDS if q not in CONTACT_IDS]


def test_yes_no_ids_are_the_other_questions() -> None:
    assert frozenset(ALL_IDS) == YES_NO_IDS | frozenset(SPEC_KINDS)
    assert not YES_NO_IDS & frozenset(SPEC_KINDS)
    assert len(YES_NO_IDS) == 11 + 12


@pytest.mark.parametrize("qid", sorted(YES_NO_IDS))
def test_yes_no_question(qid: str) -> None:
    question = QUESTIONS[qid]
    assert question.kind is Kind.YES_NO
    assert question.codes == YES_NO_CODES
    assert [c.code for c in question.choices] == ["yes", "no"]
    assert question.required


@pytest.mark.parametrize(("qid", "kind"), list(SPEC_KINDS.items()))
def test_question_kind(qid: str, kind: Kind) -> None:
    assert QUESTIONS[qid].kind is kind


@pytest.mark.parametrize(("qid", "codes"), list(SPEC_CODES.items()))
def test_choice_codes(qid: str, codes: frozenset[str]) -> None:
    question = QUESTIONS[qid]
    assert question.codes == codes
    assert len(question.choices) == len(codes)  # no duplicate codes


def test_every_choice_question_has_its_codes_listed() -> None:
    with_choices = {q.id for q in QUESTIONS.values() if q.choices}
    assert with_choices == set(SPEC_CODES) | YES_NO_IDS


def test_pain_intensity_choices_in_order() -> None:
    assert [c.code for c in QUESTIONS["pain_intensity"].choices] == [str(n) for n in range(11)]


def test_none_is_offered_only_where_spec_says() -> None:
    with_none = {q.id for q in QUESTIONS.values() if q.has_none}
    assert with_none == {"diagnoses", "nerve_symptoms"}
    assert NONE_CODE == "none"
    for qid in with_none:
        assert QUESTIONS[qid].choices[-1].code == NONE_CODE  # "None of these" comes last


def test_optional_questions() -> None:
    assert {q.id for q in QUESTIONS.values() if not q.required} == OPTIONAL_IDS


@pytest.mark.parametrize(("qid", "max_length"), [("full_name", 100), ("comments", 1000)])
def test_text_lengths(qid: str, max_length: int) -> None:
    assert QUESTIONS[qid].max_length == max_length


def test_phone_max_length() -> None:
    assert QUESTIONS["phone"].max_length == 20


@pytest.mark.parametrize("qid", ALL_IDS)
def test_every_question_has_labels(qid: str) -> None:
    question = QUESTIONS[qid]
    assert question.label.strip()
    assert all(choice.label.strip() for choice in question.choices)


def test_every_step_has_title_and_intro() -> None:
    for step in STEPS:
        assert step.title.strip(), step.id
        assert step.intro.strip(), step.id


# --- rules table and rule texts -----------------------------------------------------------


def test_rules_table_matches_spec() -> None:
    actual = [(r.id, r.group, conditions(r)) for r in RULES]
    assert actual == SPEC_RULES
    assert list(RULES_BY_ID) == [rule_id for rule_id, _, _ in SPEC_RULES]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_conditions_reference_real_questions_and_codes(rule: Rule) -> None:
    assert conditions(rule)
    for qid, codes in conditions(rule).items():
        assert qid in CLINICAL_QUESTIONS
        assert codes, qid
        assert codes <= QUESTIONS[qid].codes
        assert NONE_CODE not in codes


def test_every_rule_has_texts_and_no_extra_texts() -> None:
    assert set(RULE_TEXTS) == set(RULES_BY_ID)


@pytest.mark.parametrize("rule_id", list(RULES_BY_ID))
def test_rule_texts_not_empty(rule_id: str) -> None:
    text = RULE_TEXTS[rule_id]
    assert text.patient.strip()
    assert text.staff.strip()
    assert text.patient != text.staff


def test_every_choice_question_says_in_its_own_words_what_is_missing() -> None:
    """WCAG 2.4.4: no two error messages alike; each names what its question asks."""
    choosing = {q.id for s in STEPS for q in s.questions if q.required and q.choices}
    choosing -= {q.id for s in STEPS for q in s.questions if q.kind is Kind.CONSENT}
    assert set(MISSING) == choosing
    assert len(set(MISSING.values())) == len(MISSING)
