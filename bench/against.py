"""A benchmark at an earlier commit and at the working tree, alternately, in one run: what a
change costs, as figures measured side by side on the same noisy machine.

    python -m bench.against c9b5d51 --database sqlite --runs 2
    python -m bench.against c9b5d51 --bench throughput --database sqlite --runs 2

The earlier commit is checked out in a temporary git worktree (removed afterwards), its
catalogues compiled, and run with this virtualenv's Python; each run's table is printed as the
benchmark (``bench.inprocess`` by default) prints it, headed by what ran.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GIT = shutil.which("git") or "git"


def _run(command: list[str], where: Path, *, check: bool = True) -> str:
    """A command of ours (git, this interpreter, pybabel): its output."""
    done = subprocess.run(command, cwd=where, capture_output=True, text=True, check=check)  # noqa: S603
    return done.stdout


def run(where: Path, bench: str, database: str) -> str:
    """One run of ``bench.<bench>`` from ``where`` (its own ``app`` comes first on the path),
    whatever its exit status (a benchmark fails when a target is missed)."""
    return _run(
        [sys.executable, "-m", f"bench.{bench}", "--database", database], where, check=False
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("commit", help="the earlier commit, e.g. c9b5d51")
    parser.add_argument("--bench", choices=("inprocess", "throughput"), default="inprocess")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--runs", type=int, default=2, help="runs of each, alternating")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        earlier = Path(folder) / "earlier"
        _run([GIT, "worktree", "add", "--detach", str(earlier), args.commit], ROOT)
        try:
            pybabel = str(Path(sys.executable).with_name("pybabel"))
            _run([pybabel, "compile", "-d", "app/translations"], earlier)
            for turn in range(1, args.runs + 1):
                for label, where in ((args.commit, earlier), ("working tree", ROOT)):
                    print(f"## {label}, run {turn} of {args.runs}, {args.bench}, {args.database}")
                    print(run(where, args.bench, args.database), flush=True)
        finally:
            _run([GIT, "worktree", "remove", "--force", str(earlier)], ROOT, check=False)


if __name__ == "__main__":
    main()
