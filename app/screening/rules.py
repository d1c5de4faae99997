"""The decision rules (version 2026.1): a pure function from answers to an outcome and reasons.

``evaluate(answers)`` checks the answers against the questionnaire catalogue, finds every rule
that fires and picks the outcome (SPEC section 4). It returns codes only; the patient and staff
texts of each rule live in ``rule_texts`` and are translated where they are shown. No Flask,
WTForms or SQLAlchemy here: the module is tested without an app or a database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from app.screening.catalogue import NONE_CODE, SCALE_MAX, SCALE_MIN, Kind
from app.screening.questions import CLINICAL_QUESTIONS, CONTACT_IDS, QUESTIONS

RULES_VERSION = "2026.1"

Answers = Mapping[str, str | int | Sequence[str]]


class Outcome(StrEnum):
    """What the screen suggests, most to least urgent."""

    EMERGENCY = "emergency"
    SEE_DOCTOR = "see_doctor"
    NOT_SUITABLE = "not_suitable"
    NOT_INDICATED = "not_indicated"
    CLINICIAN_REVIEW = "clinician_review"
    SUGGEST_CONSULT = "suggest_consult"


class Group(StrEnum):
    """Rule groups, in the order reasons are listed."""

    EMERGENCY = "emergency"
    URGENT = "urgent"
    CONTRAINDICATION = "contraindication"
    PRECAUTION = "precaution"
    INDICATION = "indication"
    NOTE = "note"


SAFETY_STOP_OUTCOMES = frozenset({Outcome.EMERGENCY, Outcome.SEE_DOCTOR})


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule fires when any of its (question, codes) conditions holds."""

    id: str
    group: Group
    when: tuple[tuple[str, frozenset[str]], ...]


def _rule(rule_id: str, group: Group, question: str, *codes: str) -> Rule:
    return Rule(rule_id, group, ((question, frozenset(codes)),))


_E, _U, _C, _P, _I, _N = Group  # table brevity
_NERVE_SYMPTOMS = tuple(sorted(QUESTIONS["nerve_symptoms"].codes - {NONE_CODE}))

# SPEC section 4, in the table's order.
RULES: tuple[Rule, ...] = (
    _rule("RF_SADDLE_NUMBNESS", _E, "rf_saddle_numbness", "yes"),
    _rule("RF_BLADDER_BOWEL", _E, "rf_bladder_bowel", "yes"),
    _rule("RF_CHEST_BREATHING", _E, "rf_chest_breathing", "yes"),
    _rule("RF_STROKE_SIGNS", _E, "rf_stroke_signs", "yes"),
    _rule("RF_FEVER_UNWELL", _U, "rf_fever_unwell", "yes"),
    _rule("RF_RECENT_TRAUMA", _U, "rf_recent_trauma", "yes"),
    _rule("RF_HOT_SWOLLEN", _U, "rf_hot_swollen", "yes"),
    _rule("RF_PROGRESSIVE_WEAKNESS", _U, "rf_progressive_weakness", "yes"),
    _rule("CI_PREFERS_NO_NEEDLES", _C, "needle_attitude", "prefer_no_needles"),
    _rule("RF_CANCER_HISTORY", _P, "rf_cancer_history", "yes"),
    _rule("RF_WEIGHT_LOSS", _P, "rf_weight_loss", "yes"),
    _rule("RF_NIGHT_PAIN", _P, "rf_night_pain", "yes"),
    _rule("PR_NEEDLE_REACTION", _P, "needle_reaction", "yes"),
    _rule("PR_BLEEDING_RISK", _P, "blood_thinners", "yes"),
    _rule("PR_IMMUNE", _P, "immune_weakened", "yes"),
    _rule("PR_PREGNANCY", _P, "pregnant", "yes", "not_sure"),
    _rule("PR_HEART_VALVE", _P, "heart_valve", "yes"),
    _rule("PR_IMPLANTED_DEVICE", _P, "implanted_device", "yes"),
    _rule("PR_EPILEPSY", _P, "epilepsy", "yes"),
    _rule("PR_METAL_ALLERGY", _P, "metal_allergy", "yes"),
    _rule("PR_DIABETES", _P, "diabetes", "yes"),
    _rule("PR_LYMPHEDEMA", _P, "lymphedema", "yes"),
    _rule("PR_LUNG", _P, "lung_condition", "yes"),
    _rule("PR_SKIN_AT_SITE", _P, "skin_problem_at_site", "yes"),
    _rule("PR_RECENT_SURGERY", _P, "recent_surgery", "yes"),
    _rule("PR_UNDER_18", _P, "age_band", "under_18"),
    _rule("IND_TENNIS_ELBOW", _I, "diagnoses", "tennis_elbow"),
    _rule("IND_PLANTAR_FASCIITIS", _I, "diagnoses", "plantar_fasciitis"),
    _rule("IND_TENSION_HEADACHE", _I, "diagnoses", "tension_headache"),
    Rule(
        "IND_NERVE_PAIN",
        _I,
        (
            ("diagnoses", frozenset({"nerve_pain"})),
            ("nerve_symptoms", frozenset(_NERVE_SYMPTOMS)),
        ),
    ),
    _rule("IND_PERSISTENT_PAIN", _I, "pain_duration", "3_to_12_months", "over_12_months"),
    _rule("IND_MANUAL_THERAPY_NO_RELIEF", _I, "manual_therapy", "no_lasting_relief"),
    _rule("IND_ACTIVE_THERAPY_WORSE", _I, "active_therapy", "made_worse"),
    _rule("NOTE_NEEDLE_NERVOUS", _N, "needle_attitude", "nervous"),
)

RULES_BY_ID: dict[str, Rule] = {r.id: r for r in RULES}
_GROUP_RANK = {g: i for i, g in enumerate(Group)}
# Reason order: by group, then by table order (sorted() is stable).
_ORDERED: tuple[Rule, ...] = tuple(sorted(RULES, key=lambda r: _GROUP_RANK[r.group]))
_RANK: dict[str, int] = {r.id: i for i, r in enumerate(_ORDERED)}
_IDS: tuple[str, ...] = tuple(r.id for r in _ORDERED)  # by rank
_GROUP_BIT: tuple[int, ...] = tuple(1 << _GROUP_RANK[r.group] for r in _ORDERED)  # by rank
# question id -> code -> ranks of the rules that code fires: one lookup per answer given.
_FIRES: dict[str, dict[str, tuple[int, ...]]] = {}
for _r in _ORDERED:
    for _qid, _codes in _r.when:
        for _code in _codes:
            _by_code = _FIRES.setdefault(_qid, {})
            _by_code[_code] = (*_by_code.get(_code, ()), _RANK[_r.id])
_SINGLE, _MULTI, _SCALE = Kind.SINGLE, Kind.MULTI, Kind.SCALE
# Yes/no questions are single-choice questions as far as the rules go.
_KINDS: dict[str, Kind] = {
    qid: _SINGLE if q.kind is Kind.YES_NO else q.kind for qid, q in CLINICAL_QUESTIONS.items()
}
_NO_FIRES: dict[str, tuple[int, ...]] = {}
_PLAIN_SEQUENCES = (list, tuple)
_CODES: dict[str, frozenset[str]] = {qid: q.codes for qid, q in CLINICAL_QUESTIONS.items()}
# Single-choice question id -> each code it offers -> the ranks of the rules that code fires
# (often none): one lookup both checks a code and finds what it fires.
_SINGLE_FIRES: dict[str, dict[str, tuple[int, ...]]] = {
    qid: {code: _FIRES.get(qid, _NO_FIRES).get(code, ()) for code in _CODES[qid]}
    for qid, kind in _KINDS.items()
    if kind is _SINGLE
}


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome, the ids of every rule that fired (in reason order), and the rules version."""

    outcome: Outcome
    reasons: tuple[str, ...]
    rules_version: str = RULES_VERSION

    def reasons_in(self, group: Group) -> tuple[str, ...]:
        """The reasons that belong to ``group``."""
        return tuple(r for r in self.reasons if RULES_BY_ID[r].group is group)


class AnswerError(ValueError):
    """An answer the questionnaire does not allow; ``question_id`` names the offending id."""

    def __init__(self, question_id: str, problem: str) -> None:
        super().__init__(f"{question_id}: {problem}")
        self.question_id = question_id


def _check_multi(qid: str, value: object) -> frozenset[str]:
    # Lists and tuples (how forms and stored answers give them) skip the costlier type checks.
    if type(value) not in _PLAIN_SEQUENCES and (
        isinstance(value, str | bytes) or not isinstance(value, Sequence | frozenset | set)
    ):
        raise AnswerError(qid, "expected a sequence of codes")
    if not all(type(code) is str for code in value):
        raise AnswerError(qid, "expected a sequence of codes")
    given = frozenset(value)
    if not given <= _CODES[qid]:
        raise AnswerError(qid, "not a code this question offers")
    if len(given) > 1 and NONE_CODE in given:
        raise AnswerError(qid, f"{NONE_CODE!r} cannot be combined with other choices")
    return given


def _check_single(qid: str, value: object) -> str:
    if type(value) is not str:
        raise AnswerError(qid, "expected a single code")
    if value not in _CODES[qid]:
        raise AnswerError(qid, "not a code this question offers")
    return value


def _check_scale(qid: str, value: object) -> None:
    if type(value) is not int or not SCALE_MIN <= value <= SCALE_MAX:
        raise AnswerError(qid, f"expected a whole number from {SCALE_MIN} to {SCALE_MAX}")


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
    fired: list[int] = []
    for qid, value in answers.items():
        if value is None:
            continue
        # The hot path: most answers are single choices, checked and looked up at once.
        single = _SINGLE_FIRES.get(qid)
        if single is not None:
            ranks = single.get(value) if type(value) is str else None
            if ranks is None:
                _check_single(qid, value)  # raises, naming the problem
            elif ranks:
                fired.extend(ranks)
            continue
        kind = _KINDS.get(qid)
        if kind is _MULTI:
            fires = _FIRES.get(qid, _NO_FIRES)
            for code in _check_multi(qid, value):
                fired.extend(fires.get(code, ()))
        elif kind is _SCALE:
            _check_scale(qid, value)
        elif qid not in CONTACT_IDS:
            raise AnswerError(qid, "unknown question id")
    groups = 0
    for rank in fired:
        groups |= _GROUP_BIT[rank]
    return Decision(_OUTCOMES[groups], tuple([_IDS[rank] for rank in sorted(set(fired))]))


def _outcome(groups: set[Group]) -> Outcome:
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


# The outcome for every combination of groups (bit ``_GROUP_RANK[g]`` set for each group ``g``
# with a rule that fired), worked out once by ``_outcome``: a call looks its outcome up.
_OUTCOMES: tuple[Outcome, ...] = tuple(
    _outcome({g for g in Group if groups >> _GROUP_RANK[g] & 1})
    for groups in range(1 << len(Group))
)
