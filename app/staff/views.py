"""The review queue, the submission page, and follow-up actions (status, notes, clearance).

Access is checked once for the whole blueprint (``app.auth.guard``); each view declares the
roles that may use it. Submissions are addressed by their random reference, never by a
sequential id, and nothing a patient typed ever appears in a URL.
"""

from __future__ import annotations

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
    session,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from app import audit
from app.auth.guard import allow, guard_blueprint
from app.codes import PATIENT_DATA_ROLES, ClearanceDecision, Role
from app.database import utcnow
from app.dates import follow_up_moment
from app.extensions import db
from app.fhir.canonical import FHIR_JSON
from app.fhir.resources import submission_json
from app.models import StaffUser, Submission
from app.references import canonical_reference
from app.screening.codes import Outcome
from app.settings.store import current
from app.staff import service
from app.staff.chart import chart_html, chart_pdf, pdf_filename
from app.staff.downloads import EXPORTS
from app.staff.export import recorded_lines
from app.staff.forms import (
    SEARCH_NOTHING,
    AssignForm,
    AttemptForm,
    ClearanceForm,
    FilterForm,
    FindForm,
    NoteForm,
    StatusForm,
    assignee_choices,
)
from app.staff.presenters import LAST_QUEUE_PAGE, submission_page_context
from app.staff.queries import QueueFilter, View, view_counts, view_page
from app.staff.rows import queue_rows
from app.staff.search import Found, find_patients, understood
from app.staff.templating import register_templating

bp = Blueprint("staff", __name__, url_prefix="/staff")
guard_blueprint(bp)
register_templating(bp)


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
    """To do: what someone can act on, most urgent first (``app.staff.queries.todo_order``)."""
    return _show_view(View.TODO)


@bp.get("/follow-ups")
@allow(*PATIENT_DATA_ROLES)
def queue_follow_ups() -> ResponseReturnValue:
    """Open submissions with a follow-up date, soonest due first."""
    return _show_view(View.FOLLOW_UPS)


@bp.get("/safety-stops")
@allow(*PATIENT_DATA_ROLES)
def queue_stops() -> ResponseReturnValue:
    """Safety stops, newest first: never work items (nobody to call)."""
    return _show_view(View.STOPS)


@bp.get("/all")
@allow(*PATIENT_DATA_ROLES)
def queue_all() -> ResponseReturnValue:
    """Every submission, newest first, filtered."""
    return _show_view(View.ALL)


def _show_view(view: View) -> ResponseReturnValue:
    """One view of the queue, a page at a time; remembered for "Back to the queue"."""
    session[LAST_QUEUE_PAGE] = request.full_path.rstrip("?")
    return _render_queue(view, FindForm())


def _staff_names() -> list[tuple[int, str]]:
    """The people a submission can be assigned to, by name (the assignee filter's options)."""
    query = (
        select(StaffUser.id, StaffUser.name)
        .where(StaffUser.role.in_(PATIENT_DATA_ROLES), StaffUser.is_active)
        .order_by(StaffUser.name)
    )
    return [(staff_id, name) for staff_id, name in db.session.execute(query)]


def _render_queue(view: View, find_form: FindForm, found: Found | None = None) -> str:
    """A view of the queue (audited: it shows patient names), or what a search found, with
    ``find_form`` and its errors."""
    filters = QueueFilter.from_args(request.args) if found is None else QueueFilter()
    now, me = utcnow(), g.staff_user.id
    if found is None:
        page = view_page(
            db.session,
            view,
            filters,
            me=me,
            now=now,
            after=request.args.get("after"),
            before=request.args.get("before"),
            size=current_app.config["STAFF_PAGE_SIZE"],
        )
        rows = page.rows
        g.staff_user.queue_seen_at = now  # the navigation counts what arrives after this
        audit.record(
            "queue.view",
            detail={
                "view": view.value or "todo",
                "filters": filters.as_args(),
                "submission_ids": [s.id for s in rows],
            },
        )
    else:
        page, rows = None, found.submissions
    counts = view_counts(db.session, filters, me=me, now=now)
    filter_form = FilterForm(request.args)
    filter_form.assignee.choices = assignee_choices(_staff_names(), nobody=view is not View.ALL)
    db.session.commit()
    return render_template(
        "staff/queue.html",
        view=view,
        page=page,
        rows=queue_rows(db.session, rows, now),
        found=found,
        counts=counts,
        filters=filters,
        filter_form=filter_form,
        find_form=find_form,
        now=now,
        response_target=ngettext(
            "within %(num)s business day",
            "within %(num)s business days",
            current().response_target_days,
        ),
    )


@bp.post("/find")
@allow(*PATIENT_DATA_ROLES)
def find() -> ResponseReturnValue:
    """Find a patient: a reference opens its submission; a name, phone number or email
    address lists the submissions it matches. What was typed is patient data: the audit record
    says only that a search was made, of what kind, and which submissions it showed."""
    form = FindForm()
    if not form.validate_on_submit():
        return _render_queue(View.TODO, form), 422
    typed = form.query.data
    reference = canonical_reference(typed)
    if reference is not None and db.session.scalar(
        select(Submission.id).where(Submission.reference == reference)
    ):
        return redirect(url_for(".submission", reference=reference))
    # Not a reference we hold: perhaps a name that looks like one ("Kathrynn").
    search = understood(typed)
    if search is None:
        form.query.errors = [str(SEARCH_NOTHING)]
        return _render_queue(View.TODO, form), 422
    found = find_patients(db.session, search, looked_like_reference=reference is not None)
    audit.record(
        "submission.search",
        detail={
            "kind": search.kind.name.lower(),
            "submission_ids": [s.id for s in found.submissions],
        },
    )
    return _render_queue(View.TODO, form, found)


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


def _back_to(reference: str, action: str) -> ResponseReturnValue:
    """The submission page at the section of ``action``, which shows its confirmation (the
    message was flashed in the category ``action``)."""
    return redirect(url_for(".submission", reference=reference, _anchor=action))


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
            flash(_("Status updated."), "change-status")
        else:
            flash(_("The status is unchanged."), "change-status")
    return _back_to(reference, "change-status")


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
        flash(_("Note added."), "add-note")
    else:
        flash(_("This note was already added."), "add-note")
    return _back_to(reference, "add-note")


@bp.post("/submissions/<reference>/attempts")
@allow(*PATIENT_DATA_ROLES)
def add_attempt(reference: str) -> ResponseReturnValue:
    """Record a try to reach the patient, the next follow-up, and perhaps the new status."""
    found = _submission_or_404(reference, to_change=True)
    if found.is_safety_stop:
        abort(400)  # no contact details: nobody to reach
    form = AttemptForm()
    if not form.validate_on_submit():
        return _show_again(found, attempt_form=form)
    recorded = service.record_attempt(
        found,
        g.staff_user,
        channel=form.channel.data,
        result=form.result.data,
        follow_up_at=follow_up_moment(form.follow_up_date.data, form.follow_up_time.data),
        mark_contacted=form.mark_contacted.data,
        form_key=form.form_key.data,
    )
    if recorded:
        db.session.commit()
        flash(_("Contact attempt recorded."), "attempt")
    else:
        flash(_("This contact attempt was already recorded."), "attempt")
    return _back_to(reference, "attempt")


@bp.post("/submissions/<reference>/assignee")
@allow(*PATIENT_DATA_ROLES)
def assign(reference: str) -> ResponseReturnValue:
    """Take the submission ("Assign to me") or give it back ("Unassign")."""
    found = _submission_or_404(reference, to_change=True)
    form = AssignForm()
    if not form.validate_on_submit():
        abort(400)  # two fixed buttons: only a forged request sends anything else
    taking = form.to.data == "me"
    if service.assign(found, g.staff_user, g.staff_user if taking else None):
        db.session.commit()
        flash(_("Assigned to you.") if taking else _("Unassigned."), "summary")
    return _back_to(reference, "summary")


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
        flash(_("Decision recorded."), "clearance")
    else:
        flash(_("This decision was already recorded."), "clearance")
    return _back_to(reference, "clearance")


@bp.get("/submissions/<reference>/print")
@allow(*PATIENT_DATA_ROLES)
def print_view(reference: str) -> ResponseReturnValue:
    """The submission laid out for the patient's chart, to print (audited as a view)."""
    found = _submission_or_404(reference)
    audit.record("submission.print", submission_id=found.id)
    db.session.commit()
    return chart_html(found, g.staff_user.name, full=True)


@bp.get("/submissions/<reference>/pdf")
@allow(*PATIENT_DATA_ROLES)
def pdf(reference: str) -> ResponseReturnValue:
    """The chart copy as a one-page PDF, downloaded to attach to the patient's chart."""
    found = _submission_or_404(reference)
    audit.record("submission.pdf", submission_id=found.id)
    db.session.commit()
    return Response(
        chart_pdf(found, g.staff_user.name),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{pdf_filename(reference)}"'},
    )


@bp.get("/submissions/<reference>/fhir")
@allow(*PATIENT_DATA_ROLES)
def fhir(reference: str) -> ResponseReturnValue:
    """The submission as a FHIR ``QuestionnaireResponse``, for a record system."""
    found = _submission_or_404(reference)
    audit.record("submission.fhir", submission_id=found.id)
    db.session.commit()
    return Response(
        submission_json(found),
        mimetype=FHIR_JSON,
        headers={"Content-Disposition": f'attachment; filename="ims-screen-{reference}.json"'},
    )


# The coded export registered first: ``url_for("staff.export")`` builds it.
@bp.get("/export/readable", defaults={"kind": "readable"})
@bp.get("/export/fhir", defaults={"kind": "fhir"})
@bp.get("/export", defaults={"kind": "codes"})
@allow(*PATIENT_DATA_ROLES)
def export(kind: str) -> ResponseReturnValue:
    """The current filter, streamed in constant memory: CSV with codes for other systems, CSV
    in words for people, or FHIR NDJSON for record systems."""
    chosen = EXPORTS[kind]
    filters = QueueFilter.from_args(request.args).for_view(View.ALL)
    audit.record("submission.export", detail={"filters": filters.as_args(), **chosen.kind})
    db.session.commit()
    lines = recorded_lines(db.session, filters, g.staff_user.id, chosen.lines, chosen.kind)
    return Response(
        stream_with_context(lines),
        mimetype=chosen.mimetype,
        headers={"Content-Disposition": f'attachment; filename="{chosen.filename(utcnow())}"'},
    )
