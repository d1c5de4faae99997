"""Submission references such as ``IMS-7KQ4-M2XD``: drawn at random, read aloud over the phone.

Eight characters from a 30-character alphabet without look-alikes (no 0/O, 1/I/L, U): about
6.6 x 10^11 values, never sequential, so one cannot be guessed from another. A person may type
or read one out in any form (``ims 7kq4 m2xd``, ``7KQ4–M2XD``); ``canonical_reference`` turns
it into the one stored form. Pure: no framework imports.
"""

from __future__ import annotations

import re
import secrets
import unicodedata

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIX = "IMS"
LENGTH = 8  # characters after the prefix, shown in two groups of four
_BODY = re.compile(f"[{ALPHABET}]{{{LENGTH}}}")


def new_reference() -> str:
    """A random reference such as ``IMS-7KQ4-M2XD``."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{PREFIX}-{chars[:4]}-{chars[4:]}"


def canonical_reference(typed: str) -> str | None:
    """A reference as typed or read out in its one stored form ``IMS-7KQ4-M2XD``; None when it
    cannot be one. Case, white space, hyphens and dashes are ignored and the ``IMS`` prefix is
    optional (no body starts with I: not in the alphabet). A reference in a URL must already be
    in this form (``typed == canonical_reference(typed)``).
    """
    compact = "".join(
        ch for ch in typed.upper() if not ch.isspace() and unicodedata.category(ch) != "Pd"
    )
    body = compact.removeprefix(PREFIX)
    if not _BODY.fullmatch(body):
        return None
    return f"{PREFIX}-{body[:4]}-{body[4:]}"
