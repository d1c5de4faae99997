"""IMS Screen: online self-screening for IMS consults, and the clinic's review workspace.

``create_app`` (``app.factory``) is imported on first use, so that importing the pure rules
(``from app.screening.rules import evaluate, RULES_VERSION``, which other systems rely on) loads
neither Flask nor the project's configuration: only the questionnaire and its rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.factory import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from app.factory import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
