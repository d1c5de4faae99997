"""The queue's views and search under the scale benchmark: what is measured, the URL of any page
of a view (a cursor at any depth, in the view's own order), and the searches a clinic makes.

Used by ``bench.scale`` (up to 1,000,000 submissions on both engines) and by the regression
guard ``tests/perf/test_queue_speed.py`` (100,000 on SQLite).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from flask import Flask
from sqlalchemy import ColumnElement, Select, func, select

from app.codes import SearchKind
from app.database import utcnow
from app.extensions import db
from app.keyset import Order, encode_cursor
from app.models import SearchTerm, Submission
from app.search_terms import fold_words, phone_digits
from app.staff.queries import QueueFilter, View, view_order, view_query
from app.staff.search import find_patients, understood
from bench.seed_people import surnames

PAGE_SIZE = 25  # config STAFF_PAGE_SIZE
PAGES = ("first", "middle", "last", "before the last row")


@dataclass(frozen=True, slots=True)
class ViewCase:
    """One view of the queue with one filter, as a link to it carries them."""

    name: str
    view: View
    args: dict[str, str] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return f"/staff/{self.view.value}"  # a view's value is the last part of its URL


def all_filters(today: date) -> list[tuple[str, dict[str, str]]]:
    """The All view's filters measured: none, a rare and a common value of each, date ranges,
    all three at once, and the signed-in clinician's, alone and with a rare status."""

    def day(days_ago: int) -> str:
        return (today - timedelta(days=days_ago)).isoformat()

    return [
        ("no filter", {}),
        ("outcome=emergency", {"outcome": "emergency"}),
        ("outcome=clinician_review", {"outcome": "clinician_review"}),
        ("status=new", {"status": "new"}),
        ("status=booked", {"status": "booked"}),
        ("dates: a month, a year ago", {"from": day(395), "to": day(365)}),
        ("dates: the last week", {"from": day(6), "to": day(0)}),
        (
            "outcome+status+dates",
            {"outcome": "suggest_consult", "status": "contacted", "from": day(450), "to": day(360)},
        ),
        ("assignee=me", {"assignee": "me"}),
        ("assignee=me+status=new", {"assignee": "me", "status": "new"}),
    ]


def view_cases(today: date) -> list[ViewCase]:
    """Every view, everyone's and the signed-in clinician's, and All with each filter."""
    mine = {"assignee": "me"}
    return [
        ViewCase("To do", View.TODO),
        ViewCase("To do, assignee=me", View.TODO, mine),
        ViewCase("Follow-ups", View.FOLLOW_UPS),
        ViewCase("Follow-ups, assignee=me", View.FOLLOW_UPS, mine),
        ViewCase("Safety stops", View.STOPS),
        *(ViewCase(f"All, {name}", View.ALL, args) for name, args in all_filters(today)),
    ]


def _runs(case: ViewCase, me: int, now: datetime) -> tuple[Order, list[Select[Any]]]:
    """The view's order and the query of each of its runs (one for a view without runs), each
    selecting the order's columns. Needs an app context (a filter's dates are the clinic's)."""
    order = view_order(case.view, now)
    query = view_query(case.view, QueueFilter.from_args(case.args), me)
    query = query.with_only_columns(*order.columns)
    conditions: Sequence[ColumnElement[bool] | None] = order.runs or (None,)
    return order, [query if c is None else query.where(c) for c in conditions]


def matching(app: Flask, case: ViewCase, me: int) -> int:
    """How many rows the view shows across all its pages."""
    with app.app_context():
        _, runs = _runs(case, me, utcnow())
        total = sum(
            db.session.scalar(select(func.count()).select_from(run.subquery())) or 0 for run in runs
        )
        db.session.rollback()
    return total


def cursor_at(app: Flask, case: ViewCase, me: int, position: int) -> str | None:
    """The cursor of the row at ``position`` (from 0) in the view's order, as the "Next page"
    link of the page ending at that row carries it: for a view with runs (To do), the run's
    number, then the row's key in the run."""
    with app.app_context():
        order, runs = _runs(case, me, utcnow())
        ordering = [c.desc() if order.descending else c for c in order.columns]
        try:
            for number, run in enumerate(runs):
                size = db.session.scalar(select(func.count()).select_from(run.subquery())) or 0
                if position < size:
                    query = run.order_by(*ordering).offset(position).limit(1)
                    key = tuple(db.session.execute(query).one())
                    return encode_cursor((number, *key) if order.runs else key)
                position -= size
            return None
        finally:
            db.session.rollback()


def page_urls(app: Flask, case: ViewCase, me: int) -> tuple[int, dict[str, str | None]]:
    """The view's row count, and the URLs of its first, middle and last page and of the page
    before its last row (None where there is no such page)."""
    count = matching(app, case, me)
    last_start = ((count - 1) // PAGE_SIZE) * PAGE_SIZE
    cursors = {
        "first": "",
        "middle": cursor_at(app, case, me, count // 2 - 1) if count > 2 else None,
        "last": cursor_at(app, case, me, last_start - 1) if last_start > 0 else None,
        "before the last row": cursor_at(app, case, me, count - 1) if count else None,
    }
    urls: dict[str, str | None] = {}
    for page, cursor in cursors.items():
        if cursor is None:
            urls[page] = None
            continue
        extra = {"before": cursor} if page.startswith("before") else {"after": cursor}
        query = urlencode({**case.args, **(extra if cursor else {})})
        urls[page] = f"{case.path}?{query}" if query else case.path
    return count, urls


@dataclass(frozen=True, slots=True)
class SearchCase:
    """What a person types into the search box, and the answer it gets: 200 and the matches
    listed, or 302 to the one submission a reference names. ``matches``: whether the seeded
    data holds a submission it finds."""

    name: str
    typed: str
    expected: int = 200
    matches: bool = True


def _example(app: Flask) -> Any:
    """A submission half way through the table with a name, a phone number and an e-mail."""
    with app.app_context():
        middle = (db.session.scalar(select(func.max(Submission.id))) or 0) // 2
        query = (
            select(Submission.reference, Submission.full_name, Submission.phone, Submission.email)
            .where(
                Submission.id >= middle,
                Submission.phone.is_not(None),
                Submission.email.is_not(None),
            )
            .order_by(Submission.id)
            .limit(1)
        )
        return db.session.execute(query).one()


def _hyphenated_name(app: Flask) -> str:
    """The whole name of the newest patient with a hyphenated given name (Jean-François): the
    given name gives the search its longest words."""
    with app.app_context():
        query = (
            select(Submission.full_name)
            .where(Submission.full_name.like("Jean-François %"))
            .order_by(Submission.id.desc())
            .limit(1)
        )
        return db.session.scalar(query) or "Jean-François Tremblay"


def _rare_surname(app: Flask) -> str:
    """The rarest seeded surname that some submission has (``bench.seed.surnames``' tail)."""
    names = surnames()[0]
    with app.app_context():
        for start in range(len(names) - 1000, 0, -1000):
            tail = {fold_words(name)[0]: name for name in names[start : start + 1000]}
            query = select(SearchTerm.term).where(
                SearchTerm.kind == SearchKind.NAME, SearchTerm.term.in_(tail)
            )
            held = set(db.session.scalars(query))
            for name in reversed(names[start : start + 1000]):
                if fold_words(name)[0] in held:
                    return name
    raise RuntimeError("no seeded surname found")


SEARCHES = (
    "surname, the commonest",
    "surname, a rare one",
    "the first 2 letters of a name",
    "the first 3 letters of a name",
    "given name and surname",
    "hyphenated given name and surname",
    "a common given name, the commonest surname",
    "two common given names, nobody has both",
    "phone, +1 (ddd) ddd-dddd",
    "e-mail address",
    "reference (302 to the submission)",
)


def search_cases(app: Flask) -> list[SearchCase]:
    """The ``SEARCHES``: by surname (the commonest and a rare one), by the first two and three
    letters of a name, by whole names (one with a hyphenated given name, a common given name
    with the commonest surname, and two common given names that no patient has together: each
    word starts a thousand names or more, so the search cannot lead with a rare one), by a
    phone number typed with punctuation and the country code, by e-mail address, and by
    reference."""
    reference, full_name, phone, email = _example(app)
    digits = phone_digits(phone)
    typed = (
        surnames()[0][0],
        _rare_surname(app),
        "Ga",
        "Lav",
        full_name,
        _hyphenated_name(app),
        f"Jean-François {surnames()[0][0]}",
        "Olivia Mathieu",
        f"+1 ({digits[:3]}) {digits[3:6]}-{digits[6:]}",
        email,
        reference,
    )
    return [
        SearchCase(name, text, 302 if text == reference else 200, "nobody" not in name)
        for name, text in zip(SEARCHES, typed, strict=True)
    ]


def found(app: Flask, case: SearchCase) -> str:
    """How many submissions a search lists ("50+" when it stops at its limit)."""
    search = understood(case.typed)
    if case.expected == 302 or search is None:
        return "1" if case.expected == 302 else "0"
    with app.app_context():
        result = find_patients(db.session, search)
        db.session.rollback()
    return f"{len(result.submissions)}{'+' if result.more else ''}"
