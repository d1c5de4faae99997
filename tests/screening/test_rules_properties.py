"""Property-based tests of ``app.screening.rules.evaluate`` over random valid answers.

The answers are drawn from the questionnaire catalogue itself (``CLINICAL_QUESTIONS``): each
question may be absent; a multi-select is ``["none"]`` or any subset of its other codes; the
scale is an integer 0..10. The expected reasons are recomputed from SPEC section 4's table as the
tests copy it (``SPEC_RULES``) and the expected outcome from its precedence, independently of
``app.screening.rules``.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from app.screening.catalogue import NONE_CODE, SCALE_MAX, SCALE_MIN, Kind, Question
from app.screening.codes import Group, Outcome
from app.screening.questions import CLINICAL_QUESTIONS, CONTACT_IDS
from app.screening.rules import RULES_VERSION, evaluate
from tests.screening.rule_cases import SPEC_RULES

Answers = dict[str, Any]

# deadline=None: no flaky timing failures; database=None: nothing written to .hypothesis/.
PROPERTY = settings(deadline=None, database=None, max_examples=100)

GROUP_ORDER: tuple[Group, ...] = (
    Group.EMERGENCY,
    Group.URGENT,
    Group.CONTRAINDICATION,
    Group.PRECAUTION,
    Group.INDICATION,
    Group.NOTE,
)
TABLE_INDEX: dict[str, int] = {rule_id: i for i, (rule_id, _, _) in enumerate(SPEC_RULES)}
GROUP_OF: dict[str, Group] = {rule_id: group for rule_id, group, _ in SPEC_RULES}
# (question id, code) pairs that fire a precaution, in table order.
PRECAUTION_TRIGGERS: tuple[tuple[str, str], ...] = tuple(
    (qid, code)
    for _, group, when in SPEC_RULES
    if group is Group.PRECAUTION
    for qid, codes in when.items()
    for code in sorted(codes)
)


def answer_for(question: Question) -> st.SearchStrategy[Any]:
    """A valid answer to ``question``."""
    codes = sorted(question.codes)
    if question.kind is Kind.SCALE:
        return st.integers(min_value=SCALE_MIN, max_value=SCALE_MAX)
    if question.kind is Kind.MULTI:
        others = [c for c in codes if c != NONE_CODE]
        subset = st.lists(st.sampled_from(others), unique=True)
        return st.one_of(st.just([NONE_CODE]), subset) if question.has_none else subset
    return st.sampled_from(codes)


YES_NO_IDS: tuple[str, ...] = tuple(
    qid for qid, q in CLINICAL_QUESTIONS.items() if q.kind is Kind.YES_NO
)

# A valid, possibly partial, set of clinical answers: each question present or absent.
ANY_ANSWERS: st.SearchStrategy[Answers] = st.fixed_dictionaries(
    {}, optional={qid: answer_for(q) for qid, q in CLINICAL_QUESTIONS.items()}
)


def _mostly_no(answers: Answers, yes: frozenset[str]) -> Answers:
    """``answers`` with every yes/no answer given turned to ``no`` unless its id is in ``yes``."""
    return {
        qid: ("yes" if qid in yes else "no") if qid in YES_NO_IDS else value
        for qid, value in answers.items()
    }


# Uniform answers mostly end in an emergency (any of four yes/no questions); half the examples
# keep at most two yes/no answers at "yes" so every outcome is reached often.
ANSWERS: st.SearchStrategy[Answers] = st.one_of(
    ANY_ANSWERS,
    st.builds(_mostly_no, ANY_ANSWERS, st.frozensets(st.sampled_from(YES_NO_IDS), max_size=2)),
)

CONTACT_VALUES = st.dictionaries(
    st.sampled_from(sorted(CONTACT_IDS)),
    st.one_of(st.text(alphabet="ab @+0", max_size=5), st.integers(), st.none()),
)


def expected_reasons(answers: Mapping[str, Any]) -> tuple[str, ...]:
    """The rules that fire, per the table, in group order then table order."""

    def holds(qid: str, codes: frozenset[str]) -> bool:
        value = answers.get(qid)
        if isinstance(value, str):
            return value in codes
        if isinstance(value, Sequence):
            return any(code in codes for code in value)
        return False

    fired = [
        rule_id
        for rule_id, _, when in SPEC_RULES
        if any(holds(qid, codes) for qid, codes in when.items())
    ]
    fired.sort(key=lambda r: (GROUP_ORDER.index(GROUP_OF[r]), TABLE_INDEX[r]))
    return tuple(fired)


def expected_outcome(reasons: Sequence[str]) -> Outcome:
    """SPEC section 4's outcome precedence, first match wins."""
    groups = {GROUP_OF[r] for r in reasons}
    if Group.EMERGENCY in groups:
        return Outcome.EMERGENCY
    if Group.URGENT in groups:
        return Outcome.SEE_DOCTOR
    if Group.CONTRAINDICATION in groups:
        return Outcome.NOT_SUITABLE
    if Group.INDICATION not in groups:
        return Outcome.NOT_INDICATED
    if Group.PRECAUTION in groups:
        return Outcome.CLINICIAN_REVIEW
    return Outcome.SUGGEST_CONSULT


def groups_of(reasons: Sequence[str]) -> set[Group]:
    """The groups of the rules named in ``reasons``."""
    return {GROUP_OF[r] for r in reasons}


def test_precaution_triggers_found() -> None:
    assert len(PRECAUTION_TRIGGERS) == 18  # 17 precaution rules, PR_PREGNANCY has two codes


@PROPERTY
@given(ANSWERS)
def test_valid_answers_never_raise(answers: Answers) -> None:
    decision = evaluate(answers)
    assert isinstance(decision.outcome, Outcome)
    assert decision.outcome in set(Outcome)
    assert decision.rules_version == RULES_VERSION
    assert all(r in GROUP_OF for r in decision.reasons)


@PROPERTY
@given(ANSWERS)
def test_matches_table_and_precedence(answers: Answers) -> None:
    decision = evaluate(answers)
    assert decision.reasons == expected_reasons(answers)
    assert decision.outcome == expected_outcome(decision.reasons)


@PROPERTY
@given(ANSWERS)
def test_emergency_and_urgent_come_first(answers: Answers) -> None:
    decision = evaluate(answers)
    groups = groups_of(decision.reasons)
    if Group.EMERGENCY in groups:
        assert decision.outcome == Outcome.EMERGENCY
    elif Group.URGENT in groups:
        assert decision.outcome == Outcome.SEE_DOCTOR
    else:
        assert decision.outcome not in {Outcome.EMERGENCY, Outcome.SEE_DOCTOR}


@PROPERTY
@given(ANSWERS)
def test_contraindication_never_suggests_consult(answers: Answers) -> None:
    decision = evaluate(answers)
    if Group.CONTRAINDICATION in groups_of(decision.reasons):
        assert decision.outcome != Outcome.SUGGEST_CONSULT
        assert decision.outcome in {Outcome.EMERGENCY, Outcome.SEE_DOCTOR, Outcome.NOT_SUITABLE}


@PROPERTY
@given(ANSWERS, st.sampled_from(PRECAUTION_TRIGGERS))
def test_adding_a_precaution_never_lowers_caution(
    answers: Answers, trigger: tuple[str, str]
) -> None:
    qid, code = trigger
    before = evaluate(answers)
    after = evaluate({**answers, qid: code})
    assert Group.PRECAUTION in groups_of(after.reasons)
    if before.outcome in {Outcome.EMERGENCY, Outcome.SEE_DOCTOR, Outcome.NOT_SUITABLE}:
        assert after.outcome == before.outcome
    elif before.outcome in {Outcome.CLINICIAN_REVIEW, Outcome.SUGGEST_CONSULT}:
        assert after.outcome == Outcome.CLINICIAN_REVIEW
    else:
        assert after.outcome == Outcome.NOT_INDICATED


@PROPERTY
@given(ANSWERS)
def test_reasons_in_group_then_table_order_without_duplicates(answers: Answers) -> None:
    reasons = evaluate(answers).reasons
    assert len(reasons) == len(set(reasons))
    keys = [(GROUP_ORDER.index(GROUP_OF[r]), TABLE_INDEX[r]) for r in reasons]
    assert keys == sorted(keys)


@PROPERTY
@given(ANSWERS)
def test_deterministic_and_does_not_mutate_input(answers: Answers) -> None:
    snapshot = copy.deepcopy(answers)
    first = evaluate(answers)
    second = evaluate(answers)
    assert first == second
    assert answers == snapshot
    # Insertion order of the answers plays no part.
    assert evaluate(dict(reversed(answers.items()))) == first


@PROPERTY
@given(ANSWERS, CONTACT_VALUES)
def test_contact_details_play_no_part(answers: Answers, contact: Answers) -> None:
    assert evaluate({**answers, **contact}) == evaluate(answers)
