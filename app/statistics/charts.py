"""The statistics' charts as geometry for the SVG templates (templates/statistics/page.html):
columns for weeks, bars for categories. No JavaScript, no third-party request; each chart is
drawn beside a table of its data, which is what a screen reader reads (the SVG is an image
with a title and a one-line summary).

Hidden counts (``figures.Count.hidden``: withheld or masked) are not drawn: their place stays
empty, and the table says why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.statistics.figures import Count

# The drawing's own units; the SVG scales to the width it is given (viewBox): narrow enough
# that its 13-unit text stays readable on a phone.
WIDTH = 480
PLOT_HEIGHT = 180
LEFT = 72  # room for the value axis' labels ("1 semaine")
TOP = 8
LABEL_HEIGHT = 18  # a bar's label, above it
BAR_HEIGHT = 18
BAR_GAP = 10
MAX_LABELS = 6  # at most this many labels under the columns
MARGIN = 24  # left and right of the bars: room for the axis' first and last numbers
LABEL_CHARS = 60  # a bar's label is cut to this (the table beside the chart has it whole)


def cut(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "\u2026"


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    series: int  # which series (colour and pattern) it belongs to
    value: int


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Chart:
    """What a template draws: columns or bars (``kind``) in the view box, the shapes, the
    value axis' ticks, the category labels with their positions."""

    kind: str
    left: float  # where the plot begins: after the value axis' labels, or the bars' margin
    width: float
    height: float
    rects: list[Rect]
    ticks: list[Tick]
    labels: list[Tick]

    @property
    def empty(self) -> bool:
        """Nothing to draw: no count, or each one hidden."""
        return not self.rects


def nice_top(value: int) -> int:
    """A round number at or above ``value`` for the top of an axis (1, 2, 5, 10, 20, 50...)."""
    top = 1
    while True:
        for step in (1, 2, 5):
            if step * top >= value:
                return step * top
        top *= 10


def _ticks(top: int, scale: float, origin: float, *, flip: bool) -> list[Tick]:
    """Ticks at whole numbers from 0 to ``top``; ``flip``: the axis grows upwards from
    ``origin``."""
    steps = 4 if top % 4 == 0 else 2 if top % 2 == 0 else 1
    found = []
    for i in range(steps + 1):
        value = top * i // steps  # whole: ``steps`` divides ``top``
        offset = value * scale
        found.append(Tick(origin - offset if flip else origin + offset, str(value)))
    return found


def columns(
    categories: Sequence[str],
    series: Sequence[Sequence[Count]],
    *,
    stacked: bool = True,
    axis: Sequence[str] = (),
) -> Chart:
    """Columns, one per category (a week), its series stacked (``stacked``) or each drawn from
    the axis in turn, the later in front (``stacked=False``, for values that nest). ``axis``:
    the words of the values 1, 2, 3... (ranks, such as wait bands), instead of numbers."""
    drawn = [[c.value if not c.hidden else 0 for c in values] for values in series]
    heights = [
        sum(values[i] for values in drawn) if stacked else max((v[i] for v in drawn), default=0)
        for i in range(len(categories))
    ]
    top = len(axis) or nice_top(max(heights, default=0))
    scale = PLOT_HEIGHT / top
    slot = (WIDTH - LEFT - MARGIN) / max(1, len(categories))  # room for the last label
    width = max(2.0, slot * 0.7)
    base = TOP + PLOT_HEIGHT
    rects = []
    for i in range(len(categories)):
        x = LEFT + i * slot + (slot - width) / 2
        stacked_to = 0.0
        for s, values in enumerate(drawn):
            value = values[i]
            if not value:
                continue
            height = value * scale
            bottom = stacked_to if stacked else 0
            rects.append(Rect(x, base - bottom - height, width, height, s, value))
            if stacked:
                stacked_to += height
    every = -(-len(categories) // MAX_LABELS)  # ceiling division
    labels = [
        Tick(LEFT + i * slot + slot / 2, category)
        for i, category in enumerate(categories)
        if i % every == 0
    ]
    ticks = _ticks(top, scale, base, flip=True)
    if axis:
        ticks = [Tick(base - (i + 1) * scale, words) for i, words in enumerate(axis)]
    return Chart("columns", LEFT, WIDTH, base + 24, rects, ticks, labels)


def bars(categories: Sequence[str], series: Sequence[Sequence[Count]], *, whole: int = 0) -> Chart:
    """Horizontal bars, one per category with its label above it, its series stacked;
    ``whole``: the axis' end (100 for shares), else the largest bar's round top."""
    drawn = [[c.value if not c.hidden else 0 for c in values] for values in series]
    lengths = [sum(values[i] for values in drawn) for i in range(len(categories))]
    top = whole or nice_top(max(lengths, default=0))
    scale = (WIDTH - 2 * MARGIN) / top
    rects, labels = [], []
    row = LABEL_HEIGHT + BAR_HEIGHT + BAR_GAP
    for i, category in enumerate(categories):
        y = TOP + i * row
        labels.append(Tick(y + LABEL_HEIGHT - 5, cut(category)))
        reached = 0.0
        for s, values in enumerate(drawn):
            if values[i]:
                length = values[i] * scale
                bar_y = y + LABEL_HEIGHT
                rects.append(Rect(MARGIN + reached, bar_y, length, BAR_HEIGHT, s, values[i]))
                reached += length
    height = TOP + len(categories) * row + 20
    ticks = _ticks(top, scale, MARGIN, flip=False)
    return Chart("bars", MARGIN, WIDTH, height, rects, ticks, labels)
