"""``rules.evaluate`` stays under 20 microseconds a call (QUALITY.md), measured with
pytest-benchmark (``make perf-guard``, part of ``make check``; ``make bench`` prints the table).

Each round evaluates a mix of answer sets, from "nothing fires" to several groups at once, so
the figure is the mean cost of a realistic call, not of the cheapest path.
"""

from __future__ import annotations

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from app.screening.questions import CLINICAL_QUESTIONS
from app.screening.rules import Outcome, evaluate
from tests.journey import BASE_ANSWERS
from tests.screening.rule_cases import BASELINE, INDICATION, with_baseline

pytestmark = pytest.mark.perf

TARGET_S = 20e-6  # per call

MIX = (
    BASELINE,
    with_baseline(INDICATION),
    {**{q: v for q, v in BASE_ANSWERS.items() if q in CLINICAL_QUESTIONS}, "pain_intensity": 6},
    with_baseline(INDICATION, {"blood_thinners": "yes", "diabetes": "yes", "pregnant": "yes"}),
    with_baseline({"rf_bladder_bowel": "yes", "rf_fever_unwell": "yes"}),
)


def evaluate_mix() -> list[Outcome]:
    return [evaluate(answers).outcome for answers in MIX]


def test_evaluate_is_under_twenty_microseconds(benchmark: BenchmarkFixture) -> None:
    outcomes = benchmark.pedantic(evaluate_mix, rounds=2000, warmup_rounds=100)
    # The mix really takes different paths through the rules.
    assert len(set(outcomes)) >= 4, outcomes
    # The fastest round is the cost of the code itself: a busy machine only ever adds to a
    # round's time, so this holds on a noisy machine and still fails when the code slows down.
    per_call = benchmark.stats.stats.min / len(MIX)
    benchmark.extra_info["min_per_call_us"] = round(per_call * 1e6, 2)
    benchmark.extra_info["median_per_call_us"] = round(
        benchmark.stats.stats.median / len(MIX) * 1e6, 2
    )
    assert per_call < TARGET_S, f"rules.evaluate takes {per_call * 1e6:.1f} us a call"
