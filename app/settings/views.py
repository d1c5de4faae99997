"""The clinic settings page (``/admin/settings``) and the purge it previews and runs. Admins
only, guarded once for the blueprint; each page records its view in the audit log, each change
its values."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_date, format_number, format_time, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import audit, retention
from app.admin.queries import staff_names
from app.auth.guard import allow, guard_blueprint
from app.codes import Actor, Role
from app.database import begin_read_only, utcnow
from app.extensions import db
from app.models import SettingChange
from app.settings import service
from app.settings.fields import FIELDS, FIELDS_BY_NAME, Section
from app.settings.forms import SUGGESTED_ZONES, PurgeForm, SettingsForm
from app.settings.store import Origin, changed, current

bp = Blueprint("settings", __name__, url_prefix="/admin/settings")
guard_blueprint(bp)
HISTORY_SHOWN = 20
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


def moment_words(at: datetime | None) -> str:
    """A moment to the minute, in the clinic's time zone: "Dec 3, 2026, 1:33 PM"."""
    if at is None:
        return ""
    return f"{format_date(at, 'medium')}, {format_time(at, 'short')}"


def _sources(names: dict[int, str]) -> dict[str, str]:
    """Where each setting's value in force came from, in words."""
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


def _page(form: SettingsForm) -> str:
    """The settings page with ``form`` (the values in force, or those just refused)."""
    names = staff_names(db.session)
    history = list(
        db.session.scalars(
            select(SettingChange).order_by(SettingChange.id.desc()).limit(HISTORY_SHOWN)
        )
    )
    audit.record("settings.view")
    db.session.commit()
    return render_template(
        "settings/settings.html",
        form=form,
        settings=current(),
        sections={section: [f for f in FIELDS if f.section is section] for section in Section},
        fields=FIELDS_BY_NAME,
        names=names,
        sources=_sources(names),
        history=history,
        last_purge=last_purge_words(names),
        suggested_zones=SUGGESTED_ZONES,
    )


@bp.get("")
@allow(Role.ADMIN)
def edit() -> ResponseReturnValue:
    """Every setting with its value in force and where it came from, and the last changes."""
    return _page(SettingsForm.shown(current()))


@bp.post("")
@allow(Role.ADMIN)
def save() -> ResponseReturnValue:
    """Store what changed (each with its history and audit record), in force at once."""
    form = SettingsForm()
    if not form.validate_on_submit():
        return _page(form), 422
    names = service.save(current(), form.values(), g.staff_user)
    db.session.commit()
    changed()
    if names:
        labels = ", ".join(str(FIELDS_BY_NAME[name].label) for name in names)
        flash(
            ngettext(
                "%(num)d setting saved: %(names)s. Patients and staff see it now.",
                "%(num)d settings saved: %(names)s. Patients and staff see them now.",
                len(names),
                names=labels,
            )
        )
    else:
        flash(_("Nothing changed."))
    return redirect(url_for(".edit"))


@bp.get("/retention")
@allow(Role.ADMIN)
def retention_preview() -> ResponseReturnValue:
    """What a purge with the clinic's retention period would delete now, and its button."""
    return _retention_page(PurgeForm(formdata=None))


def _retention_page(form: PurgeForm) -> str:
    """The purge's page: its preview at this moment (which ``form`` carries, to confirm)."""
    days = current().retention_days
    names = staff_names(db.session)
    last_purge = last_purge_words(names)
    audit.record("retention.view")
    db.session.commit()
    now = utcnow()
    form.as_of.data = now.isoformat()
    plan = None
    if days is not None:
        begin_read_only(db.session)  # counted on a snapshot: patients keep writing meanwhile
        plan = retention.preview(days, now)
        db.session.rollback()
    return render_template(
        "settings/retention.html",
        plan=plan,
        form=form,
        last_purge=last_purge,
        kind_labels=KIND_LABELS,
    )


@bp.post("/retention")
@allow(Role.ADMIN)
def retention_run() -> ResponseReturnValue:
    """Run the purge the admin previewed: what was older than the period at the preview."""
    days = current().retention_days
    if days is None:
        flash(_("Set a retention period first."))
        return redirect(url_for(".edit", _anchor="retention_days"))
    form = PurgeForm()
    if not form.validate_on_submit() or form.moment is None:
        return _retention_page(form), 422  # with a fresh preview, to confirm again
    done = retention.purge(
        days, form.moment, source="setting", actor=Actor.STAFF, staff_id=g.staff_user.id
    )
    db.session.commit()
    deleted = done.counts["submission"]
    flash(
        ngettext(
            "Purge done: %(count)s submission deleted, and %(drafts)s expired unfinished "
            "questionnaires.",
            "Purge done: %(count)s submissions deleted, and %(drafts)s expired unfinished "
            "questionnaires.",
            deleted,
            count=format_number(deleted),
            drafts=format_number(done.counts["draft"]),
        )
    )
    return redirect(url_for(".retention_preview"))
