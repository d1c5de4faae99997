"""Rate limits, checked where one applies and nowhere else.

The limiter (``app.extensions.limiter``) is created with ``auto_check=False``: Flask-Limiter
would otherwise look for limits before every request, although only a few views have one (the
questionnaire's forms and staff sign-in), at a cost of a tenth of a page (docs/performance.md).
A view with a limit declares it with ``limited``, which registers it with the limiter and checks
it when the view is called.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import request

from app.extensions import limiter

View = TypeVar("View", bound=Callable[..., Any])


def limited(limit: Callable[[], str], **options: Any) -> Callable[[View], View]:
    """Limit a view to ``limit`` (a callable giving limits such as ``"30 per minute"``), per
    client address; ``options`` as Flask-Limiter's ``limit`` takes them (``methods=...``)."""

    methods = options.get("methods")

    def decorate(view: View) -> View:
        declared = limiter.limit(limit, **options)(view)

        @wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            if methods is None or request.method in methods:
                limiter.check()  # raises RateLimitExceeded (a 429 page) past the limit
            return declared(*args, **kwargs)

        return cast(View, checked)

    return decorate


# Said when the limiter cannot tell when its window ends (its storage did not answer).
RETRY_AFTER_DEFAULT = 60


def retry_after() -> int:
    """Seconds until the limit this request went past lets one through again, for the 429's
    ``Retry-After`` (Flask-Limiter sends it only with its other headers, which are off)."""
    with contextlib.suppress(Exception):  # the storage may be down: a safe default then
        current = limiter.current_limit
        if current is not None:
            return max(1, round(current.reset_at - time.time()))
    return RETRY_AFTER_DEFAULT
