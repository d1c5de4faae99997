"""Every English text a patient reads is plain: measured, not judged by eye.

The Flesch-Kincaid grade (textstat) of each page's text stays at a reading age of about 12
(US grade 7), no text of ten words or more reads above grade 10, and no sentence runs past 25
words. Short texts are left out of the per-text bound: one long word ("physiotherapy", which a
patient of this clinic knows) decides the grade of a four-word label, so the formula says
nothing there. The texts come from the catalogue itself and from Babel's own extraction of the
patient templates and modules, so a text added later is measured without anyone listing it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
import textstat
from babel.messages.extract import extract
from flask.testing import FlaskClient

from app.screening.catalogue import Kind, Step
from app.screening.missing_answers import MISSING
from app.screening.questions import STEPS
from app.screening.rule_texts import RULE_TEXTS

ROOT = Path(__file__).resolve().parents[2]
PAGE_GRADE = 7.0  # a reading age of about 12
TEXT_GRADE = 10.0
TEXT_MIN_WORDS = 10
SENTENCE_WORDS = 25

PATIENT_TEMPLATES = (
    *sorted((ROOT / "templates/screening").glob("*.html")),
    ROOT / "templates/errors/error.html",
    ROOT / "templates/base.html",
    ROOT / "templates/_macros/forms.html",
)
# Modules whose texts reach patients, besides the catalogue (read from its data below).
PATIENT_MODULES = (
    ROOT / "app/screening/presenters.py",
    ROOT / "app/screening/forms.py",
    ROOT / "app/errors.py",
    ROOT / "app/formtools.py",
)
KEYWORDS = {"_": None, "N_": None, "_l": None, "gettext": None, "lazy_gettext": None}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def as_sentence(text: str) -> str:
    """``text`` with placeholders read as a short word, ending as a sentence ends (a label's
    colon ends it too)."""
    text = PLACEHOLDER.sub("it", text).strip().removesuffix(":")
    return text if text.endswith((".", "?", "!")) else f"{text}."


def step_texts(step: Step) -> list[str]:
    """Each text of a step page: its intro, and each question's label, hint, listed items and
    choices."""
    texts = [step.intro]
    for question in step.questions:
        texts += [question.label, *filter(None, [question.hint]), *question.hint_items]
        texts += [choice.label for choice in question.choices]
    return texts


def step_passage(step: Step) -> list[str]:
    """What a step page reads as: its intro, each question with its hint and listed items, and
    each list of choices as one sentence (yes/no and the 0-10 scale add nothing)."""
    texts = [step.intro]
    for question in step.questions:
        texts += [question.label, *filter(None, [question.hint]), *question.hint_items]
        if question.choices and question.kind not in (Kind.YES_NO, Kind.SCALE):
            texts.append(", ".join(choice.label for choice in question.choices))
    return texts


def extracted(path: Path) -> list[str]:
    """The texts Babel extracts from ``path``, as ``make update-catalog`` does."""
    method = "jinja2" if path.suffix == ".html" else "python"
    with path.open("rb") as file:
        found = list(extract(method, file, keywords=KEYWORDS))
    return [msg if isinstance(msg, str) else msg[0] for _, msg, _, _ in found]


def shared_texts() -> Iterator[tuple[str, list[str]]]:
    """The texts of each source besides the steps: a template, a module, or the catalogue's
    messages and reasons (a module's texts show on several pages)."""
    yield "missing answers", list(MISSING.values())
    yield "reasons", [text.patient for text in RULE_TEXTS.values()]
    for path in (*PATIENT_TEMPLATES, *PATIENT_MODULES):
        yield str(path.relative_to(ROOT)), extracted(path)


SHARED = dict(shared_texts())
TEXTS = sorted(
    {text for texts in SHARED.values() for text in texts}
    | {text for step in STEPS for text in step_texts(step)}
)
# Passages measured as a whole: headings and labels of one or two words are not prose.
PAGES = {f"step {step.id}": step_passage(step) for step in STEPS} | {
    name: [text for text in texts if len(text.split()) >= 3] for name, texts in SHARED.items()
}


def test_every_patient_file_has_texts() -> None:
    """The extraction finds texts in every file named (a path that moved would read nothing)."""
    empty = [name for name, texts in SHARED.items() if not texts]
    assert not empty
    assert len(TEXTS) > 200


@pytest.mark.parametrize("name", PAGES)
def test_page_reads_at_a_reading_age_of_about_12(name: str) -> None:
    passage = " ".join(as_sentence(text) for text in PAGES[name])
    assert textstat.flesch_kincaid_grade(passage) <= PAGE_GRADE


def test_no_text_reads_above_grade_10() -> None:
    hard = {
        text: textstat.flesch_kincaid_grade(as_sentence(text))
        for text in TEXTS
        if len(text.split()) >= TEXT_MIN_WORDS
    }
    assert {text: grade for text, grade in hard.items() if grade > TEXT_GRADE} == {}


def test_no_sentence_runs_past_25_words() -> None:
    sentences = (
        sentence
        for text in TEXTS
        for sentence in re.split(r"(?<=[.?!])\s+", PLACEHOLDER.sub("it", text))
    )
    assert [s for s in sentences if len(s.split()) > SENTENCE_WORDS] == []


@pytest.mark.parametrize(
    "hard",
    [
        # Texts that once read at grade 10 to 14: the formula must still call them hard.
        "Blood thinners include warfarin, apixaban (Eliquis), rivaroxaban (Xarelto), "
        "dabigatran (Pradaxa), clopidogrel (Plavix) and a daily aspirin.",
        "Have you tried hands-on treatment such as massage, manual therapy, chiropractic "
        "or osteopathy?",
        "Do you have a pacemaker, a defibrillator or another electrical device inside your body?",
    ],
)
def test_the_bound_catches_a_hard_sentence(hard: str) -> None:
    assert textstat.flesch_kincaid_grade(as_sentence(hard)) > TEXT_GRADE


@pytest.mark.parametrize(
    ("lang", "item"),
    [("en", "The worst headache of your life"), ("fr", "Le pire mal de tête de votre vie")],
)
def test_a_question_naming_several_signs_lists_them_in_its_hint(
    client: FlaskClient, lang: str, item: str
) -> None:
    """The stroke question names its three signs as a list the question's group points to."""
    client.get(f"/?lang={lang}")
    html = unescape(client.get("/screening/safety").get_data(as_text=True))
    group = re.search(r'<fieldset id="rf_stroke_signs"[^>]*>.*?</fieldset>', html, re.DOTALL)
    assert group, "the stroke question's group"
    assert 'aria-describedby="rf_stroke_signs-hint"' in group[0]
    hint = re.search(r'<div class="hint" id="rf_stroke_signs-hint">(.*?)</div>', group[0])
    assert hint
    assert hint[1].count("<li>") == 3
    assert f"<li>{item}</li>" in hint[1]
