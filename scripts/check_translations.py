"""Fail when a translation catalogue is incomplete, fuzzy or out of date with the sources.

Run by ``make translations-check`` (part of ``make check``). It extracts the marked strings
afresh, exactly as ``make update-catalog`` does, and compares them with the committed template
and with every language's catalogue.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "app" / "translations"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def extract(target: Path) -> None:
    subprocess.run(  # noqa: S603  (our own pybabel, fixed arguments)
        [
            str(Path(sys.executable).with_name("pybabel")),
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "N_",
            "-k",
            "_l",
            "--ignore-dirs",
            ".* node_modules",
            "--no-location",
            "--sort-output",
            "--omit-header",
            "-o",
            str(target),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


def ids(path: Path) -> set[object]:
    with path.open("rb") as handle:
        return {message.id for message in read_po(handle) if message.id}


def main() -> int:
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "messages.pot"
        extract(fresh)
        source_ids = ids(fresh)
    if ids(TRANSLATIONS / "messages.pot") != source_ids:
        problems.append("messages.pot is out of date: run `make update-catalog`")
    for po_path in sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")):
        with po_path.open("rb") as handle:
            catalogue = read_po(handle)
        name = po_path.relative_to(ROOT)
        if {m.id for m in catalogue if m.id} != source_ids:
            problems.append(f"{name} is out of date: run `make update-catalog`")
        for message in catalogue:
            if not message.id:
                continue
            label = str(message.id)[:60]
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if not all(strings):
                problems.append(f"{name}: untranslated: {label!r}")
            elif message.fuzzy:
                problems.append(f"{name}: fuzzy: {label!r}")
            else:
                originals = message.id if isinstance(message.id, tuple) else (message.id,)
                expected = sorted(PLACEHOLDER.findall(originals[0]))
                if any(sorted(PLACEHOLDER.findall(s)) != expected for s in strings):
                    problems.append(f"{name}: placeholders differ: {label!r}")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
