"""Questionnaire pages stay cheap next to the app's lightest request (``make perf-guard``).

The throughput targets are ratios to a bare Flask app under gunicorn (``bench/throughput.py``);
this guard holds the same kind of ratio in process, where a shared machine's noise touches
both sides alike: each step page's CPU time against the health check's (the app's middleware
and one query, no page), both called as a WSGI server calls the app (bench/inprocess.py), in
alternating rounds, the fastest round of each compared. Keeping whole step pages
(app/screening/pages.py) took the choice steps from 4.1-6.8 health checks (measured with the
cache off, TEMPLATES_AUTO_RELOAD) to 2.0-2.7; the contact step, rendered afresh every time,
costs 4.2-5.5 on a busy machine. The bounds catch losing the cache, or any change of similar
weight, with room for noise.
"""

from __future__ import annotations

from itertools import repeat
from pathlib import Path

import pytest

from app.screening.codes import StepId
from app.screening.questions import STEP_IDS
from bench.inprocess import measure, wsgi_call
from tests.conftest import make_app
from tests.journey import answer_all

pytestmark = pytest.mark.perf

MAX_HEALTH_CHECKS = 3.5  # a kept step page's cost, in health checks
MAX_HEALTH_CHECKS_AFRESH = 6.5  # the contact step's, rendered each time
ROUNDS = 15
CALLS = 40  # a round


def test_step_pages_cost_a_few_health_checks(tmp_path: Path) -> None:
    app = make_app(tmp_path, LOG_FORMAT="json", LOG_LEVEL="WARNING")
    client = app.test_client()
    answer_all(client)  # every step has answers to show, as when a patient goes back
    for step in STEP_IDS:
        assert client.get(f"/screening/{step}").status_code == 200, step  # a page, no redirect
    session = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert session is not None
    cookie = f"{session.key}={session.value}"
    calls = {"/healthz": wsgi_call(app, "GET", "/healthz", "", repeat(("", "")))}
    patient = repeat((cookie, ""))
    calls |= {step: wsgi_call(app, "GET", f"/screening/{step}", "", patient) for step in STEP_IDS}
    best = measure(calls, CALLS, ROUNDS, pick=min)  # warms everything up first
    costs = {step: best[step] / best["/healthz"] for step in STEP_IDS}
    print({name: f"{seconds * 1e6:.0f} us" for name, seconds in best.items()})
    assert costs.pop(StepId.CONTACT) < MAX_HEALTH_CHECKS_AFRESH
    assert max(costs.values()) < MAX_HEALTH_CHECKS, costs
