"""What the settings pages show, in words: the page's sections, where each value in force came
from, and when the last purge ran."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import format_date, format_number, format_time, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import retention
from app.codes import Actor
from app.settings.fields import FIELDS, Field, Section
from app.settings.store import Origin, current

# Each part of the settings page: its heading and what it says first (None: nothing).
SECTION_WORDS: dict[Section, tuple[Any, Any]] = {
    Section.CLINIC: (
        _l("The clinic"),
        _l(
            "Patients see these details on their result page, with the clinic's promise to "
            "contact them. Give at least the name and one way to reach the clinic."
        ),
    ),
    Section.PATIENTS: (_l("What patients read next"), None),
    Section.QUEUE: (_l("Queue"), None),
    Section.RETENTION: (_l("Data retention"), None),
}
# What a purge deletes, by table; a table added later shows by its name until it is named here.
KIND_LABELS = {
    "submission": _l("Submissions"),
    "search_term": _l("Search terms (name, phone and email words)"),
    "status_change": _l("Status changes"),
    "note": _l("Notes"),
    "clearance": _l("Clearance decisions"),
    "contact_attempt": _l("Contact attempts"),
    "assignment": _l("Assignments"),
    "draft": _l("Expired unfinished questionnaires"),
}


@dataclass(frozen=True, slots=True)
class PageSection:
    """A part of the settings page, with its settings in order."""

    id: str
    heading: Any
    intro: Any
    fields: list[Field]


def page_sections() -> list[PageSection]:
    return [
        PageSection(section, *SECTION_WORDS[section], [f for f in FIELDS if f.section is section])
        for section in Section
    ]


def moment_words(at: datetime | None) -> str:
    """A moment to the minute, in the clinic's time zone: "Dec 3, 2026, 1:33 PM"."""
    if at is None:
        return ""
    return f"{format_date(at, 'medium')}, {format_time(at, 'short')}"


def source_words(names: dict[int, str]) -> dict[str, str]:
    """Where each setting's value in force came from, in words, by setting."""
    settings = current()
    words = {}
    for setting in FIELDS:
        source = settings.sources[setting.name]
        if source.origin is Origin.PAGE:
            words[setting.name] = _(
                "In force: set on this page by %(name)s, %(when)s.",
                name=names.get(source.by or 0, "?"),
                when=moment_words(source.at),
            )
        elif source.origin is Origin.ENVIRONMENT:
            words[setting.name] = _(
                "In force: from the environment variable %(variable)s.",
                variable=setting.environment,
            )
        else:
            words[setting.name] = _("In force: the default.")
    return words


def last_purge_words(names: dict[int, str]) -> str:
    """When the last purge ran, who ran it and what it deleted, in a sentence."""
    event = retention.last_purge()
    if event is None:
        return _("No purge has run yet.")
    deleted = (event.detail or {}).get("counts", {}).get("submission", 0)
    who = names.get(event.staff_id or 0) if event.actor_type == Actor.STAFF else None
    words = {"when": moment_words(event.at), "count": format_number(deleted)}
    if who:
        return ngettext(
            "Last purge: %(when)s, by %(who)s: %(count)s submission deleted.",
            "Last purge: %(when)s, by %(who)s: %(count)s submissions deleted.",
            deleted,
            who=who,
            **words,
        )
    return ngettext(
        "Last purge: %(when)s, by the scheduled command: %(count)s submission deleted.",
        "Last purge: %(when)s, by the scheduled command: %(count)s submissions deleted.",
        deleted,
        **words,
    )
