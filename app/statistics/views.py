"""The statistics page and each of its figures as CSV: counts only, for every staff role."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, render_template, request
from flask.typing import ResponseReturnValue

from app import audit
from app.auth.guard import allow, guard_blueprint
from app.codes import Role
from app.csvsafe import BOM, dated_filename, neutralised
from app.database import begin_read_only, utcnow
from app.dates import clinic_today
from app.extensions import db
from app.statistics import presenters, queries
from app.statistics.forms import DEFAULT, Period, PeriodForm, weeks_back
from app.statistics.presenters import Section, cell_texts

bp = Blueprint("statistics", __name__)
guard_blueprint(bp)
ROLES = (Role.FRONT_DESK, Role.CLINICIAN, Role.ADMIN)


def _period() -> tuple[PeriodForm, Period]:
    """The period the request asks for: the default one while its dates do not hold."""
    form = PeriodForm(request.args)
    today = clinic_today(utcnow())
    return form, form.chosen(today) if form.validate() else weeks_back(DEFAULT, today)


def _detail(period: Period, **more: str) -> dict[str, str]:
    """What the audit record says of a view or a download: the period, never a count."""
    dates = {"from": period.start.isoformat(), "to": period.end.isoformat()}
    return {"period": period.name, **dates, **more}


def _sections(period: Period) -> list[Section]:
    """The period's figures, read in one snapshot that takes no write lock (after the audit
    record's commit)."""
    begin_read_only(db.session)
    found = queries.figures_for(period)
    return presenters.sections(found, queries.in_progress(period, utcnow()))


@bp.get("/staff/statistics")
@allow(*ROLES)
def page() -> ResponseReturnValue:
    form, period = _period()
    audit.record("statistics.view", detail=_detail(period))
    db.session.commit()
    return render_template(
        "statistics/page.html",
        form=form,
        period=period,
        sections=_sections(period),
        cell_text=cell_texts(),
        period_args=period.as_args(),
    )


@bp.get("/staff/statistics/<figure>.csv")
@allow(*ROLES)
def download(figure: str) -> ResponseReturnValue:
    """One figure's table as CSV, withheld counts withheld as on the page."""
    if figure not in presenters.SECTION_IDS:
        abort(404)
    _form, period = _period()
    audit.record("statistics.export", detail=_detail(period, figure=figure))
    db.session.commit()
    [section] = [s for s in _sections(period) if s.id == figure]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(neutralised(section.headings))
    text = cell_texts()
    for label, cells in section.rows:
        writer.writerow(neutralised([label, *map(text, cells)]))
    name = dated_filename(f"ims-screen-statistics-{figure}", utcnow())
    return Response(
        BOM + buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
