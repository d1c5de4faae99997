"""Each choice question's HTML, rendered once per language and answer, then kept.

A questionnaire step spends most of its rendering time on radio buttons and checkboxes: the
same inputs and translated labels for every patient. Their HTML depends on three things only:
the language, the question, and which of the question's own codes are chosen. It never holds
free text, so it is kept in a bounded cache keyed by those three, per app, and each page
assembles it from there (measured in docs/performance.md).

Rendered afresh, never kept: a question showing an error, and any chosen value that is not one
of the question's codes (a tampered form). With template auto-reload on (development), nothing
is kept, so an edited template shows at once.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from flask import Flask, current_app
from flask_babel import get_locale
from markupsafe import Markup
from wtforms import Field

from app.screening.catalogue import Question
from app.screening.questions import QUESTIONS

# Enough for every answer of every single-choice question and the common multi-select answers,
# in both languages. Fragments are 0.9 KB on average and 3 KB at most (French), so a full cache
# holds under 12 MB a worker, far less in practice. Older entries make way for newer ones.
CACHE_SIZE = 4096
EXTENSION = "ims_choice_fragments"

# The macro returns Markup: it escapes what it interpolates (autoescaping is on).
ChoicesMacro = Callable[[Question, tuple[str, ...], Any], Markup]


def chosen_codes(data: Any) -> tuple[str, ...]:
    """A field's data as the tuple of chosen values: a list, one value, or nothing."""
    if data is None or data == "":
        return ()
    if isinstance(data, list | tuple):
        return tuple(data)
    return (data,)


def choice_group(question: Question, field: Field, render: ChoicesMacro) -> Markup:
    """The HTML of ``question``'s choices (``render`` is the template's choices macro)."""
    chosen = chosen_codes(field.data)
    error = field.errors[0] if field.errors else None
    if (
        error is not None
        or not question.codes.issuperset(chosen)
        or current_app.jinja_env.auto_reload
    ):
        return render(question, chosen, error)
    return current_app.extensions[EXTENSION](render, str(get_locale()), question.id, chosen)


def register_fragments(app: Flask) -> None:
    """Give ``app``'s templates ``choice_group``, and the app its own cache."""
    app.jinja_env.globals["choice_group"] = choice_group

    # The locale is part of the key although rendering reads it from the request: the two are
    # the same by construction (choice_group passes the current one).
    @lru_cache(maxsize=CACHE_SIZE)
    def rendered(
        render: ChoicesMacro, locale: str, question_id: str, chosen: tuple[str, ...]
    ) -> Markup:
        return render(QUESTIONS[question_id], chosen, None)

    app.extensions[EXTENSION] = rendered
