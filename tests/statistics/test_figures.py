"""Each figure computed from a hand-made period of daily counts whose answers are known: weeks
from Monday with partial ends, small counts withheld, shares, wait percentiles, drop-off."""

from __future__ import annotations

import random
from datetime import date, timedelta

from app.codes import Counted
from app.statistics import figures
from app.statistics.figures import Count, Share

# A Wednesday to the Tuesday thirteen days later: three weeks, the first and last partial.
START, END = date(2026, 11, 4), date(2026, 11, 17)


def test_weeks_run_from_monday_cut_to_the_period() -> None:
    found = figures.weeks(START, END)
    assert [(w.monday, w.first, w.last) for w in found] == [
        (date(2026, 11, 2), date(2026, 11, 4), date(2026, 11, 8)),
        (date(2026, 11, 9), date(2026, 11, 9), date(2026, 11, 15)),
        (date(2026, 11, 16), date(2026, 11, 16), date(2026, 11, 17)),
    ]


def gathered(*rows: tuple[Counted, date, str, int]) -> figures.Figures:
    """The figures of daily counts, summed by week as the database does
    (``app.statistics.queries.weekly_rows``, tested in test_queries.py)."""
    monday = figures.weeks(START, END)[0].monday
    weekly = [
        (metric, (day - monday).days // 7, key, n)
        for metric, day, key, n in rows
        if START <= day <= END
    ]
    return figures.gather(weekly, START, END)


def test_received_by_week_with_small_counts_withheld() -> None:
    found = figures.received(
        gathered(
            (Counted.OUTCOME, date(2026, 11, 4), "suggest_consult", 6),
            (Counted.OUTCOME, date(2026, 11, 8), "suggest_consult", 1),  # Sunday: same week
            (Counted.OUTCOME, date(2026, 11, 8), "emergency", 2),
            (Counted.OUTCOME, date(2026, 11, 9), "clinician_review", 3),
            (Counted.OUTCOME, date(2026, 11, 10), "not_suitable", 4),
            (Counted.OUTCOME, date(2026, 11, 17), "suggest_consult", 5),
        )
    )
    columns = list(figures.OUTCOMES)
    first, second, third = found
    assert first.key == "2026-11-02"
    assert first.cells[columns.index("suggest_consult")] == Count(7)
    assert first.cells[columns.index("emergency")] == Count(2, withheld=True)
    assert first.total == Count(9, masked=True)  # it would give the 2 away
    assert second.cells[columns.index("clinician_review")] == Count(3, withheld=True)
    assert second.total == Count(7)  # two cells withheld: neither can be told from it
    assert third.total == Count(5)
    assert [c.value for c in third.cells] == [0, 0, 0, 0, 0, 5]


def test_what_became_of_them_in_shares() -> None:
    found = figures.fates(
        gathered(
            (Counted.FATE, date(2026, 11, 5), "suggest_consult:booked", 12),
            (Counted.FATE, date(2026, 11, 5), "suggest_consult:new", 5),
            (Counted.FATE, date(2026, 11, 12), "suggest_consult:contacted", 1),
            (Counted.FATE, date(2026, 11, 12), "suggest_consult:declined", 2),
            (Counted.FATE, date(2026, 11, 12), "clinician_review:referred", 3),
        )
    )
    by_outcome = {outcome: (shares, whole) for outcome, shares, whole in found}
    shares, whole = by_outcome["suggest_consult"]
    assert whole == Count(20)
    assert [s.percent for s in shares] == [30, 60, 0, 10, 0]  # open, booked, referred...
    assert shares[3].withheld  # 2 declined
    assert shares[0].masked  # else 100% less the others would give the 2 away
    assert [s.hidden for s in shares] == [True, False, False, True, False]
    shares, whole = by_outcome["clinician_review"]
    assert whole == Count(3, withheld=True)
    assert all(s.withheld for s in shares if s.part)
    assert set(by_outcome) == {"suggest_consult", "clinician_review"}


def test_time_to_first_contact_median_and_ninetieth_percentile() -> None:
    day = date(2026, 11, 10)
    found = figures.waits(
        gathered(
            (Counted.WAIT, day, "60", 5),
            (Counted.WAIT, day, "240", 3),
            (Counted.WAIT, day, "1440", 1),
            (Counted.WAIT, day, "longer", 1),
            (Counted.TARGET, day, "met", 5),
            (Counted.TARGET, day, "missed", 5),
            (Counted.WAIT, date(2026, 11, 4), "15", 4),  # too few that week to say
            (Counted.TARGET, date(2026, 11, 4), "met", 4),
        )
    )
    first, second, third = found
    assert (second.median, second.ninetieth) == ("60", "1440")  # 5 of 10, then 9 of 10
    assert second.within_target == Share(5, 10)
    assert second.within_target.percent == 50
    assert Share(8, 10).withheld  # 2 missed: with the whole shown, 80% gives them away
    assert (first.median, first.ninetieth) == (None, None)
    assert first.contacted == Count(4, withheld=True)
    assert first.within_target.withheld
    assert third.contacted == Count(0)


def test_band_at() -> None:
    from collections import Counter

    bands = Counter({"15": 1, "30": 1, "60": 1, "120": 1, "240": 6})
    assert figures.band_at(bands, 0.5) == "240"
    assert figures.band_at(bands, 0.4) == "120"
    assert figures.band_at(Counter(), 0.5) is None


def test_drop_off_step_by_step() -> None:
    day = date(2026, 11, 6)
    found = dict(
        figures.drop_off(
            gathered(
                (Counted.LEFT, day, "safety", 10),
                (Counted.LEFT, day, "pain", 6),
                (Counted.LEFT, day, "contact", 2),
                (Counted.OUTCOME, day, "suggest_consult", 30),
                (Counted.OUTCOME, day, "emergency", 3),
            ),
            {"history": 4},
        )
    )
    # Started: 10 + 6 + 2 left, 4 in progress, 30 sent in full, 3 stopped at safety.
    assert found == {
        "safety": Count(55),
        "pain": Count(42),
        "history": Count(36),
        "health": Count(32),
        "contact": Count(32),
        "sent": Count(33),
    }


def test_languages_and_rules() -> None:
    day = date(2026, 11, 6)
    found = gathered(
        (Counted.LANGUAGE, day, "en", 20),
        (Counted.LANGUAGE, day, "fr_CA", 3),
        *((Counted.RULE, day, f"R{n:02}", n) for n in range(1, 13)),
    )
    # The languages' total is shown elsewhere (submissions received): English is masked too.
    assert figures.languages(found) == [
        ("en", Count(20, masked=True)),
        ("fr_CA", Count(3, withheld=True)),
    ]
    rules = figures.top_rules(found)
    assert [rule for rule, _ in rules] == [f"R{n:02}" for n in range(12, 2, -1)]


def test_shares_of_small_wholes_are_withheld() -> None:
    assert Share(0, 3).withheld
    assert Share(3, 3).withheld
    assert Share(0, 10).percent == 0
    assert not Share(0, 10).withheld
    assert Share(4, 10).withheld
    assert not Share(5, 10).withheld


def test_a_total_hides_a_single_hidden_part_only() -> None:
    assert figures.sum_of([Count.of(10), Count.of(3)]) == Count(13, masked=True)
    assert figures.sum_of([Count.of(10), Count.of(3), Count.of(2)]) == Count(15)
    assert figures.sum_of([Count.of(1), Count.of(2)]) == Count(3, withheld=True)
    assert figures.sum_of([Count.of(10), Count.of(0)]) == Count(10)


def test_protect_masks_the_smallest_other_part() -> None:
    parts = [Count.of(40), Count.of(2), Count.of(7), Count.of(0)]
    assert figures.protect(parts, lambda c: c.value) == [
        Count(40),
        Count(2, withheld=True),
        Count(7, masked=True),
        Count(0),
    ]
    two_hidden = [Count.of(40), Count.of(2), Count.of(3)]
    assert figures.protect(two_hidden, lambda c: c.value) == two_hidden


def test_no_withheld_count_can_be_worked_out_from_the_weekly_table() -> None:
    """Random weeks of counts: wherever a total is shown (a week's, the period's), the parts
    it sums are never hidden alone, so no hidden count is the total less the shown ones."""
    rng = random.Random(5)
    for _ in range(300):
        rows = [
            (Counted.OUTCOME, date(2026, 11, 4) + timedelta(days=rng.randrange(14)), o, n)
            for o in figures.OUTCOMES
            for n in [rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 9, 20])]
            if n
        ]
        weekly = figures.received(gathered(*rows))
        for row in weekly:
            if not row.total.hidden:
                assert sum(cell.hidden for cell in row.cells) != 1, row
        period = figures.sum_of([row.total for row in weekly])
        if not period.hidden:
            assert sum(row.total.hidden for row in weekly) != 1
