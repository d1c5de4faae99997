"""The review queue, the submission page, and follow-up actions (status, notes, clearance).

Access is checked once for the whole blueprint (``app.auth.guard``); each view declares the
roles that may use it. Submissions are addressed by their random reference, never by a
sequential id, and nothing a patient typed ever appears in a URL.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

from app import audit
from app.auth.guard import allow, guard_blueprint
from app.codes import PATIENT_DATA_ROLES, ClearanceDecision, Role
from app.database import utcnow
from app.extensions import db
from app.models import Submission
from app.references import canonical_reference
from app.screening.codes import Outcome
from app.staff import service
from app.staff.export import Sent, csv_lines, export_filename
from app.staff.forms import (
    OUTCOME_LABELS,
    STATUS_LABELS,
    ClearanceForm,
    FilterForm,
    FindForm,
    NoteForm,
    StatusForm,
)
from app.staff.presenters import submission_page_context
from app.staff.queries import QueueFilter, queue_page

bp = Blueprint("staff", __name__, url_prefix="/staff")
guard_blueprint(bp)


@bp.context_processor
def _labels() -> dict[str, Any]:
    """Outcome and status codes in words, for every staff template (defined once, in forms)."""
    return {"outcome_labels": OUTCOME_LABELS, "status_labels": STATUS_LABELS}


def _submission_or_404(reference: str, *, to_change: bool = False) -> Submission:
    """The submission with this reference. ``to_change``: read under a row lock, so that two
    follow-up actions on one submission (a form sent twice, two people at once) take turns and
    each sees what the other stored (PostgreSQL's ``FOR UPDATE``; on SQLite a transaction that
    may write already holds the database's write lock, and SQLAlchemy leaves the clause out).
    A ``reference`` not in the stored form cannot match, and is not sent to the database
    (PostgreSQL refuses text holding a NUL)."""
    if canonical_reference(reference) != reference:
        abort(404)
    query = select(Submission).where(Submission.reference == reference)
    submission = db.session.scalar(query.with_for_update() if to_change else query)
    if submission is None:
        abort(404)
    return submission


@bp.get("/")
@allow(*PATIENT_DATA_ROLES)
def queue() -> ResponseReturnValue:
    """Submissions, most urgent first then newest, filtered, a page at a time."""
    return _render_queue(FindForm())


def _render_queue(find_form: FindForm) -> str:
    """The queue page (audited: it shows patient names), with ``find_form`` and its errors."""
    filters = QueueFilter.from_args(request.args)
    page = queue_page(
        db.session,
        filters,
        after=request.args.get("after"),
        before=request.args.get("before"),
        size=current_app.config["STAFF_PAGE_SIZE"],
    )
    audit.record(
        "queue.view",
        detail={"filters": filters.as_args(), "submission_ids": [s.id for s in page.rows]},
    )
    db.session.commit()
    return render_template(
        "staff/queue.html",
        page=page,
        filters=filters,
        filter_form=FilterForm(request.args),
        find_form=find_form,
        now=utcnow(),
    )


@bp.post("/find")
@allow(*PATIENT_DATA_ROLES)
def find() -> ResponseReturnValue:
    """Open a submission by its reference, in any form a person types it (``canonical_reference``);
    an empty, overlong or unprintable one is the form's own error."""
    form = FindForm()
    if not form.validate_on_submit():
        return _render_queue(form), 422
    reference = canonical_reference(form.reference.data)
    found = reference and db.session.scalar(
        select(Submission.reference).where(Submission.reference == reference)
    )
    if found:
        return redirect(url_for(".submission", reference=found))
    flash(_("No submission has that reference. Check it and try again."))
    return redirect(url_for(".queue"))


@bp.get("/submissions/<reference>")
@allow(*PATIENT_DATA_ROLES)
def submission(reference: str) -> ResponseReturnValue:
    """Everything about one submission, with its history and the follow-up forms."""
    found = _submission_or_404(reference)
    audit.record("submission.view", submission_id=found.id)
    db.session.commit()
    return render_template("staff/submission.html", **submission_page_context(found))


def _show_again(found: Submission, **forms: Any) -> ResponseReturnValue:
    """The submission page again, with a form's errors (it shows patient data: audited)."""
    audit.record("submission.view", submission_id=found.id)
    db.session.commit()
    return render_template("staff/submission.html", **submission_page_context(found, **forms)), 422


@bp.post("/submissions/<reference>/status")
@allow(*PATIENT_DATA_ROLES)
def change_status(reference: str) -> ResponseReturnValue:
    """Move the submission to another status."""
    found = _submission_or_404(reference, to_change=True)
    form = StatusForm()
    # Only a forged request sends a status the list does not offer: it gets no message.
    if form.validate_on_submit():
        if service.change_status(found, g.staff_user, form.status.data):
            db.session.commit()
            flash(_("Status updated."))
        else:
            flash(_("The status is unchanged."))
    return redirect(url_for(".submission", reference=reference))


@bp.post("/submissions/<reference>/notes")
@allow(*PATIENT_DATA_ROLES)
def add_note(reference: str) -> ResponseReturnValue:
    """Append a note."""
    found = _submission_or_404(reference, to_change=True)
    form = NoteForm()
    if not form.validate_on_submit():
        return _show_again(found, note_form=form)
    if service.add_note(found, g.staff_user, form.body.data, form.form_key.data):
        db.session.commit()
        flash(_("Note added."))
    else:
        flash(_("This note was already added."))
    return redirect(url_for(".submission", reference=reference))


@bp.post("/submissions/<reference>/clearance")
@allow(Role.CLINICIAN)
def clearance(reference: str) -> ResponseReturnValue:
    """A clinician clears a clinician-review submission for booking, or not, with a reason."""
    found = _submission_or_404(reference, to_change=True)
    if found.outcome != Outcome.CLINICIAN_REVIEW:
        abort(400)
    form = ClearanceForm()
    if not form.validate_on_submit():
        return _show_again(found, clearance_form=form)
    cleared = form.decision.data == ClearanceDecision.CLEARED
    if service.record_clearance(found, g.staff_user, cleared, form.reason.data, form.form_key.data):
        db.session.commit()
        flash(_("Decision recorded."))
    else:
        flash(_("This decision was already recorded."))
    return redirect(url_for(".submission", reference=reference))


@bp.get("/export")
@allow(*PATIENT_DATA_ROLES)
def export() -> ResponseReturnValue:
    """The current filter as CSV, streamed in constant memory."""
    filters = QueueFilter.from_args(request.args)
    audit.record("submission.export", detail={"filters": filters.as_args()})
    db.session.commit()
    return Response(
        stream_with_context(_recorded(filters)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{export_filename(utcnow())}"'},
    )


def _recorded(filters: QueueFilter) -> Iterator[str]:
    """The export's CSV, then the audit record of what left: how many rows, the references of
    the newest and the oldest, and whether the download finished (a browser may stop it). With
    the export's first record (its filter, when its snapshot was taken), that says which
    submissions' data left the clinic."""
    sent, finished = Sent(), False
    try:
        yield from csv_lines(db.session, filters, sent)
        finished = True
    finally:
        db.session.rollback()  # ends the export's read-only snapshot
        detail = {"filters": filters.as_args(), "finished": finished, **asdict(sent)}
        audit.record("submission.export_sent", detail=detail)
        db.session.commit()
