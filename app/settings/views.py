"""The clinic settings page (``/admin/settings``) and the purge it previews and runs. Admins
only, guarded once for the blueprint; each page records its view in the audit log, each change
its values."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_number, ngettext
from flask_babel import gettext as _
from sqlalchemy import select

from app import audit, retention
from app.admin.queries import staff_names
from app.auth.guard import allow, guard_blueprint
from app.codes import Actor, Role
from app.database import begin_read_only, utcnow
from app.extensions import db
from app.models import SettingChange
from app.settings import service
from app.settings.fields import FIELDS_BY_NAME
from app.settings.forms import SUGGESTED_ZONES, PurgeForm, SettingsForm
from app.settings.presenters import (
    KIND_LABELS,
    last_purge_words,
    page_sections,
    source_words,
)
from app.settings.store import changed, current

bp = Blueprint("settings", __name__, url_prefix="/admin/settings")
guard_blueprint(bp)
HISTORY_SHOWN = 20


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
        sections=page_sections(),
        fields=FIELDS_BY_NAME,
        names=names,
        sources=source_words(names),
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
