"""Sign-in (password, then a second factor), enrolment of the second factor, sign-out."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from app import audit
from app.auth import service, sessions, totp
from app.auth.forms import CodeForm, LoginForm, PasswordChangeForm
from app.auth.guard import is_local_path, start_page
from app.auth.passwords import MIN_LENGTH
from app.codes import Stage
from app.extensions import db
from app.i18n import SESSION_KEY as LANGUAGE_KEY
from app.models import StaffUser
from app.ratelimit import limited
from app.settings.store import current

bp = Blueprint("auth", __name__, url_prefix="/auth")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _home(user: StaffUser) -> str:
    """Where a signed-in user goes next: their own password first if someone else chose it,
    else the page they asked for before signing in, else their workspace."""
    if user.must_change_password:
        return url_for(".change_password")
    target = session.pop("next", None)
    if is_local_path(target):
        return target
    return start_page(user)


@bp.route("/login", methods=["GET", "POST"])
@limited(_login_limit, methods=["POST"])
def login() -> ResponseReturnValue:
    """E-mail and password; the same answer for an unknown e-mail and a wrong password."""
    if is_local_path(request.args.get("next")):
        session["next"] = request.args["next"]
    form = LoginForm()
    if form.validate_on_submit():
        user, reason = service.check_password(form.email.data, form.password.data)
        if reason != "ok" or user is None:
            audit.record(
                "auth.login_failed",
                staff_id=user.id if user else None,
                detail={"reason": reason},
            )
            db.session.commit()
            form.form_errors.append(
                _(
                    "The email address or password is not right, or there have been too many "
                    "attempts. Check them and try again in a few minutes."
                )
            )
        else:
            stage = Stage.TOTP if user.enrolled else Stage.ENROL
            sessions.start(user, stage)
            db.session.commit()
            return redirect(url_for(".second_factor" if stage is Stage.TOTP else ".enrol"))
    return render_template("auth/login.html", form=form)


@bp.route("/verify", methods=["GET", "POST"])
@limited(_login_limit, methods=["POST"])
def second_factor() -> ResponseReturnValue:
    """The code from the authenticator app, or a recovery code."""
    row = sessions.current_row(Stage.TOTP)
    if row is None:
        return redirect(url_for(".login"))
    user = service.attempt_in(row) if request.method == "POST" else row.user
    if user is None:
        return redirect(url_for(".login"))
    form = CodeForm()
    if form.validate_on_submit():
        method = (
            None if service.is_locked(user) else service.check_second_factor(user, form.code.data)
        )
        if method is None:
            if not service.is_locked(user):
                service.record_failure(user)
            audit.record("auth.second_factor_failed", staff_id=user.id)
            db.session.commit()
            form.code.errors.append(
                _("That code is not right, or it was already used. Try the next code.")
            )
        else:
            _complete_sign_in(user, method)
            return redirect(_home(user))
    return render_template("auth/verify.html", form=form)


@bp.route("/enrol", methods=["GET", "POST"])
@limited(_login_limit, methods=["POST"])
def enrol() -> ResponseReturnValue:
    """First sign-in: set up the authenticator app, then show the recovery codes once."""
    row = sessions.current_row(Stage.ENROL)
    if row is None:
        return redirect(url_for(".login"))
    user = service.attempt_in(row) if request.method == "POST" else row.user
    if user is None:
        return redirect(url_for(".login"))
    if user.enrolled:
        # Enrolled meanwhile in another browser: this sign-in must start again with a code
        # from that authenticator, never replace it.
        sessions.end(row)
        db.session.commit()
        return redirect(url_for(".login"))
    secret = service.enrolment_secret(row)
    form = CodeForm()
    if form.validate_on_submit():
        step = totp.matching_step(secret, form.code.data, sessions.now(), None)
        if step is not None:
            user.totp_secret, user.totp_last_step = secret, step
            codes = service.replace_recovery_codes(user)
            sessions.end_all(user.id)  # other sign-ins half-way through enrolment end here
            audit.record("auth.second_factor_enrolled", staff_id=user.id)
            _complete_sign_in(user, "totp")
            return render_template("auth/recovery_codes.html", codes=codes, next_url=_home(user))
        form.code.errors.append(_("That code is not right. Check the app and try again."))
    uri = totp.provisioning_uri(secret, user.email, current().site_name)
    return render_template("auth/enrol.html", form=form, qr=totp.qr_svg(uri), secret=secret)


def _complete_sign_in(user: StaffUser, method: str) -> None:
    service.record_success(user)
    sessions.start(user, Stage.FULL)  # a new session id once fully signed in
    audit.record("auth.login", staff_id=user.id, detail={"method": method})
    db.session.commit()


@bp.route("/password", methods=["GET", "POST"])
@limited(_login_limit, methods=["POST"])
def change_password() -> ResponseReturnValue:
    """Choose a new password: anyone signed in, and before anything else anyone whose password
    someone else chose. Every other session of the account ends; this one carries on."""
    row = sessions.signed_in_session()  # also shows the staff navigation
    if row is None:
        session["next"] = url_for(".change_password")
        return redirect(url_for(".login"))
    user = service.attempt_in(row) if request.method == "POST" else row.user
    if user is None:
        return redirect(url_for(".login"))
    form = PasswordChangeForm(email=user.email)
    if form.validate_on_submit():
        problem = service.change_password(user, form.current.data, form.password.data)
        if problem is None:
            sessions.end_all(user.id)
            sessions.start(user, Stage.FULL, signed_in_at=row.created_at)
            audit.record("auth.password_changed", staff_id=user.id)
            db.session.commit()
            flash(_("Your password is changed. You are signed out everywhere else."))
            return redirect(_home(user))
        if problem == "same":
            form.password.errors.append(_("Choose a password different from the current one."))
        else:
            reason = {"reason": problem}
            audit.record("auth.password_change_failed", staff_id=user.id, detail=reason)
            db.session.commit()
            form.current.errors.append(
                _(
                    "That is not your current password, or there have been too many attempts. "
                    "Check it and try again in a few minutes."
                )
            )
    return render_template(
        "auth/password.html",
        form=form,
        required=user.must_change_password,
        password_min_length=MIN_LENGTH,
    )


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """End this session on the server; a copy of the cookie stops working too."""
    row = sessions.current_row()
    if row is not None:
        sessions.end(row)
        audit.record("auth.logout", staff_id=row.staff_id)
        db.session.commit()
    # Everything else goes, but not the language: signing out is no reason to switch it.
    language = session.get(LANGUAGE_KEY)
    session.clear()
    if language:
        session[LANGUAGE_KEY] = language
    flash(_("You have signed out."))
    return redirect(url_for(".login"))
