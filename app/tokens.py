"""Random tokens a browser holds, and how the database stores them: only their sha256.

A draft's token (the patient's questionnaire), a staff session's token, a recovery code: the
browser or the person keeps the token, the database keeps its hash, so a copy of the database
cannot be used to act as anyone. The tokens are random (``secrets``), so a plain hash without
salt or stretching is enough. Pure: no framework imports.
"""

from __future__ import annotations

import hashlib
import secrets

TOKEN_BYTES = 32


def new_token() -> str:
    """A fresh random token for a browser to hold (URL-safe text, 32 random bytes)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """How ``token`` is stored and looked up: its sha256, as 64 hexadecimal digits."""
    return hashlib.sha256(token.encode()).hexdigest()
