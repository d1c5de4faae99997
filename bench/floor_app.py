"""Reference pages and forms for the throughput targets: the fixed stack at its leanest, nothing
of ours.

Each page does what any questionnaire step page must do, and nothing else: read the browser's
signed session cookie, read its row from the database by the hash of the token the cookie holds,
make a CSRF token, and answer a page of about the size of a step page (8 KB, a form of seven
three-way questions with the answers checked). No logging, language, rate limit, security
headers or audit. The three pages differ only in how the HTML is made:

- ``/row``: a string joined around the token (no template at all: the floor of any dynamic page);
- ``/jinja``: a Jinja template that loops over the questions (no form library);
- ``/wtforms``: a Flask-WTF form with the answers, rendered field by field in Jinja.

``POST /wtforms`` is the reference step form: the form checked (its CSRF token too), the
answers saved in one UPDATE and committed with the app's SQLite durability (WAL, synchronous
FULL), and a redirect. ``POST /submit`` is the reference final submission: the same form
checked, the row read, then in one transaction a submission row and its audit row inserted and
the draft cleared (an UPDATE standing for the app's DELETE, so the benchmark's one row lasts),
the session pointed at the result, and a redirect. Neither runs the rules or counts a rate
limit, which the app's must.

Served by bench/floor.py under the same gunicorn.conf.py as bench/hello.py. The database URL
(SQLite or PostgreSQL) and the secret key come from ``FLOOR_DATABASE_URL`` and ``SECRET_KEY``;
bench/floor.py stores the row and makes the cookie.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from datetime import UTC, datetime
from typing import Any

from flask import Flask, redirect, render_template, session
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from jinja2 import DictLoader
from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    create_engine,
    event,
    select,
    update,
)
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice

CHOICES = [("yes", "Yes"), ("no", "No"), ("unsure", "I am not sure")]
QUESTIONS = [
    (f"q{number}", f"Question {number}: has this been true for you in the last month or so?")
    for number in range(1, 8)
]
ANSWERS = {name: "no" for name, _text in QUESTIONS}
# The rest of a step page (header, introduction, hints, footer): fixed text, 5 KB.
FIXED_TEXT = "<p>Fixed text of the kind every page carries.</p>" * 104
FOOTER = f"<footer>{FIXED_TEXT}</footer>"

metadata = MetaData()
draft = Table(
    "reference_draft",  # beside the app's own tables when bench/floor.py shares its database
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("answers", Text, nullable=False),
)
submission = Table(
    "reference_submission",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("reference", String(16), nullable=False, unique=True),
    Column("answers", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
audit = Table(
    "reference_audit",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("action", String(40), nullable=False),
    Column("reference", String(16), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
# Connections open on first use, in each worker (gunicorn forks after importing this module).
engine = create_engine(os.environ.get("FLOOR_DATABASE_URL", "sqlite://"))
BY_HASH = select(draft.c.answers).where(draft.c.token_hash == bindparam("token_hash"))
SAVE = (
    update(draft)
    .where(draft.c.token_hash == bindparam("key"))
    .values(answers=bindparam("new_answers"))
)


@event.listens_for(engine, "connect")
def _durable(dbapi_connection: Any, _record: Any) -> None:
    """The app's SQLite settings: WAL, and every commit on disk before it returns."""
    if engine.dialect.name == "sqlite":
        dbapi_connection.execute("PRAGMA journal_mode = WAL")
        dbapi_connection.execute("PRAGMA synchronous = FULL")


HEAD = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Step 1 of 5</title>'
    '<link rel="stylesheet" href="/static/site.css"></head><body><main><h1>Your safety</h1>'
    '<form method="post" novalidate><input type="hidden" name="csrf_token" value="'
)
TAIL = (
    '">'
    + "".join(
        f'<fieldset><legend>{text}</legend><ul id="{name}">'
        + "".join(
            f'<li><input id="{name}-{code}" name="{name}" type="radio" value="{code}"'
            f'{" checked" if code == "no" else ""}><label for="{name}-{code}">{label}</label></li>'
            for code, label in CHOICES
        )
        + "</ul></fieldset>"
        for name, text in QUESTIONS
    )
    + '<button type="submit">Continue</button></form></main>'
    + FOOTER
    + "</body></html>"
)
PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Step 1 of 5</title>
<link rel="stylesheet" href="/static/site.css"></head><body><main><h1>Your safety</h1>
<form method="post" novalidate><input type="hidden" name="csrf_token" value="{{ csrf }}">
{%- for name, text in questions %}<fieldset><legend>{{ text }}</legend><ul id="{{ name }}">
{%- for code, label in choices %}<li><input id="{{ name }}-{{ code }}" name="{{ name }}" \
type="radio" value="{{ code }}"{% if answers.get(name) == code %} checked{% endif %}>\
<label for="{{ name }}-{{ code }}">{{ label }}</label></li>{% endfor %}</ul></fieldset>
{%- endfor %}<button type="submit">Continue</button></form></main>{{ footer|safe }}</body></html>"""
FORM_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Step 1 of 5</title>
<link rel="stylesheet" href="/static/site.css"></head><body><main><h1>Your safety</h1>
<form method="post" novalidate>{{ form.csrf_token }}
{%- for field in form if field.name != "csrf_token" %}<fieldset><legend>{{ field.label.text }}\
</legend>{{ field() }}</fieldset>{% endfor %}<button type="submit">Continue</button></form>
</main>{{ footer|safe }}</body></html>"""


class StepForm(FlaskForm):
    """Seven three-way questions, as on a questionnaire step."""


for _name, _text in QUESTIONS:
    setattr(StepForm, _name, RadioField(_text, choices=[SelectChoice(*c) for c in CHOICES]))

app = Flask(__name__)
# Loaded and compiled once a worker, as templates from files are.
app.jinja_loader = DictLoader({"page.html": PAGE, "form.html": FORM_PAGE})
app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY", "reference pages only")


def token_hash() -> str:
    """The key of the session's row: the hash of the token the cookie holds."""
    return hashlib.sha256(session["token"].encode()).hexdigest()


def stored_answers() -> dict[str, Any]:
    """The session's row: its answers."""
    with engine.connect() as connection:
        return json.loads(connection.execute(BY_HASH, {"token_hash": token_hash()}).scalar_one())


@app.get("/row")
def row() -> str:
    stored_answers()
    return HEAD + generate_csrf() + TAIL


@app.get("/jinja")
def jinja() -> str:
    answers = stored_answers()
    return render_template(
        "page.html",
        csrf=generate_csrf(),
        questions=QUESTIONS,
        choices=CHOICES,
        answers=answers,
        footer=FOOTER,
    )


@app.get("/wtforms")
def wtforms() -> str:
    form = StepForm(data=stored_answers())
    return render_template("form.html", form=form, footer=FOOTER)


@app.post("/wtforms")
def save() -> ResponseReturnValue:
    """The form sent: checked (its CSRF token too), saved, then Post/Redirect/Get."""
    form = StepForm()
    if not form.validate():
        return render_template("form.html", form=form, footer=FOOTER), 422
    answers = {name: form[name].data for name, _text in QUESTIONS}
    with engine.begin() as connection:
        connection.execute(SAVE, {"key": token_hash(), "new_answers": json.dumps(answers)})
    return redirect("/wtforms")


@app.post("/submit")
def submit() -> ResponseReturnValue:
    """The reference final submission: the form checked, the answers stored as a submission
    with its audit row and the draft cleared in one transaction, then Post/Redirect/Get."""
    form = StepForm()
    if not form.validate():
        return render_template("form.html", form=form, footer=FOOTER), 422
    answers = json.dumps(stored_answers())
    reference = secrets.token_hex(6)
    now = datetime.now(UTC)
    with engine.begin() as connection:
        row = {"reference": reference, "created_at": now}
        connection.execute(submission.insert(), [{**row, "answers": answers}])
        connection.execute(audit.insert(), [{**row, "action": "submission.created"}])
        connection.execute(SAVE, {"key": token_hash(), "new_answers": answers})
    session["sent"] = reference
    return redirect("/row")


@app.get("/")
def index() -> str:
    """What bench/server.py polls until the workers serve."""
    return "Reference pages: /row, /jinja, /wtforms; forms: /wtforms, /submit"
