"""The made-up patients of the benchmark data (``bench.seed``): varied names, with surnames
as common or rare as a real clinic's (Zipf's law over 20,000 of them), and e-mail addresses and
phone numbers written the ways patients write them."""

from __future__ import annotations

import random
import unicodedata
from functools import cache
from itertools import accumulate
from typing import Any

from app.demo import DOMAINS, FIRST_EN, FIRST_FR, LAST_EN, LAST_FR

SURNAMES = 20_000
ZIPF_OFFSET = 10  # a surname of rank r weighs 1 / (r + ZIPF_OFFSET): the commonest ~1.3%
# fmt: off
_PHONE_FORMATS = (
    "{a}-555-01{n:02d}", "({a}) 555-01{n:02d}", "{a} 555 01{n:02d}", "+1 {a}-555-01{n:02d}",
    "{a}.555.01{n:02d}",
)
_ONSETS = (
    "b", "br", "c", "ch", "d", "f", "g", "gr", "h", "j", "k", "l", "m", "n", "p", "pr", "r", "s",
    "st", "t", "tr", "v", "w", "z",
)
_VOWELS = ("a", "e", "i", "o", "u", "ou", "ai", "ie", "é")
_ENDINGS = (
    "", "n", "r", "s", "t", "l", "rd", "nd", "ault", "eau", "ski", "son", "ton", "ley", "ez",
    "elli", "berg", "ier", "ette", "man",
)
# fmt: on


@cache
def surnames() -> tuple[tuple[str, ...], tuple[float, ...]]:
    """``SURNAMES`` surnames, commonest first, with their cumulative Zipf weights: the demo's
    (French and English in turn), then made-up ones, always the same."""
    rng = random.Random(20_261_203)  # noqa: S311  (fictional data, not security)
    names = [name for pair in zip(LAST_FR, LAST_EN, strict=False) for name in pair]
    names += [name for name in (*LAST_FR, *LAST_EN) if name not in names]
    seen = set(names)
    while len(names) < SURNAMES:
        syllables = "".join(
            rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(rng.choice((2, 2, 3)))
        )
        name = (syllables + rng.choice(_ENDINGS)).capitalize()
        if name not in seen:
            seen.add(name)
            names.append(name)
    weights = accumulate(1 / (rank + ZIPF_OFFSET) for rank in range(len(names)))
    return tuple(names), tuple(weights)


@cache
def _mailbox(first: str, last: str) -> str:
    plain = unicodedata.normalize("NFKD", f"{first}.{last}").encode("ascii", "ignore").decode()
    return plain.lower().replace("'", "").replace(" ", "")


def contact(rng: random.Random, row: dict[str, Any]) -> tuple[str, str | None, str | None]:
    """A patient of their own for a pooled row that has contact details: name, e-mail, phone
    (each given when the pooled row gives one)."""
    french = rng.random() < (0.8 if row["locale"] == "fr_CA" else 0.25)
    first = rng.choice(FIRST_FR if french else FIRST_EN)
    names, weights = surnames()
    last = rng.choices(names, cum_weights=weights)[0]
    email = phone = None
    if row["email"]:
        email = f"{_mailbox(first, last)}{rng.randrange(1000)}@{rng.choice(DOMAINS)}"
    if row["phone"]:
        phone = rng.choice(_PHONE_FORMATS).format(a=rng.randrange(200, 1000), n=rng.randrange(100))
    return f"{first} {last}", email, phone
