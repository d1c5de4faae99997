"""The reading grade of each patient page's English text: ``python -m bench.reading_level``.

Prints the Flesch-Kincaid grade (textstat) of each page and the hardest text of ten words or
more, with the texts gathered exactly as ``tests/screening/test_reading_level.py`` gathers and
bounds them.
"""

from __future__ import annotations

import textstat

from tests.screening.test_reading_level import PAGES, TEXT_MIN_WORDS, TEXTS, as_sentence


def main() -> None:
    for name, texts in PAGES.items():
        grade = textstat.flesch_kincaid_grade(" ".join(as_sentence(text) for text in texts))
        print(f"{grade:5.1f}  {name}")
    long_texts = [text for text in TEXTS if len(text.split()) >= TEXT_MIN_WORDS]
    grade, hardest = max((textstat.flesch_kincaid_grade(as_sentence(t)), t) for t in long_texts)
    print(f"hardest text of {TEXT_MIN_WORDS}+ words: grade {grade:.1f}: {hardest}")


if __name__ == "__main__":
    main()
