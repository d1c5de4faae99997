"""Questionnaire step pages, rendered once per language, step and answers, then kept.

Most of a step page's cost is its template: the same radio buttons and translated labels for
every patient. A step page shown by GET depends on nothing but the language, the step, the
answers already given on that step, the clinic's settings (their revision: ``app.settings``)
and the CSRF token. So each page is rendered once with a placeholder where the token goes, kept in
a bounded cache of the app's, and every request puts its own token in (measured in
docs/performance.md).

Never kept, always rendered afresh: the contact step (its fields hold what the patient typed,
which must never be kept for anyone else), a page with errors (only a POST shows those), a
request with a query string (the language switch link repeats it), and any page while
templates reload (development), so that an edited template shows at once.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from collections.abc import Callable, Mapping
from threading import Lock
from typing import Any

from flask import current_app, request
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf

from app.screening.catalogue import Step
from app.settings.store import current

# Every step but the contact step, in both languages, and the answers patients commonly give;
# a page is about 10 KB, so a full cache holds about 5 MB a worker. Older pages make way.
CACHE_SIZE = 512
EXTENSION = "ims_step_pages"
# Where the CSRF token goes in a kept page: random, so that no page text can contain it.
_TOKEN_PLACEHOLDER = f"csrf-token-{secrets.token_hex(16)}"

Render = Callable[[Callable[[], str]], str]  # renders the page with the given csrf_token()


class PageCache:
    """A bounded, least-recently-used store of rendered pages, safe across threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._pages: OrderedDict[tuple[Any, ...], str] = OrderedDict()
        self._lock = Lock()

    def get(self, key: tuple[Any, ...]) -> str | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: tuple[Any, ...], page: str) -> None:
        with self._lock:
            self._pages[key] = page
            if len(self._pages) > self.size:
                self._pages.popitem(last=False)

    def __len__(self) -> int:
        return len(self._pages)


def register_page_cache(app: Any) -> None:
    """Give ``app`` its own cache of step pages."""
    app.extensions[EXTENSION] = PageCache(CACHE_SIZE)


def keepable(step: Step) -> bool:
    """Whether ``step``'s page may be kept: every question is answered by choosing, so the page
    shows no text a patient typed (a choice is shown as a ticked box among the catalogue's)."""
    return all(question.choices for question in step.questions)


def _frozen(value: Any) -> Any:
    """An answer as part of a key: lists (multi-select answers) as tuples."""
    return tuple(value) if isinstance(value, list) else value


def step_page(step: Step, answers: Mapping[str, Any], render: Render) -> str:
    """The GET page of ``step`` with ``answers`` filled in: kept, or rendered by ``render``
    (given the ``csrf_token`` callable its template must use) and kept when it may be."""
    if not keepable(step) or request.args or current_app.jinja_env.auto_reload:
        return render(generate_csrf)
    pages: PageCache = current_app.extensions[EXTENSION]
    key = (
        current().revision,  # the clinic's name and details are on the page
        str(get_locale()),
        step.id,
        tuple(_frozen(answers.get(question.id)) for question in step.questions),
    )
    page = pages.get(key)
    if page is None:
        page = render(lambda: _TOKEN_PLACEHOLDER)
        pages.put(key, page)
    return page.replace(_TOKEN_PLACEHOLDER, generate_csrf())
