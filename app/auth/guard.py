"""One guard for every staff and admin route: signed in, then the right role, default deny.

Blueprints call ``guard_blueprint(bp)`` once. Each view declares who may use it with
``@allow(Role.FRONT_DESK, ...)``; a view without a declaration is refused to everyone, so a new
route cannot forget access control.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, redirect, request, session, url_for
from flask.typing import ResponseReturnValue

from app.auth.sessions import signed_in_user
from app.codes import Role
from app.formtools import has_control_character
from app.models import StaffUser

F = TypeVar("F", bound=Callable[..., ResponseReturnValue])
ROLES_ATTRIBUTE = "_allowed_roles"


def allow(*roles: Role) -> Callable[[F], F]:
    """Declare the roles that may use a view."""

    def decorate(view: F) -> F:
        setattr(view, ROLES_ATTRIBUTE, frozenset(roles))
        return view

    return decorate


def allowed_roles(endpoint: str) -> frozenset[Role]:
    """The roles a view declared (empty: nobody)."""
    view = current_app.view_functions.get(endpoint)
    return getattr(view, ROLES_ATTRIBUTE, frozenset())


def is_local_path(target: str | None) -> bool:
    """Whether ``target`` is a path on this site (a safe place to go after sign-in).

    Control characters are refused first: ``urlsplit`` silently drops CR, LF and tab, so it
    would pass them on to the ``Location`` header, which they could split (Werkzeug refuses
    such a header with an error). No page of the site has one in its address.
    """
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    if has_control_character(target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def start_page(user: StaffUser) -> str:
    """A signed-in staff member's own start page: an admin's accounts, everyone else's queue."""
    return url_for("admin.accounts") if user.role == Role.ADMIN else url_for("staff.queue")


def guard_blueprint(bp: Blueprint) -> None:
    """Require a full staff session and an allowed role for every view of ``bp``."""

    @bp.before_request
    def _guard() -> ResponseReturnValue | None:
        user = signed_in_user()
        if user is None:
            target = request.full_path if request.method == "GET" else request.path
            session["next"] = target.rstrip("?")
            return redirect(url_for("auth.login"))
        if user.must_change_password:
            return redirect(url_for("auth.change_password"))
        if user.role not in allowed_roles(request.endpoint or ""):
            abort(403)
        return None
