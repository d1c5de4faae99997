"""How fast ``rules.evaluate`` is.

Each round evaluates a mix of answer sets, from "nothing fires" to several groups at once, so
the figure is the mean cost of a realistic call, not of the cheapest path.

- ``make bench-rules``: the QUALITY.md target, under 50 microseconds a call, measured with
  pytest-benchmark. An absolute time follows the machine: the same code has run twice as fast
  on one day of this project's shared machines as on another.
- ``make perf-guard`` (in ``make check``): the guard against the code growing slower, which a
  slow machine must not trip. It compares the cost of a call with a bare Flask request, in
  process, in alternating rounds (the machine's speed touches both), the fastest round of each.
"""

from __future__ import annotations

from itertools import repeat

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from app.screening.questions import CLINICAL_QUESTIONS
from app.screening.rules import Outcome, evaluate
from bench.hello import app as hello
from bench.inprocess import measure, wsgi_call
from tests.journey import BASE_ANSWERS
from tests.screening.rule_cases import BASELINE, INDICATION, with_baseline

pytestmark = pytest.mark.perf

TARGET_S = 50e-6  # per call
# A call's cost, in bare Flask requests. Measured: about 0.35 (15 against 44 us) for the rules
# written as the SPEC's table; the target is about 1.1 on that machine. Machines run the two
# differently by up to 2x, so the bound sits well above the measurement and still fails when a
# change makes a call several times costlier.
MAX_BARE_REQUESTS = 1.0
ROUNDS = 15
CALLS = 200  # a round

MIX = (
    BASELINE,
    with_baseline(INDICATION),
    {**{q: v for q, v in BASE_ANSWERS.items() if q in CLINICAL_QUESTIONS}, "pain_intensity": 6},
    with_baseline(INDICATION, {"blood_thinners": "yes", "diabetes": "yes", "pregnant": "yes"}),
    with_baseline({"rf_bladder_bowel": "yes", "rf_fever_unwell": "yes"}),
)


def evaluate_mix() -> list[Outcome]:
    return [evaluate(answers).outcome for answers in MIX]


@pytest.mark.bench
def test_evaluate_is_under_fifty_microseconds(benchmark: BenchmarkFixture) -> None:
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


def test_evaluate_costs_a_fraction_of_a_bare_flask_request() -> None:
    bare = wsgi_call(hello, "GET", "/", "", repeat(("", "")))
    best = measure({"rules": evaluate_mix, "bare": bare}, CALLS, ROUNDS, pick=min)
    per_call = best["rules"] / len(MIX)
    print(f"rules.evaluate {per_call * 1e6:.1f} us a call, bare Flask {best['bare'] * 1e6:.0f} us")
    assert per_call / best["bare"] < MAX_BARE_REQUESTS, per_call / best["bare"]
