"""The statistics page's sections, in words: each a title, a one-line summary, a chart and the
table of its data. The page and each section's CSV are made from the same ``Section``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from babel.numbers import format_decimal, format_percent
from flask_babel import format_date, get_locale, gettext, ngettext
from flask_babel import lazy_gettext as _l

from app.screening.codes import Outcome
from app.screening.questions import STEPS_BY_ID
from app.screening.rule_texts import RULE_TEXTS
from app.staff.forms import OUTCOME_LABELS, STATUS_LABELS
from app.statistics import charts, figures
from app.statistics.figures import Count, Figures, Share

Cell = Count | Share | str
BAND_WORDS: dict[str, Any] = {
    "15": _l("15 minutes"),
    "30": _l("30 minutes"),
    "60": _l("1 hour"),
    "120": _l("2 hours"),
    "240": _l("4 hours"),
    "480": _l("8 hours"),
    "1440": _l("1 day"),
    "2880": _l("2 days"),
    "4320": _l("3 days"),
    "10080": _l("1 week"),
    figures.LONGER: _l("more than a week"),
}
OUTCOME_WORDS: dict[str, Any] = {str(code): label for code, label in OUTCOME_LABELS.items()}
# The same, short, for the chart's axis.
BAND_SHORT: dict[str, Any] = {
    "15": _l("15 min"),
    "30": _l("30 min"),
    "60": _l("1 h"),
    "120": _l("2 h"),
    "240": _l("4 h"),
    "480": _l("8 h"),
    "1440": _l("1 day"),
    "2880": _l("2 days"),
    "4320": _l("3 days"),
    "10080": _l("1 week"),
    figures.LONGER: _l("longer"),
}
FATE_WORDS: dict[str, Any] = {"open": _l("Still open"), **STATUS_LABELS}
LANGUAGE_WORDS: dict[str, Any] = {"en": _l("English"), "fr_CA": _l("French")}


@dataclass(frozen=True)
class Section:
    """One figure of the page: ``id`` names its anchor and its CSV."""

    id: str
    title: str
    summary: str
    chart: charts.Chart
    series: list[str]  # the chart's legend, in the order of its series (and colours)
    colours: list[str]  # each series' colour class
    headings: list[str]  # the table's: the row label's, then each column's
    rows: list[tuple[str, list[Cell]]]


def week_label(monday: str) -> str:
    return format_date(date.fromisoformat(monday), "d MMM")


def rule_words(rule: str) -> str:
    """A rule's short name: its staff text up to the first colon or bracket."""
    texts = RULE_TEXTS.get(rule)
    if texts is None:
        return rule
    return re.split(r"[:(.]", gettext(texts.staff), maxsplit=1)[0].strip(" \u00a0")


def _weekly(
    id_: str,
    title: str,
    summary: str,
    found: list[figures.Row],
    keys: Sequence[str],
    words: Callable[[str], str],
) -> Section:
    names = [words(key) for key in keys]
    return Section(
        id=id_,
        title=title,
        summary=summary,
        chart=_in_numbers(
            charts.columns(
                [week_label(r.key) for r in found],
                [[r.cells[i] for r in found] for i in range(len(keys))],
            )
        ),
        series=names,
        colours=list(keys),
        headings=[gettext("Week of"), *names, gettext("Total")],
        rows=[(week_label(r.key), [*r.cells, r.total]) for r in found],
    )


def cell_texts() -> Callable[[Cell], str]:
    """How the page, its summaries and the CSV write a cell, in the request's language (the
    words looked up once: a year's tables hold hundreds of withheld cells)."""
    fewer, masked, locale = gettext("fewer than 5"), gettext("withheld"), get_locale()

    def text(cell: Cell) -> str:
        if isinstance(cell, str):
            return cell
        if isinstance(cell, Count):
            if cell.hidden:
                return fewer if cell.withheld else masked
            return format_decimal(cell.value, locale=locale)
        # A share is hidden for a count behind it, not for itself being small.
        return masked if cell.hidden else format_percent(cell.percent / 100, locale=locale)

    return text


def _count_words(count: Count) -> str:
    return cell_texts()(count)


def received(found: Figures) -> Section:
    rows = figures.received(found)
    total = figures.sum_of([r.total for r in rows])
    summary = ngettext(
        "%(count)s submission received in the period.",
        "%(count)s submissions received in the period.",
        total.value,
        count=_count_words(total),
    )
    if total.withheld:
        summary = gettext("Fewer than 5 submissions received in the period.")
    elif total.masked:
        summary = gettext("The period's total is withheld: it would give a small count away.")
    return _weekly(
        "received",
        gettext("Submissions each week, by outcome"),
        summary,
        rows,
        figures.OUTCOMES,
        lambda outcome: str(OUTCOME_WORDS[outcome]),
    )


def stops(found: Figures) -> Section:
    rows = figures.received(found, figures.STOPS)
    total = figures.sum_of([r.total for r in rows])
    return _weekly(
        "stops",
        gettext("Safety stops each week"),
        gettext(
            "Patients told to seek emergency care or to see a doctor first: %(count)s.",
            count=_count_words(total),
        ),
        rows,
        figures.STOPS,
        lambda outcome: str(OUTCOME_WORDS[outcome]),
    )


def _drawn(share: Share) -> Count:
    """A share as a bar's length: its percentage, not drawn when hidden."""
    return Count(share.percent, masked=share.hidden)


def _in_numbers(chart: charts.Chart) -> charts.Chart:
    """``chart`` with its axis' numbers written in the reader's language ("1 000" in French)."""
    locale = get_locale()
    ticks = [
        replace(tick, label=format_decimal(float(tick.label), locale=locale))
        for tick in chart.ticks
    ]
    return replace(chart, ticks=ticks)


def _in_percent(chart: charts.Chart) -> charts.Chart:
    """``chart`` with its axis' numbers (0 to 100) written as percentages in the reader's
    language ("25 %" in French)."""
    locale = get_locale()
    ticks = [
        replace(t, label=format_percent(float(t.label) / 100, locale=locale)) for t in chart.ticks
    ]
    return replace(chart, ticks=ticks)


def fates(found: Figures) -> Section:
    shares = figures.fates(found)
    names = [str(FATE_WORDS[f]) for f in figures.FATES]
    booked = [s[1][1] for s in shares if s[0] == Outcome.SUGGEST_CONSULT]
    summary = gettext("No submission in the period offered a next step.")
    if booked and not booked[0].hidden:
        summary = gettext(
            "Of the consults suggested, %(percent)d%% are booked so far.",
            percent=booked[0].percent,
        )
    elif shares:
        summary = gettext("What became of the submissions received in the period, so far.")
    return Section(
        id="fates",
        title=gettext("What became of them"),
        summary=summary,
        chart=_in_percent(
            charts.bars(
                [str(OUTCOME_WORDS[o]) for o, _s, _n in shares],
                [
                    [Count(s[i].percent, masked=s[i].hidden) for _o, s, _n in shares]
                    for i in range(5)
                ],
                whole=100,
            )
        ),
        series=names,
        colours=list(figures.FATES),
        headings=[gettext("Outcome"), *names, gettext("Submissions")],
        rows=[(str(OUTCOME_WORDS[o]), [*s, n]) for o, s, n in shares],
    )


def waits(found: Figures) -> Section:
    weekly = figures.waits(found)
    contacted = sum(w.contacted.value for w in weekly)
    met = sum(w.within_target.part for w in weekly)
    whole = Share(met, contacted)
    summary = gettext("Too few first contacts in the period to say how long patients waited.")
    if not whole.hidden:
        summary = gettext(
            "%(percent)d%% of first contacts came within the clinic's response target.",
            percent=whole.percent,
        )
    bands = list(figures.BANDS)

    def height(band: str | None) -> Count:
        return Count(bands.index(band) + 1 if band else 0)

    return Section(
        id="waits",
        title=gettext("Time to first contact attempt"),
        summary=summary,
        chart=charts.columns(
            [week_label(w.key) for w in weekly],
            [[height(w.ninetieth) for w in weekly], [height(w.median) for w in weekly]],
            stacked=False,
            axis=[str(BAND_SHORT[band]) for band in bands],
        ),
        series=[gettext("9 in 10 within"), gettext("Half within")],
        colours=["ninetieth", "median"],
        headings=[
            gettext("Week of"),
            gettext("First contacts"),
            gettext("Half within"),
            gettext("9 in 10 within"),
            gettext("Within the response target"),
        ],
        rows=[
            (
                week_label(w.key),
                [
                    w.contacted,
                    str(BAND_WORDS[w.median]) if w.median else "",
                    str(BAND_WORDS[w.ninetieth]) if w.ninetieth else "",
                    w.within_target,
                ],
            )
            for w in weekly
        ],
    )


def _bars(
    id_: str, title: str, summary: str, heading: str, found: list[tuple[str, Count]]
) -> Section:
    return Section(
        id=id_,
        title=title,
        summary=summary,
        chart=_in_numbers(charts.bars([label for label, _c in found], [[c for _l, c in found]])),
        series=[heading],
        colours=["count"],
        headings=["", heading],
        rows=[(label, [count]) for label, count in found],
    )


def drop_off(found: Figures, in_progress: dict[str, int]) -> Section:
    steps = figures.drop_off(found, in_progress)
    if figures.sum_of([r.total for r in figures.received(found)]).masked:
        # The same number as the submissions received, masked there: masked here too.
        steps[-1] = (steps[-1][0], replace(steps[-1][1], masked=True))
    started, sent = steps[0][1], steps[-1][1]
    summary = gettext("No questionnaire was started in the period.")
    if started.value:
        summary = gettext(
            "Started: %(started)s; sent: %(sent)s.",
            started=_count_words(started),
            sent=_count_words(sent),
        )
    labelled = [
        (gettext(STEPS_BY_ID[s].title) if s in STEPS_BY_ID else gettext("Sent"), c)
        for s, c in steps
    ]
    return _bars(
        "drop-off",
        gettext("Questionnaires started and sent, step by step"),
        summary,
        gettext("Answered"),
        labelled,
    )


def languages(found: Figures) -> Section:
    counted = figures.languages(found)
    return _bars(
        "languages",
        gettext("Language"),
        gettext("The language patients answered in."),
        gettext("Submissions"),
        [(str(LANGUAGE_WORDS.get(k, k)), c) for k, c in counted],
    )


def rules(found: Figures) -> Section:
    counted = figures.top_rules(found)
    return _bars(
        "rules",
        gettext("The rules that fired most often"),
        gettext("Each submission can fire several rules."),
        gettext("Times fired"),
        [(rule_words(r), c) for r, c in counted],
    )


SECTION_IDS = ("received", "stops", "fates", "waits", "drop-off", "languages", "rules")


def sections(found: Figures, in_progress: dict[str, int]) -> list[Section]:
    return [
        received(found),
        stops(found),
        fates(found),
        waits(found),
        drop_off(found, in_progress),
        languages(found),
        rules(found),
    ]
