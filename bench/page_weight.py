"""What a patient's browser downloads for each page: its HTML and the stylesheet.

``python -m bench.page_weight`` (``make bench-weight``) builds the app with production settings
on a fresh SQLite database and requests, in English and in French: the start page; every step
empty, sent empty (every error shown) and filled with the longest answers its form accepts; the
check page after those answers and the result page they lead to; and, for every outcome, the
result page listing every reason the rules can give (more than any patient can get: a bound).
Sizes are uncompressed bytes, as sent without a compressing proxy. Prints the heaviest page of
each kind and exits non-zero when a page and the stylesheet pass QUALITY.md's 30 KB.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from types import SimpleNamespace
from typing import Any

from flask import Flask, render_template
from werkzeug.test import TestResponse

from app.screening.catalogue import NONE_CODE, Kind
from app.screening.questions import STEPS
from app.screening.rule_texts import RULE_TEXTS
from app.screening.rules import Outcome
from bench.sessions import production_app
from tests.journey import BASE_ANSWERS, csrf_token, step_data

LIMIT = 30 * 1024  # QUALITY.md: patient pages under 30 KB transferred (HTML + CSS)
LANGUAGES = ("en", "fr")
STYLESHEET = "/static/site.css"


def longest_answers() -> dict[str, Any]:
    """Valid answers that make pages as long as they get: every option of a multiple choice
    ticked (but "none"), and free text at its longest, in characters HTML must escape."""
    answers = dict(BASE_ANSWERS)
    for step in STEPS:
        for question in step.questions:
            if question.kind is Kind.MULTI:
                answers[question.id] = sorted(question.codes - {NONE_CODE})
            elif question.kind in (Kind.TEXT, Kind.LONG_TEXT) and question.max_length:
                answers[question.id] = "&" * question.max_length
    return answers


def _size(response: TestResponse, status: int, what: str) -> int:
    if response.status_code != status:
        raise RuntimeError(f"{what}: {response.status_code}, expected {status}")
    return len(response.data)


def walked_pages(app: Flask, lang: str) -> Iterator[tuple[str, int]]:
    """(page, bytes of HTML) for every page of one questionnaire in ``lang``."""
    client = app.test_client()
    answers = longest_answers()
    yield "start page", _size(client.get(f"/?lang={lang}"), 200, "start page")
    for step in STEPS:
        path = f"/screening/{step.id}"
        page = client.get(path)
        yield f"{step.id}, empty", _size(page, 200, path)
        token = csrf_token(page)
        errors = client.post(path, data={"csrf_token": token})
        yield f"{step.id}, every error", _size(errors, 422, f"{path} sent empty")
        sent = client.post(path, data={**step_data(step.id, answers), "csrf_token": token})
        _size(sent, 302, f"{path} with the longest answers")
        yield f"{step.id}, filled", _size(client.get(path), 200, path)
    check = client.get("/screening/check")
    yield "check page", _size(check, 200, "check page")
    sent = client.post("/screening/submit", data={"csrf_token": csrf_token(check)})
    _size(sent, 302, "final submission")
    yield "result page", _size(client.get("/screening/result"), 200, "result page")


def result_bounds(app: Flask, lang: str) -> Iterator[tuple[str, int]]:
    """(page, bytes) of each outcome's result page with every reason the rules have."""
    reasons = [text.patient for text in RULE_TEXTS.values()]
    for outcome in Outcome:
        with app.test_request_context(f"/screening/result?lang={lang}"):
            app.preprocess_request()
            submission = SimpleNamespace(outcome=outcome.value, reference="IMS-XXXX-XXXX")
            html = render_template("screening/result.html", submission=submission, reasons=reasons)
        yield f"result, {outcome.value}, every reason", len(html.encode())


def measure(app: Flask) -> tuple[int, list[tuple[str, str, int]]]:
    """The stylesheet's bytes, and (language, page, bytes of HTML) for every page."""
    with app.test_client().get(STYLESHEET) as response:  # a file response: closed after
        stylesheet = len(response.data)
    pages = [
        (lang, name, size)
        for lang in LANGUAGES
        for name, size in (*walked_pages(app, lang), *result_bounds(app, lang))
    ]
    return stylesheet, pages


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.page_weight", description=__doc__)
    parser.parse_args(argv)
    with production_app(
        "sqlite", RATELIMIT_STORAGE_URI="memory://", SCREENING_RATE_LIMIT="1000 per minute"
    ) as (app, _environment):
        stylesheet, pages = measure(app)
    print(f"\nPatient pages, uncompressed bytes; stylesheet {STYLESHEET}: {stylesheet:,}")
    print(f"{'page':<44} {'en':>8} {'fr':>8} {'+ css, worst':>13}  of {LIMIT:,}")
    sizes: dict[str, dict[str, int]] = {}
    for lang, name, size in pages:
        sizes.setdefault(name, {})[lang] = size
    over = []
    for name, by_lang in sizes.items():
        total = max(by_lang.values()) + stylesheet
        print(f"{name:<44} {by_lang['en']:>8,} {by_lang['fr']:>8,} {total:>13,}")
        if total >= LIMIT:
            over.append(name)
    heaviest = max(pages, key=lambda page: page[2])
    print(f"\nheaviest: {heaviest[1]} ({heaviest[0]}), {heaviest[2] + stylesheet:,} bytes with CSS")
    print("PASS" if not over else f"FAIL: over {LIMIT:,} bytes: {', '.join(over)}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
