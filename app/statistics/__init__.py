"""Clinic statistics: how many enquiries came, what the screen suggested, what became of them,
how fast the clinic first answered, where patients left the questionnaire, which rules fired.

Counts only, by the clinic's day, in one small table (``DailyCount``) that each change keeps up
to date in its own transaction (``counting``); the page (``views``) reads a period's rows
(``queries``), turns them into weekly figures (``figures``) with small counts withheld, and
draws them as SVG (``charts``). ``flask statistics recount`` counts the stored submissions
again (``recount``). docs/statistics.md says why and how.
"""
