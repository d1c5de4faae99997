"""Staff passwords: Argon2id hashes, and the rules a new password must meet."""

from __future__ import annotations

import gzip
import secrets
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l

MIN_LENGTH = 12
MAX_LENGTH = 256
# The longest password a sign-in form reads: longer input is refused before it is hashed.
PASSWORD_INPUT_MAX = 1024
COMMON_PASSWORDS = Path(__file__).with_name("common-passwords.txt.gz")


def hasher() -> PasswordHasher:
    """The app's Argon2id hasher, with the cost parameters from configuration."""
    config = current_app.config
    params = (
        config["ARGON2_TIME_COST"],
        config["ARGON2_MEMORY_COST"],
        config["ARGON2_PARALLELISM"],
    )
    return _hasher(*params)


@cache
def _hasher(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


# A temporary password an admin gives by phone or in person: groups of letters and digits that
# cannot be mistaken for one another when read out (no 0/O, 1/I/L, U/V).
TEMPORARY_ALPHABET = "23456789abcdefghjkmnpqrstwxyz"
TEMPORARY_GROUPS, TEMPORARY_GROUP_LENGTH = 4, 4


def temporary_password() -> str:
    """A random password for an admin's reset (about 78 bits), like ``k7tq-3wna-x9fe-2hpm``."""
    return "-".join(
        "".join(secrets.choice(TEMPORARY_ALPHABET) for _ in range(TEMPORARY_GROUP_LENGTH))
        for _ in range(TEMPORARY_GROUPS)
    )


def hash_password(password: str) -> str:
    """An Argon2id hash of ``password``."""
    return hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches; never raises for a wrong password or a damaged hash."""
    try:
        return hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with other parameters than today's."""
    return hasher().check_needs_rehash(password_hash)


def waste_time(password: str) -> None:
    """Spend as long as a real check, so an unknown e-mail answers like a wrong password: a
    check against a hash made with the configured costs, as real accounts' hashes are."""
    verify_password(_dummy_hash(hasher()), password)


@cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash("not a real password, only for timing")


@cache
def _common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def password_problem(password: str, email: str = "") -> str | None:
    """Why ``password`` may not be used, or None. Length and commonness only: no composition
    rules, no expiry (QUALITY.md)."""
    if len(password) < MIN_LENGTH:
        return str(_l("Use at least %(count)d characters.", count=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        return str(_l("Use at most %(count)d characters.", count=MAX_LENGTH))
    lowered = password.lower()
    local_part = email.lower().partition("@")[0]
    if lowered in _common_passwords() or (len(local_part) >= 4 and local_part in lowered):
        return str(_l("This password is too easy to guess. Choose another one."))
    return None
