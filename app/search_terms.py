"""The words a submission can be found by, and what a search for them means. Pure: no
framework imports.

Staff find a patient by name, phone or e-mail (SPEC section 5): a name matches without regard
to case or accents and by the start of any of its words; a phone number by its digits whatever
the punctuation, with or without the country code; an e-mail address without regard to case.
So each is stored folded (``terms_for``, one row per term in ``search_term``) and a search
folds what was typed the same way (``read_query``), then looks for stored terms that start
with each folded word: a range of the index, ``prefix_range``.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass

from app.codes import SearchKind

NANP_COUNTRY_CODE = "1"  # Canada and the United States
_WORD = re.compile(r"[^\W_]+")
_PHONE_CHARACTERS = re.compile(r"[\d\s+().\-/]+")
MIN_PHONE_DIGITS = 3
SURROGATES = (0xD800, 0xDFFF)


def fold_words(text: str, *, joined: bool = True) -> list[str]:
    """The words of ``text`` without case or accents: ``"Éloïse D'Amour-Roy"`` gives
    ``eloise``, ``d``, ``amour``, ``roy``; and, with ``joined`` (for the stored terms, so that a
    name is found as it is often typed), the parts of each hyphenated or apostrophised word run
    together: ``damourroy``."""
    plain = "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    ).casefold()
    words: list[str] = []
    for chunk in plain.split():
        parts = _WORD.findall(chunk)
        words += parts
        if joined and len(parts) > 1:
            words.append("".join(parts))
    return words


def phone_digits(text: str) -> str:
    """A phone number's digits, without the North American country code: ``+1 (613)
    555-0142`` and ``613.555.0142`` both give ``6135550142``."""
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", text) if "0" <= ch <= "9")
    if len(digits) == 11 and digits.startswith(NANP_COUNTRY_CODE):
        return digits[1:]
    return digits


def fold_email(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


def terms_for(
    full_name: str | None, phone: str | None, email: str | None, limit: int
) -> set[tuple[SearchKind, str]]:
    """Every (kind, term) a submission with these details is found by; terms past ``limit``
    characters are cut (a prefix still finds them)."""
    terms = {(SearchKind.NAME, word[:limit]) for word in fold_words(full_name or "")}
    if phone and (digits := phone_digits(phone)):
        terms.add((SearchKind.PHONE, digits[:limit]))
    if email and (folded := fold_email(email)):
        terms.add((SearchKind.EMAIL, folded[:limit]))
    return terms


@dataclass(frozen=True, slots=True)
class Query:
    """A search as the index reads it: terms of one kind, each matched by its start."""

    kind: SearchKind
    terms: tuple[str, ...]


def read_query(typed: str, limit: int) -> Query | None:
    """What a person typed into the search box, as a search: an e-mail address when it holds
    an ``@``, a phone number when it is digits and phone punctuation (at least three digits),
    else the words of a name. None when nothing searchable is left."""
    text = typed.strip()
    if "@" in text:
        folded = fold_email(text)
        return Query(SearchKind.EMAIL, (folded[:limit],))
    if _PHONE_CHARACTERS.fullmatch(text):
        digits = phone_digits(text)
        if text.startswith("+" + NANP_COUNTRY_CODE) and len(digits) < 11:  # "+1 613 555"
            digits = digits.removeprefix(NANP_COUNTRY_CODE)
        if len(digits) >= MIN_PHONE_DIGITS:
            return Query(SearchKind.PHONE, (digits[:limit],))
        return None
    # A hyphenated word typed is its parts: each must start a word of the name.
    words = sorted(set(fold_words(text, joined=False)), key=len, reverse=True)
    return Query(SearchKind.NAME, tuple(word[:limit] for word in words)) if words else None


def prefix_range(term: str) -> tuple[str, str]:
    """The range ``[low, high)`` of the strings that start with ``term``, compared code point by
    code point (SQLite's default, PostgreSQL's collation "C")."""
    following = ord(term[-1]) + 1
    if SURROGATES[0] <= following <= SURROGATES[1]:  # not characters: none is ever stored
        following = SURROGATES[1] + 1
    if following > sys.maxunicode:  # nothing sorts after this character: drop it instead
        return term, prefix_range(term[:-1])[1] if len(term) > 1 else chr(sys.maxunicode)
    return term, term[:-1] + chr(following)
