"""Staff members' TOTP secrets sealed at rest: encrypted with Fernet (``cryptography``), under
keys from the environment (``TOTP_ENCRYPTION_KEYS``), so that a copy of the database alone
cannot produce anyone's second-factor codes.

The keys are a list, newest first: the first seals, every one opens (``MultiFernet``). To
rotate, put a new key first, run ``flask totp seal`` (every secret sealed again under it), then
drop the old key (docs/deployment.md). Without keys (development), secrets stay in the clear
in their own column, and ``flask totp seal`` seals them once keys are set.
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import Flask, current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db

KEYS = "TOTP_ENCRYPTION_KEYS"


class SealingError(RuntimeError):
    """A sealed secret cannot be opened: no key, or none of the keys is the one that sealed it."""


def parse_keys(value: str) -> tuple[str, ...]:
    """``TOTP_ENCRYPTION_KEYS`` as set: Fernet keys separated by commas, newest first. Raises
    ValueError, naming the variable, for a key Fernet cannot use."""
    keys = tuple(key.strip() for key in value.split(",") if key.strip())
    for key in keys:
        try:
            Fernet(key)
        except ValueError:
            raise ValueError(
                f"{KEYS}: each key must be a Fernet key, made with python -c 'from "
                "cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
            ) from None
    return keys


def _keys(keys: Sequence[str] | None = None) -> MultiFernet | None:
    """The configured keys (or ``keys``), or None when there are none."""
    chosen = current_app.config.get(KEYS, ()) if keys is None else keys
    return MultiFernet([Fernet(key) for key in chosen]) if chosen else None


def stored(secret: str | None) -> tuple[str | None, str | None]:
    """How ``secret`` is stored: ``(sealed, plain)``, sealed under the first key when there
    are keys, else plain."""
    if secret is None:
        return None, None
    keys = _keys()
    if keys is None:
        return None, secret
    return keys.encrypt(secret.encode()).decode(), None


def unseal(sealed: str) -> str:
    """The secret in ``sealed``. Raises SealingError when no configured key opens it."""
    keys = _keys()
    if keys is None:
        raise SealingError(f"A TOTP secret is sealed but {KEYS} is not set.")
    try:
        return keys.decrypt(sealed.encode()).decode()
    except InvalidToken:
        raise SealingError(f"No key of {KEYS} opens a stored TOTP secret.") from None


def reseal(sealed: str) -> str:
    """``sealed`` sealed again under the first key (key rotation)."""
    keys = _keys()
    if keys is None:
        raise SealingError(f"{KEYS} is not set.")
    try:
        return keys.rotate(sealed.encode()).decode()
    except InvalidToken:
        raise SealingError(f"No key of {KEYS} opens a stored TOTP secret.") from None


# One sealed secret, if any (raw SQL: the models import this module).
_SEALED_ONE = text(
    "SELECT totp_secret_sealed FROM staff_user WHERE totp_secret_sealed IS NOT NULL LIMIT 1"
)


def check(app: Flask) -> None:
    """At start-up: every key must be a Fernet key; in production, a database that holds
    sealed secrets refuses to start without keys (nobody could sign in), and one without keys
    is logged as holding its secrets in the clear."""
    try:
        parse_keys(",".join(app.config.get(KEYS, ())))
    except ValueError as error:
        raise RuntimeError(str(error)) from None
    if app.config.get(KEYS):
        _opens_one(app)
        return
    if app.config.get("APP_ENV") != "production":
        return
    if _any_sealed(app):
        with app.app_context():
            db.engine.dispose()  # the app will not run: close the connection the check opened
        raise RuntimeError(
            f"{KEYS} must be set: the database holds sealed TOTP secrets, which only its keys "
            "open (docs/deployment.md, Second-factor secrets)."
        )
    app.logger.warning(
        "TOTP secrets are stored in the clear: set %s, then run flask totp seal", KEYS
    )


def _opens_one(app: Flask) -> None:
    """Refuse keys that open none of the stored secrets (an old key dropped before
    ``flask totp seal`` ran, a key mistyped): nobody could sign in with a code."""
    with app.app_context():
        try:
            row = db.session.execute(_SEALED_ONE).first()
        except SQLAlchemyError:
            return  # not migrated yet, or not answering: nothing to say
        finally:
            db.session.remove()
        if row is not None:
            try:
                unseal(row[0])
            except SealingError:
                db.engine.dispose()  # the app will not run: close the check's connection
                raise RuntimeError(
                    f"{KEYS}: no key opens the stored TOTP secrets. Put back the key that "
                    "sealed them (docs/deployment.md, Second-factor secrets)."
                ) from None


def _any_sealed(app: Flask) -> bool:
    """Whether any staff account's secret is sealed; False while the database cannot say (not
    migrated yet: ``flask db upgrade`` builds the app too; or not answering)."""
    with app.app_context():
        try:
            return db.session.execute(_SEALED_ONE).first() is not None
        except SQLAlchemyError:
            return False
        finally:
            db.session.remove()
