"""A page's forms read as a browser would: where each sends, the fields it shows, and the hidden
fields it sends back as rendered (its CSRF token, a one-time key).

The one place the tests take a CSRF token or a hidden field from a page:

    csrf_token(client.get("/auth/login"))
    hidden_fields(client.get(page), f"{page}/notes")  # the note form's token and one-time key
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from werkzeug.test import TestResponse

_FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.DOTALL)
_FIELD = re.compile(r"<(input|select|textarea)\b([^>]*)>")
_ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')
_TOKEN = re.compile(r'<input\b[^>]*\sname="csrf_token"[^>]*>')


@dataclass(frozen=True)
class Form:
    """One form of a page."""

    method: str  # "get" or "post"
    action: str | None  # None: the form sends to its own page
    names: frozenset[str]  # every field it shows or hides
    hidden: dict[str, str]  # the hidden fields, with their values as rendered


def _text(page: TestResponse | str) -> str:
    return page if isinstance(page, str) else page.get_data(as_text=True)


def _attributes(tag: str) -> dict[str, str]:
    return {name: html.unescape(value) for name, value in _ATTRIBUTE.findall(tag)}


def forms(page: TestResponse | str) -> list[Form]:
    """Every form of ``page`` (a response or its HTML), in order."""
    found = []
    for form_tag, inner in _FORM.findall(_text(page)):
        form = _attributes(form_tag)
        fields = [(kind, _attributes(tag)) for kind, tag in _FIELD.findall(inner)]
        named = [(kind, field) for kind, field in fields if "name" in field]
        found.append(
            Form(
                method=form.get("method", "get").lower(),
                action=form.get("action"),
                names=frozenset(field["name"] for _kind, field in named),
                hidden={
                    field["name"]: field.get("value", "")
                    for kind, field in named
                    if kind == "input" and field.get("type") == "hidden"
                },
            )
        )
    return found


def hidden_fields(page: TestResponse | str, action: str) -> dict[str, str]:
    """The hidden fields of the form on ``page`` that sends to ``action``."""
    sending = [form for form in forms(page) if form.action == action]
    assert sending, f"no form sends to {action}"
    return sending[0].hidden


def csrf_token(page: TestResponse | str) -> str:
    """The CSRF token on ``page`` (the first one: every token the session is shown is good)."""
    found = _TOKEN.search(_text(page))
    assert found, "no CSRF token on the page"
    return _attributes(found[0])["value"]
