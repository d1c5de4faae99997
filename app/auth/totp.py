"""The second factor: TOTP codes (30 s steps, each usable once) and one-time recovery codes."""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime

import pyotp
import segno
from markupsafe import Markup

from app.tokens import token_hash

STEP_SECONDS = 30
WINDOW = 1  # accept the previous and next step too, for clock drift
RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def new_secret() -> str:
    """A new random base32 TOTP secret (160 bits)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, email: str, issuer: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret, interval=STEP_SECONDS).provisioning_uri(
        name=email, issuer_name=issuer
    )


def qr_svg(uri: str) -> Markup:
    """The QR code of ``uri`` as inline SVG, drawn here (no third-party request)."""
    svg = segno.make(uri, error="m").svg_inline(scale=5, dark="#000", light="#fff", border=4)
    return Markup(svg)  # noqa: S704  (segno's own SVG: no user-controlled markup)


def matching_step(secret: str, code: str, now: datetime, last_step: int | None) -> int | None:
    """The time step ``code`` belongs to, if it is valid now and later than ``last_step``.

    Refusing steps at or before the last one used makes every code single-use. Only ASCII digits
    make a code: ``str.isdigit`` also accepts full-width, Arabic-Indic or superscript ones, which
    no authenticator shows and ``hmac.compare_digest`` refuses to compare (non-ASCII text).
    """
    code = code.strip().replace(" ", "")
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret, interval=STEP_SECONDS)
    current = totp.timecode(now)
    for step in range(current - WINDOW, current + WINDOW + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def new_recovery_codes() -> list[str]:
    """Fresh one-time recovery codes, shown once, e.g. ``k7m2q-x9tab``."""
    return [
        "-".join("".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(5)) for _ in range(2))
        for _ in range(RECOVERY_CODE_COUNT)
    ]


def hash_recovery_code(code: str) -> str:
    """The stored form of a recovery code (codes are random, so a plain hash suffices)."""
    return token_hash(code.strip().lower().replace(" ", "").replace("-", ""))
