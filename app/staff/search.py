"""Find a patient by name, phone or email (``app.search_terms`` says what matches).

Each word typed must start one of the submission's stored terms of the same kind. The word
that starts the fewest terms leads: its prefix is one range of ``search_term``'s primary key,
read in index order and stopped after ``SEARCH_LIMIT`` matches (or, with several words,
``SCAN_LIMIT`` candidates); every other word is checked for each of those by a lookup of the
``(submission_id, kind, term)`` index. So a search costs about the same at any
number of submissions. What was typed is never logged, put in a URL or stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import aliased

from app.database import AnySession
from app.models import SEARCH_TERM_MAX, SearchTerm, Submission
from app.search_terms import Query, prefix_range, read_query

SEARCH_LIMIT = 50  # matches shown; past this, the page asks for more of the name
# With several words: how many terms of the rarest one are read as candidates, at most (and
# how far each word's terms are counted to find the rarest).
SCAN_LIMIT = 2000


@dataclass(frozen=True, slots=True)
class Found:
    """What a search found: the submissions (newest first) and whether there were more."""

    submissions: list[Submission]
    more: bool
    looked_like_reference: bool = False  # what was typed could have been a reference


def understood(typed: str) -> Query | None:
    """The search in ``typed``, or None when it holds nothing to search for."""
    return read_query(typed, SEARCH_TERM_MAX)


def _matching(kind: str, word: str, table: type[SearchTerm] = SearchTerm) -> Any:
    """The condition: a stored term of ``kind`` starts with ``word`` (a range of the key)."""
    low, high = prefix_range(word)
    return and_(table.kind == kind, table.term >= low, table.term < high)


def _rarest_first(session: AnySession, search: Query) -> tuple[list[str], bool]:
    """The words of ``search``, the one that starts the fewest stored terms first, and whether
    even that one starts ``SCAN_LIMIT`` or more (each counted no further)."""
    if len(search.terms) == 1:
        return list(search.terms), False

    def found(word: str) -> int:
        probe = select(SearchTerm.submission_id).where(_matching(search.kind, word))
        counted = select(func.count()).select_from(probe.limit(SCAN_LIMIT).subquery())
        return session.scalar(counted) or 0

    counts = {word: found(word) for word in search.terms}
    words = sorted(search.terms, key=lambda word: counts[word])  # stable: longest first on ties
    return words, counts[words[0]] >= SCAN_LIMIT


def find_patients(
    session: AnySession, search: Query, *, looked_like_reference: bool = False
) -> Found:
    """The submissions whose stored terms match every word of ``search``, the newest of each
    term first (the index read backwards: the latest of many Tremblays, not the oldest).

    With several words, the lead word's first ``SCAN_LIMIT`` terms are the candidates, each
    checked for the other words: a search of common words that few names share ("marie
    sophie") stays bounded, and says that it was cut (``more``) when the lead word had more.
    """
    (lead, *others), common = _rarest_first(session, search)
    candidates = (
        select(SearchTerm.submission_id, SearchTerm.term)
        .where(_matching(search.kind, lead))
        .order_by(SearchTerm.term.desc(), SearchTerm.submission_id.desc())
        .limit(SCAN_LIMIT if others else SEARCH_LIMIT + 1)
        .subquery()
    )
    query = select(candidates.c.submission_id)
    for word in others:
        other = aliased(SearchTerm)
        query = query.where(
            exists().where(
                other.submission_id == candidates.c.submission_id,
                _matching(search.kind, word, other),
            )
        )
    # One submission may match through several of its words (Anne Annette, "ann").
    matched = query.order_by(candidates.c.term.desc(), candidates.c.submission_id.desc()).limit(
        SEARCH_LIMIT + 1
    )
    ids: list[int] = list(dict.fromkeys(session.scalars(matched)))
    more = len(ids) > SEARCH_LIMIT or common
    ids = ids[:SEARCH_LIMIT]
    rows: list[Submission] = (
        list(session.scalars(select(Submission).where(Submission.id.in_(ids)))) if ids else []
    )
    found = sorted(rows, key=lambda s: (s.created_at, s.id), reverse=True)
    return Found(found, more, looked_like_reference)
