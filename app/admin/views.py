"""Administration: staff accounts (create, role, disable, second factor, sessions) and the
audit log (read, filter, export). Admins only; nothing here edits or deletes an audit record.

The blueprint is guarded once (``guard_blueprint``); each view still declares
``@allow(Role.ADMIN)``. The changes themselves are in ``service``; each view commits one with its
audit record, and every page that shows accounts or the log records its view (after reading,
before rendering), as staff pages do.
"""

from __future__ import annotations

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
from app.admin import service
from app.admin.actions import ACTION_LABELS, who_did
from app.admin.export import csv_chunks, export_filename, report_csv, report_filename
from app.admin.forms import (
    ROLE_LABELS,
    ActionForm,
    AuditFilterForm,
    NewAccountForm,
    ResetPasswordForm,
    RoleForm,
)
from app.admin.queries import (
    AuditFilter,
    access_trail,
    audit_page,
    live_session_count,
    references_of,
    staff_accounts,
    staff_names,
)
from app.auth.guard import allow, guard_blueprint
from app.auth.passwords import MIN_LENGTH, temporary_password
from app.codes import Role
from app.database import utcnow
from app.extensions import db
from app.keyset import MAX_ID
from app.models import StaffUser, Submission
from app.references import canonical_reference

bp = Blueprint("admin", __name__, url_prefix="/admin")
guard_blueprint(bp)


@bp.get("/accounts")
@allow(Role.ADMIN)
def accounts() -> ResponseReturnValue:
    """Every staff account, active ones first."""
    staff = staff_accounts(db.session)
    audit.record("staff.list")
    db.session.commit()
    return render_template("admin/accounts.html", staff=staff, role_labels=ROLE_LABELS)


@bp.route("/accounts/new", methods=["GET", "POST"])
@allow(Role.ADMIN)
def account_new() -> ResponseReturnValue:
    """Create an account with an initial password; the second factor comes at first sign-in."""
    form = NewAccountForm()
    if form.validate_on_submit():
        user = service.create_account(
            form.name.data, form.email.data, form.role.data, form.password.data
        )
        if user is not None:
            flash(_("Account created. The second factor is set up at the first sign-in."))
            return redirect(url_for(".account", staff_id=user.id))
        form.email.errors.append(_("An account with this email address already exists."))
    status = 422 if form.errors else 200
    return render_template(
        "admin/account_new.html", form=form, password_min_length=MIN_LENGTH
    ), status


def _storable(staff_id: int) -> int:
    """``staff_id``, or a 404 when no account could have it: the URL converter takes any size,
    the database's ids do not (and PostgreSQL fails on a larger one rather than finding none)."""
    if staff_id > MAX_ID:
        abort(404)
    return staff_id


def _account_or_404(staff_id: int) -> StaffUser:
    return db.get_or_404(StaffUser, _storable(staff_id))


@bp.get("/accounts/<int:staff_id>")
@allow(Role.ADMIN)
def account(staff_id: int) -> ResponseReturnValue:
    """One account, with a small form for each thing an admin can do to it."""
    return _account_page(_account_or_404(staff_id), ResetPasswordForm(formdata=None))


def _account_page(user: StaffUser, reset_form: ResetPasswordForm) -> str:
    live_sessions = live_session_count(db.session, user.id)
    audit.record("staff.view", detail={"staff_id": user.id})
    db.session.commit()
    return render_template(
        "admin/account.html",
        user=user,
        is_self=user.id == g.staff_user.id,
        live_sessions=live_sessions,
        role_labels=ROLE_LABELS,
        role_form=RoleForm(formdata=None, role=user.role),
        reset_form=reset_form,
        password_min_length=MIN_LENGTH,
    )


def _target(staff_id: int, *, refuse_self: bool) -> StaffUser | None:
    """The account to act on, or None (with a message) when the request must be refused.

    The account and the admin's own are read again under row locks (``service.lock_accounts``):
    an admin just demoted or disabled by another can no longer act. Without it, two admins
    could each remove the other's access at the same moment and leave the clinic without one.
    """
    me = g.staff_user.id
    accounts = service.lock_accounts({_storable(staff_id), me})
    if not (accounts[me].is_active and accounts[me].role == Role.ADMIN):
        abort(403)
    user = accounts.get(staff_id)
    if user is None:
        abort(404)
    if refuse_self and user.id == me:
        flash(
            _(
                "You cannot disable, demote or reset your own account, so that the clinic always "
                "keeps an administrator. Ask another administrator to do it."
            )
        )
        return None
    return user


def _done(user: StaffUser, message: str) -> ResponseReturnValue:
    flash(message)
    return redirect(url_for(".account", staff_id=user.id))


def _back(staff_id: int) -> ResponseReturnValue:
    return redirect(url_for(".account", staff_id=staff_id))


@bp.post("/accounts/<int:staff_id>/role")
@allow(Role.ADMIN)
def account_role(staff_id: int) -> ResponseReturnValue:
    """Give the account another role."""
    form = RoleForm()
    user = _target(staff_id, refuse_self=form.role.data != Role.ADMIN)
    if user is None:
        return _back(staff_id)
    if not form.validate_on_submit():
        return _done(user, _("Choose a role from the list."))
    if not service.change_role(user, form.role.data):
        return _done(user, _("The role is unchanged."))
    db.session.commit()
    return _done(user, _("Role changed."))


@bp.post("/accounts/<int:staff_id>/disable")
@allow(Role.ADMIN)
def account_disable(staff_id: int) -> ResponseReturnValue:
    """Disable the account and end its sessions at once (a copied cookie stops working)."""
    user = _target(staff_id, refuse_self=True)
    if user is None or not ActionForm().validate_on_submit():
        return _back(staff_id)
    if not service.disable(user):
        return _done(user, _("The account is already disabled."))
    db.session.commit()
    return _done(user, _("Account disabled. It has been signed out everywhere."))


@bp.post("/accounts/<int:staff_id>/enable")
@allow(Role.ADMIN)
def account_enable(staff_id: int) -> ResponseReturnValue:
    """Let a disabled account sign in again."""
    user = _target(staff_id, refuse_self=False)
    if user is None or not ActionForm().validate_on_submit():
        return _back(staff_id)
    if not service.enable(user):
        return _done(user, _("The account is already active."))
    db.session.commit()
    return _done(user, _("Account enabled. It can sign in again."))


@bp.post("/accounts/<int:staff_id>/reset-2fa")
@allow(Role.ADMIN)
def account_reset_2fa(staff_id: int) -> ResponseReturnValue:
    """Forget the second factor and recovery codes; the user sets it up at the next sign-in."""
    user = _target(staff_id, refuse_self=True)
    if user is None or not ActionForm().validate_on_submit():
        return _back(staff_id)
    service.reset_second_factor(user)
    db.session.commit()
    return _done(user, _("Second factor reset. It will be set up again at the next sign-in."))


@bp.post("/accounts/<int:staff_id>/reset-password")
@allow(Role.ADMIN)
def account_reset_password(staff_id: int) -> ResponseReturnValue:
    """Give the account a temporary password (typed, or generated and shown once on the page
    this answers with, never in a cookie or a redirect); its owner chooses their own at the next
    sign-in. Every session of the account ends."""
    user = _target(staff_id, refuse_self=True)
    if user is None:
        return _back(staff_id)
    form = ResetPasswordForm(email=user.email)
    if not form.validate_on_submit():
        db.session.rollback()  # the locks of _target
        return _account_page(user, form), 422
    generated = not form.password.data
    password = temporary_password() if generated else form.password.data
    service.reset_password(user, password, generated=generated)
    db.session.commit()
    page = render_template(
        "admin/password_reset.html", user=user, password=password if generated else None
    )
    return page, 200, {"Cache-Control": "no-store"}


@bp.post("/accounts/<int:staff_id>/sign-out-everywhere")
@allow(Role.ADMIN)
def account_sign_out(staff_id: int) -> ResponseReturnValue:
    """End every session of the account (on their own, every other one: see the service)."""
    user = _target(staff_id, refuse_self=False)
    if user is None or not ActionForm().validate_on_submit():
        return _back(staff_id)
    service.sign_out_everywhere(user, own=user.id == g.staff_user.id)
    db.session.commit()
    return _done(user, _("Signed out everywhere."))


def _audit_filter() -> tuple[AuditFilter, AuditFilterForm, dict[int, str]]:
    names = staff_names(db.session)
    form = AuditFilterForm(request.args)
    form.set_people(list(names.items()))
    filters = AuditFilter.from_args(request.args, names)
    if filters.reference:
        form.reference.data = filters.reference  # as read: IMS-7KQ4-M2XD
    elif filters.not_a_reference:  # shown as typed, with what a reference looks like
        form.reference.errors = [_("Enter a reference such as IMS-7KQ4-M2XD.")]
    return filters, form, names


@bp.get("/audit")
@allow(Role.ADMIN)
def audit_log() -> ResponseReturnValue:
    """The audit log, newest first, filtered, a page at a time (read only).

    The view is recorded after the page is read, so a page never lists its own record. Each
    view adds a record at the top of the log; the keyset cursors are positions, so the next and
    previous pages of a page already shown do not shift (the newer records come before them).
    """
    filters, form, names = _audit_filter()
    page = audit_page(
        db.session,
        filters,
        after=request.args.get("after"),
        before=request.args.get("before"),
        size=current_app.config["STAFF_PAGE_SIZE"],
    )
    audit.record("audit.view", detail={"filters": filters.as_args()})
    db.session.commit()
    return render_template(
        "admin/audit_log.html",
        page=page,
        filters=filters,
        filter_form=form,
        names=names,
        references=references_of(db.session, {e.submission_id for e in page.rows}),
        action_labels=ACTION_LABELS,
        who_did=who_did,
    )


@bp.get("/audit/export")
@allow(Role.ADMIN)
def audit_export() -> ResponseReturnValue:
    """The filtered log as CSV, streamed; the export is itself recorded first."""
    filters, _form, names = _audit_filter()
    audit.record("audit.export", detail={"filters": filters.as_args()})
    db.session.commit()
    return Response(
        stream_with_context(csv_chunks(db.session, filters, names)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{export_filename(utcnow())}"'},
    )


def _submission_id(reference: str) -> int:
    """The id of the submission with ``reference`` (in its one form, as URLs hold it); 404
    when there is none."""
    if canonical_reference(reference) != reference:
        abort(404)
    submission_id = db.session.scalar(
        select(Submission.id).where(Submission.reference == reference)
    )
    if submission_id is None:
        abort(404)
    return submission_id


@bp.get("/audit/submissions/<reference>")
@allow(Role.ADMIN)
def access_report(reference: str) -> ResponseReturnValue:
    """Who viewed, changed, contacted, printed or exported one submission, and when: the
    answer to a patient's privacy request, to print. Recorded after it is read, as the log's
    pages are: a report never lists its own making (the next one does)."""
    submission_id = _submission_id(reference)
    trail = access_trail(db.session, submission_id)
    audit.record("audit.report", submission_id=submission_id)
    db.session.commit()
    return render_template(
        "admin/access_report.html",
        reference=reference,
        trail=trail,
        names=staff_names(db.session),
        action_labels=ACTION_LABELS,
        who_did=who_did,
        made_at=utcnow(),
    )


@bp.get("/audit/submissions/<reference>/csv")
@allow(Role.ADMIN)
def access_report_csv(reference: str) -> ResponseReturnValue:
    """The access report as CSV, recorded as the page is."""
    submission_id = _submission_id(reference)
    trail = access_trail(db.session, submission_id)
    audit.record("audit.report_export", submission_id=submission_id)
    db.session.commit()
    return Response(
        report_csv(trail, staff_names(db.session)),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{report_filename(reference, utcnow())}"'
        },
    )
