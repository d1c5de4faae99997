"""``flask --app wsgi demo-data --count N``: fill a development database with fictional patients.

Answers are drawn from the questionnaire catalogue (weighted towards "no", so that emergencies
stay rare) and judged by ``rules.evaluate`` exactly as a real submission is: a safety step that
gives ``emergency`` or ``see_doctor`` becomes a safety stop with only the safety answers and no
contact details. Names are fictional; e-mail domains (example.org, .test) and phone numbers
(613-555-0100 to 0199) are reserved for examples, so nobody real is ever contacted.

Safety stops are about 4% of submissions (the red flags' "yes" rates below). Each submission
gets a status that fits its age and outcome, and the follow-up history that leads to it
(``app.demo_history``: contact attempts, status changes, notes, clearance decisions and
assignments, by fictional demo staff), with its follow-up columns replayed from that history
as the app keeps them, and the search terms staff find it by.

``--seed`` repeats the same patients, answers, statuses and histories; references and
idempotency keys are always fresh (they must stay unique across runs), and dates count back
from now. Rows go in a chunk at a time, each table as one executemany.
"""

from __future__ import annotations

import random
import secrets
import time
import unicodedata
from datetime import datetime, timedelta
from typing import Any, cast

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import Table, insert, select

from app import audit
from app.auth.passwords import hash_password
from app.codes import Actor, Role
from app.database import utcnow
from app.dates import clinic_zone, response_due_at
from app.demo_history import (
    ASSIGN,
    ATTEMPT,
    CLEARANCE,
    NOTE,
    STATUS,
    DemoStaff,
    follow_up_columns,
    history,
    pick_status,
    replay,
)
from app.extensions import Model, db
from app.models import (
    SEARCH_TERM_MAX,
    Assignment,
    Clearance,
    ContactAttempt,
    Note,
    SearchTerm,
    StaffUser,
    StatusChange,
    Submission,
)
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
from app.search_terms import terms_for
from app.statistics.recount import recount

CHUNK = 1000  # rows per INSERT
MAX_COUNT = 1_000_000
HISTORY_DAYS = 90
# The fictional staff the history names: e-mail (at DEMO_DOMAIN, reserved for tests), name, role.
DEMO_DOMAIN = "demo.clinic.test"
DEMO_STAFF = (
    ("alex.martin", "Alex Martin (demo)", Role.FRONT_DESK),
    ("julie.bergeron", "Julie Bergeron (demo)", Role.FRONT_DESK),
    ("nadia.haddad", "Dr Nadia Haddad (demo)", Role.CLINICIAN),
)
_TABLES: dict[str, type[Model]] = {
    ATTEMPT: ContactAttempt,
    STATUS: StatusChange,
    NOTE: Note,
    CLEARANCE: Clearance,
    ASSIGN: Assignment,
}

# How often a yes/no question is answered "yes": red flags are rare, precautions less so.
_YES_RATE: dict[str, float] = {
    # Emergencies about 1 in 100 and see-a-doctor stops about 1 in 30, so that safety stops
    # are some 4% of submissions, as a clinic taking referrals for muscle pain would see.
    "rf_saddle_numbness": 0.002,
    "rf_bladder_bowel": 0.002,
    "rf_chest_breathing": 0.004,
    "rf_stroke_signs": 0.002,
    "rf_fever_unwell": 0.01,
    "rf_recent_trauma": 0.01,
    "rf_hot_swollen": 0.005,
    "rf_progressive_weakness": 0.008,
    "rf_cancer_history": 0.04,
    "rf_weight_loss": 0.03,
    "rf_night_pain": 0.04,
    "diabetes": 0.05,
    "blood_thinners": 0.04,
}
_DEFAULT_YES_RATE = 0.02
# Relative weights of single-choice codes; codes not listed weigh 1.
_WEIGHTS: dict[str, dict[str, float]] = {
    "pain_duration": {
        "under_6_weeks": 1,
        "6_weeks_to_3_months": 2,
        "3_to_12_months": 3,
        "over_12_months": 4,
    },
    "needle_attitude": {"comfortable": 6, "nervous": 3, "prefer_no_needles": 1},
    "pregnant": {"yes": 1, "no": 80, "not_sure": 1},
    "age_band": {"under_18": 1, "18_to_64": 30, "65_or_over": 10},
}
# Chance that a multi-select question is answered "none" (when it offers it).
_NONE_RATE = {"diagnoses": 0.45, "nerve_symptoms": 0.5}
# Fictional people, as a bilingual Ottawa clinic might see them.
# fmt: off
FIRST_EN = (
    "Olivia", "Liam", "Emma", "Noah", "Ava", "Ethan", "Priya", "Omar", "Mei", "Aiden", "Grace",
    "Daniel", "Fatima", "Owen", "Hannah", "Ravi", "Chloe", "Lucas", "Amira"
)
FIRST_FR = (
    "Émilie", "Mathieu", "Chloé", "Jean-François", "Camille", "Gabriel", "Sophie", "Marc-André",
    "Isabelle", "Félix", "Geneviève", "Étienne", "Maude", "Luc", "Noémie", "Olivier", "Anne-Marie",
    "Hugo", "Léa"
)
LAST_EN = (
    "Smith", "MacDonald", "Campbell", "Wilson", "O'Brien", "Singh", "Nguyen", "Ahmed", "Li",
    "Brown", "Murphy", "Kowalski", "Patel", "Stewart", "Fraser", "Chen", "Dubois"
)
LAST_FR = (
    "Tremblay", "Gagnon", "Lalonde", "Côté", "Bélanger", "Charbonneau", "Lavoie", "Gauthier",
    "Morin", "Séguin", "Lafleur", "Bouchard", "Pelletier", "Leblanc", "Desjardins", "Thériault",
    "Roy"
)
# fmt: on
DOMAINS = ("example.org", "mail.example.org", "courriel.test", "ottawa.test")
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
    first = rng.choice(FIRST_FR if french else FIRST_EN)
    last = rng.choice(LAST_FR if rng.random() < (0.8 if french else 0.2) else LAST_EN)
    ascii_name = unicodedata.normalize("NFKD", f"{first}.{last}").encode("ascii", "ignore")
    local = ascii_name.decode().lower().replace("'", "").replace(" ", "")
    given = rng.choices(("both", "email", "phone"), (6, 2, 2))[0]
    address = f"{local}{rng.randrange(100)}@{rng.choice(DOMAINS)}"
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
    """One submission's column values, its status among them (without reference, idempotency
    key and the follow-up columns, which come from its history)."""
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
    status = pick_status(rng, now - created_at, decision.outcome, stop)
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


def demo_staff() -> DemoStaff:
    """The fictional staff the demo history names (two front desk, one clinician, at a reserved
    domain), found by e-mail or created, each with its ``staff.create`` audit record as the
    ``create-staff`` command writes.

    Each has a random password that nobody is told, a password change due and no second
    factor: nobody can sign in as them until an admin resets the password, and then only after
    enrolling a second factor at that first sign-in. They are names in the history, not
    accounts to use."""
    emails = [f"{local}@{DEMO_DOMAIN}" for local, _name, _role in DEMO_STAFF]
    by_email = select(StaffUser).where(StaffUser.email.in_(emails))
    found = {user.email: user for user in db.session.scalars(by_email)}
    for (_local, name, role), email in zip(DEMO_STAFF, emails, strict=True):
        if email in found:
            continue
        user = StaffUser(
            email=email,
            name=name,
            role=role,
            password_hash=hash_password(secrets.token_urlsafe(32)),
            must_change_password=True,
            is_active=True,
        )
        db.session.add(user)
        db.session.flush()
        detail = {"staff_id": user.id, "role": role}
        audit.record("staff.create", actor_type=Actor.SYSTEM, detail=detail)
        found[email] = user
    ids: dict[str, list[int]] = {role: [] for role in Role}
    for (_local, _name, role), email in zip(DEMO_STAFF, emails, strict=True):
        ids[role].append(found[email].id)
    return DemoStaff(front_desk=tuple(ids[Role.FRONT_DESK]), clinician=ids[Role.CLINICIAN][0])


def _insert(model: type[Model], rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (each with the same columns) as one executemany, through Core: the rows
    are complete already, and the ORM's bulk insert would only go over each of them again."""
    if rows:
        db.session.execute(insert(_table(model)), rows)


def _table(model: type[Model]) -> Table:
    return cast(Table, model.__table__)


def _add_chunk(rng: random.Random, references: list[str], staff: DemoStaff, now: datetime) -> None:
    """Store one submission per reference, with its history and search terms."""
    zone = clinic_zone()
    rows, histories = [], []
    for reference in references:
        row = demo_row(rng, now)
        events = history(rng, row, staff, now, zone)
        follow_up_columns(row, replay(events), response_due_at(row["created_at"]))
        row.update(reference=reference, idempotency_key=secrets.token_hex(32))
        rows.append(row)
        histories.append(events)
    # The new ids, for the history and the search terms, found by reference: asked to return
    # them in the rows' order, SQLite would insert one row per statement.
    table = _table(Submission)
    stored = db.session.execute(insert(table).returning(table.c.reference, table.c.id), rows)
    id_of: dict[str, int] = {row.reference: row.id for row in stored}
    ids = [id_of[row["reference"]] for row in rows]
    tables: dict[str, list[dict[str, Any]]] = {kind: [] for kind in _TABLES}
    terms = []
    for submission_id, row, events in zip(ids, rows, histories, strict=True):
        for event in events:
            tables[event.kind].append(
                {
                    "submission_id": submission_id,
                    "staff_id": event.staff_id,
                    "at": event.at,
                    **event.values,
                }
            )
        found_by = terms_for(row["full_name"], row["phone"], row["email"], SEARCH_TERM_MAX)
        terms += [
            {"kind": kind, "term": term, "submission_id": submission_id} for kind, term in found_by
        ]
    for kind, model in _TABLES.items():
        _insert(model, tables[kind])
    _insert(SearchTerm, terms)


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
    """Fill a development database with fictional submissions and their follow-up (refused in
    production)."""
    if current_app.config["APP_ENV"] == "production":
        raise click.ClickException("demo-data refuses to run in production.")
    started = time.perf_counter()
    rng = random.Random(seed)  # noqa: S311  (fictional data, not security)
    now = utcnow()
    staff = demo_staff()
    references = _fresh_references(count)
    for start in range(0, count, CHUNK):
        # A chunk at a time: a million rows never sit in memory together.
        _add_chunk(rng, references[start : start + CHUNK], staff, now)
    recount()  # the statistics' counts, of every submission stored
    audit.record("demo_data.create", actor_type=Actor.SYSTEM, detail={"count": count})
    db.session.commit()
    elapsed = time.perf_counter() - started
    click.echo(f"Created {count} demo submissions in {elapsed:.2f} s.")
