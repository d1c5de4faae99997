"""The statistics page's figures, made from a period's daily counts: pure, no database.

Weeks run Monday to Sunday in the clinic's time zone; a period's first and last weeks may be
partial (only the period's days are counted).

Small counts: a count from 1 to ``SMALL`` - 1 is withheld (``Count.withheld``, "fewer than 5")
wherever it is shown, so that no cell can single out a person. A number shown beside withheld
ones must not give one of them away by subtraction, so where parts are shown with their whole
(a week's outcomes and their total, a period's weeks and its total, the languages, the shares of
an outcome's fates) a single withheld part is never left alone: the whole is masked
(``masked``, "withheld"), or, where the whole is shown elsewhere, a second part is (``protect``).
A share is withheld when its part, or the rest of its whole, is small.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import TypeVar

from app.codes import CLOSED_STATUSES, Counted, Status
from app.screening.codes import SAFETY_STOP_OUTCOMES, Outcome
from app.screening.questions import STEP_IDS
from app.statistics.counting import LONGER, MET, NOTHING_ANSWERED, WAIT_BANDS

SMALL = 5  # counts below this (and above zero) are withheld
OUTCOMES = tuple(Outcome)  # the screen's outcomes, most to least urgent
STOPS = tuple(o for o in OUTCOMES if o in SAFETY_STOP_OUTCOMES)
FOLLOWED = tuple(o for o in OUTCOMES if o not in SAFETY_STOP_OUTCOMES)  # offer a next step
BANDS = (*map(str, WAIT_BANDS), LONGER)
# What became of a submission, by its status now: still open, or how it ended.
FATES = ("open", Status.BOOKED, Status.REFERRED, Status.DECLINED, Status.CLOSED)
TOP_RULES = 10

WeeklyRow = tuple[str, int, str, int]  # metric, week (0: the period's first), key, count


@dataclass(frozen=True)
class Count:
    """A count as the page may show it: ``withheld`` when small, ``masked`` when it would give
    a withheld one away."""

    value: int
    withheld: bool = False
    masked: bool = False

    @classmethod
    def of(cls, value: int) -> Count:
        return cls(value, 0 < value < SMALL)

    @property
    def hidden(self) -> bool:
        return self.withheld or self.masked


def sum_of(parts: Sequence[Count]) -> Count:
    """The total of ``parts``: masked when exactly one part is hidden (the total less the
    others would give it away); several hidden parts give away only their sum."""
    total = Count.of(sum(part.value for part in parts))
    if not total.withheld and sum(part.hidden for part in parts) == 1:
        return replace(total, masked=True)
    return total


@dataclass(frozen=True)
class Share:
    """Part of a whole, as a whole percentage; withheld when the part, the rest of the whole,
    or the whole is small (with the whole, the percentage gives both counts away)."""

    part: int
    whole: int
    masked: bool = False

    @property
    def withheld(self) -> bool:
        rest = self.whole - self.part
        return 0 < self.part < SMALL or 0 < rest < SMALL or self.whole < SMALL

    @property
    def hidden(self) -> bool:
        return self.withheld or self.masked

    @property
    def percent(self) -> int:
        return round(100 * self.part / self.whole) if self.whole else 0


Part = TypeVar("Part", Count, Share)


def protect(parts: list[Part], value: Callable[[Part], int]) -> list[Part]:
    """``parts`` of a whole that is shown, with the smallest visible non-zero part masked too
    when exactly one is hidden (the whole less the others would give it away)."""
    if sum(part.hidden for part in parts) != 1:
        return parts
    visible = [i for i, part in enumerate(parts) if not part.hidden and value(part)]
    if not visible:
        return parts
    smallest = min(visible, key=lambda i: value(parts[i]))
    return [replace(p, masked=True) if i == smallest else p for i, p in enumerate(parts)]


@dataclass(frozen=True)
class Week:
    """One week of the period: its Monday, and its first and last days within the period."""

    monday: date
    first: date
    last: date


def weeks(start: date, end: date) -> list[Week]:
    """The weeks from ``start`` to ``end`` (inclusive), each cut to the period."""
    monday = start - timedelta(days=start.weekday())
    found = []
    while monday <= end:
        found.append(Week(monday, max(monday, start), min(monday + timedelta(days=6), end)))
        monday += timedelta(days=7)
    return found


@dataclass
class Figures:
    """Every figure of one period."""

    weeks: list[Week]
    by_week: dict[str, dict[int, Counter[str]]] = field(default_factory=dict)  # metric
    totals: dict[str, Counter[str]] = field(default_factory=dict)  # metric -> key -> count

    def week_counts(self, metric: Counted, week: int) -> Counter[str]:
        return self.by_week.get(metric, {}).get(week, Counter())


def gather(rows: Iterable[WeeklyRow], start: date, end: date) -> Figures:
    """The period's counts (summed by week: ``app.statistics.queries.weekly_rows``) by week
    and in total."""
    figures = Figures(weeks(start, end))
    by_week: dict[str, dict[int, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    totals: dict[str, Counter[str]] = defaultdict(Counter)
    for metric, week, key, count in rows:
        by_week[metric][week][key] += count
        totals[metric][key] += count
    figures.by_week, figures.totals = dict(by_week), dict(totals)
    return figures


@dataclass(frozen=True)
class Row:
    """A table row: a label's key, its cells and their total."""

    key: str
    cells: tuple[Count, ...]
    total: Count


def _row(key: str, values: Sequence[int]) -> Row:
    cells = tuple(Count.of(v) for v in values)
    return Row(key, cells, sum_of(cells))


def received(figures: Figures, outcomes: Sequence[str] = OUTCOMES) -> list[Row]:
    """Submissions received each week, by outcome (``outcomes``: all, or the safety stops')."""
    return [
        _row(
            week.monday.isoformat(),
            [figures.week_counts(Counted.OUTCOME, i)[o] for o in outcomes],
        )
        for i, week in enumerate(figures.weeks)
    ]


def fates(figures: Figures) -> list[tuple[Outcome, list[Share], Count]]:
    """For each outcome that offers a next step and had submissions: the share of them open,
    booked, referred, declined or closed now, and how many there were."""
    counted = figures.totals.get(Counted.FATE, Counter())
    found = []
    for outcome in FOLLOWED:
        by_status: Counter[str] = Counter()
        for status in Status:
            fate = "open" if status not in CLOSED_STATUSES else status
            by_status[fate] += max(0, counted[f"{outcome}:{status}"])
        whole = sum(by_status.values())
        if whole:
            shares = protect([Share(by_status[f], whole) for f in FATES], lambda s: s.part)
            found.append((outcome, shares, Count.of(whole)))
    return found


def band_at(bands: Counter[str], share: float) -> str | None:
    """The wait band within which ``share`` (0.5: the median) of the first contacts fell."""
    total = sum(bands[b] for b in BANDS)
    if not total:
        return None
    reached = 0
    for band in BANDS:
        reached += bands[band]
        if reached >= share * total:
            return band
    return LONGER


@dataclass(frozen=True)
class Waits:
    """A week's first contacts: how many, the bands of the median and of the 90th percentile
    (None when too few to say), and the share within the clinic's response target."""

    key: str
    contacted: Count
    median: str | None
    ninetieth: str | None
    within_target: Share


def waits(figures: Figures) -> list[Waits]:
    """Time to first contact attempt, each week (by the week the submission was received)."""
    found = []
    for i, week in enumerate(figures.weeks):
        bands = figures.week_counts(Counted.WAIT, i)
        target = figures.week_counts(Counted.TARGET, i)
        contacted = sum(bands[b] for b in BANDS)
        enough = contacted >= SMALL
        found.append(
            Waits(
                week.monday.isoformat(),
                Count.of(contacted),
                band_at(bands, 0.5) if enough else None,
                band_at(bands, 0.9) if enough else None,
                Share(target[MET], contacted),
            )
        )
    return found


def drop_off(figures: Figures, in_progress: Mapping[str, int]) -> list[tuple[str, Count]]:
    """How many questionnaires answered each step, of those started in the period (left
    unsent, sent, or still ``in_progress``: by the last step answered), and how many were sent.
    A safety stop ends at the first step, sent."""
    left = Counter(figures.totals.get(Counted.LEFT, Counter()))
    left.update(in_progress)
    sent = figures.totals.get(Counted.OUTCOME, Counter())
    stops = sum(sent[o] for o in STOPS)
    sent_in_full = sum(sent[o] for o in FOLLOWED)
    found = []
    for i, step in enumerate(STEP_IDS):
        answered = sum(left[s] for s in STEP_IDS[i:]) + sent_in_full + (stops if i == 0 else 0)
        found.append((step, Count.of(answered)))
    found.append(("sent", Count.of(sent_in_full + stops)))
    return [(step, count) for step, count in found if step != NOTHING_ANSWERED]


def languages(figures: Figures) -> list[tuple[str, Count]]:
    """Submissions received in each language."""
    counted = sorted((locale, n) for locale, n in figures.totals.get(Counted.LANGUAGE, {}).items())
    shown = [(locale, n) for locale, n in counted if n]
    # The languages' total is the period's, shown with the submissions received.
    cells = protect([Count.of(n) for _locale, n in shown], lambda c: c.value)
    return [(locale, cell) for (locale, _n), cell in zip(shown, cells, strict=True)]


def top_rules(figures: Figures) -> list[tuple[str, Count]]:
    """The rules that fired most often (ties by id), at most ``TOP_RULES``."""
    counted = figures.totals.get(Counted.RULE, Counter())
    ranked = sorted(((n, rule) for rule, n in counted.items() if n), key=lambda x: (-x[0], x[1]))
    return [(rule, Count.of(n)) for n, rule in ranked[:TOP_RULES]]
