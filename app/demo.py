"""``flask --app wsgi demo-data --count N``: fill a development database with fictional patients.

Answers are drawn from the questionnaire catalogue (weighted towards "no", so that emergencies
stay rare) and judged by ``rules.evaluate`` exactly as a real submission is: a safety step that
gives ``emergency`` or ``see_doctor`` becomes a safety stop with only the safety answers and no
contact details. Names are fictional; e-mail domains (example.org, .test) and phone numbers
(613-555-0100 to 0199) are reserved for examples, so nobody real is ever contacted.

``--seed`` repeats the same patients, answers and statuses; references and idempotency keys
are always fresh (they must stay unique across runs), and dates count back from now.
"""

from __future__ import annotations

import random
import secrets
import time
import unicodedata
from datetime import datetime, timedelta
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import insert, select

from app import audit
from app.codes import Actor, Status
from app.database import utcnow
from app.extensions import db
from app.models import Submission, attention
from app.references import new_reference
from app.screening.catalogue import NONE_CODE, SCALE_MAX, SCALE_MIN, Kind, Question
from app.screening.codes import SAFETY_STOP_OUTCOMES
from app.screening.questions import (
    CLINICAL_QUESTIONS,
    CONSENT_VERSION,
    QUESTIONNAIRE_VERSION,
    SAFETY,
)
from app.screening.rules import evaluate

CHUNK = 1000  # rows per INSERT
MAX_COUNT = 1_000_000
HISTORY_DAYS = 90

# How often a yes/no question is answered "yes": red flags are rare, precautions less so.
_YES_RATE: dict[str, float] = {
    "rf_saddle_numbness": 0.004,
    "rf_bladder_bowel": 0.004,
    "rf_chest_breathing": 0.008,
    "rf_stroke_signs": 0.004,
    "rf_fever_unwell": 0.015,
    "rf_recent_trauma": 0.02,
    "rf_hot_swollen": 0.01,
    "rf_progressive_weakness": 0.015,
    "rf_cancer_history": 0.07,
    "rf_weight_loss": 0.03,
    "rf_night_pain": 0.08,
    "diabetes": 0.08,
    "blood_thinners": 0.07,
}
_DEFAULT_YES_RATE = 0.04
# Relative weights of single-choice codes; codes not listed weigh 1.
_WEIGHTS: dict[str, dict[str, float]] = {
    "pain_duration": {
        "under_6_weeks": 1,
        "6_weeks_to_3_months": 2,
        "3_to_12_months": 3,
        "over_12_months": 4,
    },
    "needle_attitude": {"comfortable": 6, "nervous": 3, "prefer_no_needles": 1},
    "pregnant": {"yes": 1, "no": 40, "not_sure": 1},
    "age_band": {"under_18": 1, "18_to_64": 15, "65_or_over": 5},
}
# Chance that a multi-select question is answered "none" (when it offers it).
_NONE_RATE = {"diagnoses": 0.45, "nerve_symptoms": 0.5}
# Status weights (last week, older): recent submissions are mostly not handled yet.
_STATUS_WEIGHTS: dict[Status, tuple[int, int]] = {
    Status.NEW: (70, 15),
    Status.CONTACTED: (20, 35),
    Status.BOOKED: (6, 25),
    Status.REFERRED: (1, 8),
    Status.DECLINED: (2, 9),
    Status.CLOSED: (1, 8),
}

# Fictional people, as a bilingual Ottawa clinic might see them.
# fmt: off
_FIRST_EN = (
    "Olivia", "Liam", "Emma", "Noah", "Ava", "Ethan", "Priya", "Omar", "Mei", "Aiden", "Grace",
    "Daniel", "Fatima", "Owen", "Hannah", "Ravi", "Chloe", "Lucas", "Amira"
)
_FIRST_FR = (
    "Émilie", "Mathieu", "Chloé", "Jean-François", "Camille", "Gabriel", "Sophie", "Marc-André",
    "Isabelle", "Félix", "Geneviève", "Étienne", "Maude", "Luc", "Noémie", "Olivier", "Anne-Marie",
    "Hugo", "Léa"
)
_LAST_EN = (
    "Smith", "MacDonald", "Campbell", "Wilson", "O'Brien", "Singh", "Nguyen", "Ahmed", "Li",
    "Brown", "Murphy", "Kowalski", "Patel", "Stewart", "Fraser", "Chen", "Dubois"
)
_LAST_FR = (
    "Tremblay", "Gagnon", "Lalonde", "Côté", "Bélanger", "Charbonneau", "Lavoie", "Gauthier",
    "Morin", "Séguin", "Lafleur", "Bouchard", "Pelletier", "Leblanc", "Desjardins", "Thériault",
    "Roy"
)
# fmt: on
_DOMAINS = ("example.org", "mail.example.org", "courriel.test", "ottawa.test")
_COMMENTS_EN = (
    "Mornings are the worst.",
    "I work at a desk all day, and my neck gets stiff by noon.",
    "Evenings or weekends work best for me.",
    'My last physio said "try IMS", so here I am.',
    "I run three times a week and would like to keep going.\nIt hurts most after long runs.",
)
_COMMENTS_FR = (
    "C'est pire le matin.",
    "Je travaille à l'ordinateur, et j'ai le cou raide dès midi.",
    "Je préfère un rendez-vous le soir ou la fin de semaine.",
    "Mon ancienne physio m'a parlé de l'IMS.",
    "Je fais du vélo pour aller au travail, même l'hiver.",
)


def _weighted(rng: random.Random, codes: list[str], weights: dict[str, float]) -> str:
    return rng.choices(codes, [weights.get(code, 1) for code in codes])[0]


def _answer(rng: random.Random, question: Question) -> Any:
    """A random answer to ``question`` that the questionnaire accepts."""
    codes = [choice.code for choice in question.choices]
    if question.kind is Kind.YES_NO:
        return "yes" if rng.random() < _YES_RATE.get(question.id, _DEFAULT_YES_RATE) else "no"
    if question.kind is Kind.SCALE:
        return min(SCALE_MAX, max(SCALE_MIN, round(rng.gauss(5.5, 2))))
    if question.kind is Kind.MULTI:
        if question.has_none and rng.random() < _NONE_RATE.get(question.id, 0.3):
            return [NONE_CODE]
        others = [code for code in codes if code != NONE_CODE]
        chosen = set(rng.sample(others, rng.choice((1, 1, 1, 2, 2, 3))))
        return [code for code in others if code in chosen]  # catalogue order, as forms store
    return _weighted(rng, codes, _WEIGHTS.get(question.id, {}))


def _contact(rng: random.Random, locale: str) -> dict[str, Any]:
    french = rng.random() < (0.8 if locale == "fr_CA" else 0.25)
    first = rng.choice(_FIRST_FR if french else _FIRST_EN)
    last = rng.choice(_LAST_FR if rng.random() < (0.8 if french else 0.2) else _LAST_EN)
    ascii_name = unicodedata.normalize("NFKD", f"{first}.{last}").encode("ascii", "ignore")
    local = ascii_name.decode().lower().replace("'", "").replace(" ", "")
    given = rng.choices(("both", "email", "phone"), (6, 2, 2))[0]
    address = f"{local}{rng.randrange(100)}@{rng.choice(_DOMAINS)}"
    number = f"613-555-01{rng.randrange(100):02d}"
    email = address if given != "phone" else None
    phone = number if given != "email" else None
    if phone and email:
        preference = rng.choice(("phone", "email"))
    else:
        preference = "phone" if phone else "email"
    comments = None
    if rng.random() < 0.3:
        comments = rng.choice(_COMMENTS_FR if locale == "fr_CA" else _COMMENTS_EN)
    return {
        "full_name": f"{first} {last}",
        "email": email,
        "phone": phone,
        "contact_preference": preference,
        "comments": comments,
    }


def demo_row(rng: random.Random, now: datetime) -> dict[str, Any]:
    """One submission's column values (without reference and idempotency key)."""
    created_at = now - timedelta(seconds=rng.uniform(0, HISTORY_DAYS * 86400))
    locale = rng.choices(("en", "fr_CA"), (2, 1))[0]
    answers = {q.id: _answer(rng, q) for q in SAFETY.questions}
    # The safety step is judged on its own first, as the questionnaire does.
    stop = evaluate(answers).outcome in SAFETY_STOP_OUTCOMES
    if not stop:
        answers.update(
            (qid, _answer(rng, q)) for qid, q in CLINICAL_QUESTIONS.items() if qid not in answers
        )
    decision = evaluate(answers)
    recent = now - created_at < timedelta(days=7)
    column = 0 if recent else 1
    status = rng.choices(tuple(Status), [_STATUS_WEIGHTS[s][column] for s in Status])[0]
    row: dict[str, Any] = {
        "created_at": created_at,
        "locale": locale,
        "questionnaire_version": QUESTIONNAIRE_VERSION,
        "rules_version": decision.rules_version,
        "outcome": decision.outcome.value,
        "reasons": list(decision.reasons),
        "answers": answers,
        "status": status,
        "is_safety_stop": stop,
        "attention": attention(decision.outcome.value, stop, status, cleared=False),
        "full_name": None,
        "email": None,
        "phone": None,
        "contact_preference": None,
        "comments": None,
        "consent_version": None,
        "consent_locale": None,
        "consented_at": None,
    }
    if not stop:
        row.update(_contact(rng, locale))
        row["consent_version"] = CONSENT_VERSION
        row["consent_locale"] = locale
        row["consented_at"] = created_at - timedelta(seconds=rng.uniform(20, 600))
    return row


def _fresh_references(count: int) -> list[str]:
    """``count`` distinct references from ``new_reference()`` that the database does not hold.

    Collisions are rare (30^8 codes) but a demo run may add a million rows to a full database.
    """
    references: set[str] = set()
    while len(references) < count:
        wanted = list({new_reference() for _ in range(count - len(references))} - references)
        for start in range(0, len(wanted), CHUNK):
            part = wanted[start : start + CHUNK]
            taken = db.session.scalars(
                select(Submission.reference).where(Submission.reference.in_(part))
            )
            references.update(set(part).difference(taken))
    return list(references)


@click.command("demo-data")
@click.option(
    "--count",
    type=click.IntRange(1, MAX_COUNT),
    default=200,
    show_default=True,
    help="How many submissions to create.",
)
@click.option("--seed", type=int, default=None, help="Seed for repeatable patients and answers.")
@with_appcontext
def demo_data_command(count: int, seed: int | None) -> None:
    """Fill a development database with fictional submissions (refused in production)."""
    if current_app.config["APP_ENV"] == "production":
        raise click.ClickException("demo-data refuses to run in production.")
    started = time.perf_counter()
    rng = random.Random(seed)  # noqa: S311  (fictional data, not security)
    now = utcnow()
    references = _fresh_references(count)
    for start in range(0, count, CHUNK):
        # A chunk at a time: a million rows never sit in memory together.
        rows = [
            {**demo_row(rng, now), "reference": ref, "idempotency_key": secrets.token_hex(32)}
            for ref in references[start : start + CHUNK]
        ]
        # render_nulls: None stays NULL instead of dropping the column, so every row has the
        # same columns and the chunk goes as one executemany, not a statement per row shape.
        db.session.execute(insert(Submission).execution_options(render_nulls=True), rows)
    audit.record("demo_data.create", actor_type=Actor.SYSTEM, detail={"count": count})
    db.session.commit()
    elapsed = time.perf_counter() - started
    click.echo(f"Created {count} demo submissions in {elapsed:.2f} s.")
