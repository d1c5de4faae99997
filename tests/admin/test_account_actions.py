"""What an admin can do to an account: disable, enable, change role, reset the second factor,
sign out everywhere; each audited, and none of the dangerous ones on the admin's own account."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from app.extensions import db
from app.models import RecoveryCode, StaffUser
from tests.admin import ADMIN_ADDRESS, account_changes, events, post_form, stored
from tests.conftest import STAFF_PASSWORD, make_staff, sign_in
from tests.held import while_held

GENERIC_FAILURE = "The email address or password is not right"


@pytest.fixture
def admin_client(app: Flask, client: FlaskClient, admin) -> FlaskClient:
    """The admin, signed in from a known address."""
    client.environ_base["REMOTE_ADDR"] = ADMIN_ADDRESS
    sign_in(client, app, admin)
    return client


def signed_in(app: Flask, user) -> FlaskClient:
    """A separate browser in which ``user`` is signed in."""
    browser = app.test_client()
    sign_in(browser, app, user)
    assert browser.get("/staff/").status_code == 200
    return browser


def try_password(app: Flask, user) -> str:
    """Where the password step sends ``user`` from a fresh browser (or the page's text)."""
    response = post_form(
        app.test_client(), "/auth/login", {"email": user.email, "password": STAFF_PASSWORD}
    )
    return response.headers.get("Location") or response.text


def act(client: FlaskClient, user, action: str, **data: str) -> str:
    """Use an action on the account page; returns the page shown after the redirect."""
    response = post_form(client, f"/admin/accounts/{user.id}/{action}", data)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/accounts/{user.id}"
    return client.get(response.headers["Location"]).text


def the_event(app: Flask, action: str, admin) -> dict:
    [event] = events(app, action)
    assert event.staff_id == admin.id
    assert event.remote_addr == ADMIN_ADDRESS
    assert event.actor_type == "staff"
    return event.detail


def test_account_page_shows_the_actions(app: Flask, admin_client: FlaskClient, front_desk) -> None:
    page = admin_client.get(f"/admin/accounts/{front_desk.id}").text
    assert front_desk.email in page
    for action in ("role", "disable", "reset-password", "reset-2fa", "sign-out-everywhere"):
        assert f'action="/admin/accounts/{front_desk.id}/{action}"' in page
    assert page.count('name="csrf_token"') == 6  # five actions and the sign-out button
    assert '<label class="label" for="role">Role</label>' in page
    assert '<option selected value="front_desk">' in page


def test_unknown_account_is_404(admin_client: FlaskClient) -> None:
    assert admin_client.get("/admin/accounts/9999").status_code == 404
    assert admin_client.get(f"/admin/accounts/{2**64}").status_code == 404
    assert post_form(admin_client, "/admin/accounts/9999/disable").status_code == 404


ACTIONS = ("role", "disable", "enable", "reset-password", "reset-2fa", "sign-out-everywhere")


@pytest.mark.parametrize("staff_id", [2**31, 2**40, 2**63 - 1])
def test_ids_past_the_columns_range_are_404(admin_client: FlaskClient, staff_id: int) -> None:
    """The id column is a 32-bit integer: PostgreSQL refuses to compare it with a larger one."""
    assert admin_client.get(f"/admin/accounts/{staff_id}").status_code == 404
    for action in ACTIONS:
        url = f"/admin/accounts/{staff_id}/{action}"
        assert post_form(admin_client, url, {"role": "clinician"}).status_code == 404, action


def test_disable_ends_sessions_at_once(
    app: Flask, admin_client: FlaskClient, admin, front_desk
) -> None:
    browser = signed_in(app, front_desk)
    page = act(admin_client, front_desk, "disable")
    assert "Account disabled." in page
    assert "Enable the account" in page
    assert stored(app, front_desk.id).is_active is False
    response = browser.get("/staff/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"
    assert GENERIC_FAILURE in try_password(app, front_desk)
    assert the_event(app, "staff.disable", admin) == {"staff_id": front_desk.id}


def test_enable_lets_the_account_back_in(
    app: Flask, admin_client: FlaskClient, admin, front_desk
) -> None:
    act(admin_client, front_desk, "disable")
    page = act(admin_client, front_desk, "enable")
    assert "Account enabled." in page
    assert stored(app, front_desk.id).is_active is True
    assert try_password(app, front_desk) == "/auth/verify"
    assert the_event(app, "staff.enable", admin) == {"staff_id": front_desk.id}


def test_repeating_disable_or_enable_changes_nothing(
    app: Flask, admin_client: FlaskClient, front_desk
) -> None:
    assert "already active" in act(admin_client, front_desk, "enable")
    act(admin_client, front_desk, "disable")
    assert "already disabled" in act(admin_client, front_desk, "disable")
    assert account_changes(app) == ["staff.disable"]


def test_change_role(app: Flask, admin_client: FlaskClient, admin, front_desk) -> None:
    browser = signed_in(app, front_desk)
    page = act(admin_client, front_desk, "role", role="clinician")
    assert "Role changed." in page
    assert stored(app, front_desk.id).role == "clinician"
    assert the_event(app, "staff.role", admin) == {
        "staff_id": front_desk.id,
        "from": "front_desk",
        "to": "clinician",
    }
    assert browser.get("/admin/accounts").status_code == 403  # still not an admin
    assert "unchanged" in act(admin_client, front_desk, "role", role="clinician")
    assert "Choose a role" in act(admin_client, front_desk, "role", role="owner")
    assert stored(app, front_desk.id).role == "clinician"
    assert len(events(app, "staff.role")) == 1


def test_promoted_user_can_administer(app: Flask, admin_client: FlaskClient, clinician) -> None:
    browser = signed_in(app, clinician)
    act(admin_client, clinician, "role", role="admin")
    assert browser.get("/admin/accounts").status_code == 200


def test_reset_second_factor(app: Flask, admin_client: FlaskClient, admin, clinician) -> None:
    browser = signed_in(app, clinician)
    with app.app_context():
        db.session.add_all(
            RecoveryCode(staff_id=clinician.id, code_hash=f"{n:064}") for n in (1, 2)
        )
        db.session.commit()
    page = act(admin_client, clinician, "reset-2fa")
    assert "Second factor reset." in page
    assert "Not set up yet" in page
    after = stored(app, clinician.id)
    assert after.totp_secret is None
    assert after.totp_last_step is None
    with app.app_context():
        count = select(func.count(RecoveryCode.id)).where(RecoveryCode.staff_id == clinician.id)
        assert db.session.scalar(count) == 0
    assert browser.get("/staff/").headers["Location"] == "/auth/login"
    assert try_password(app, clinician) == "/auth/enrol"
    assert the_event(app, "staff.reset_2fa", admin) == {"staff_id": clinician.id}


def test_sign_out_everywhere(app: Flask, admin_client: FlaskClient, admin, clinician) -> None:
    first, second = signed_in(app, clinician), signed_in(app, clinician)
    assert "2 browsers" in admin_client.get(f"/admin/accounts/{clinician.id}").text
    page = act(admin_client, clinician, "sign-out-everywhere")
    assert "Signed out everywhere." in page
    assert "0 browsers" in page
    for browser in (first, second):
        assert browser.get("/staff/").headers["Location"] == "/auth/login"
    assert stored(app, clinician.id).is_active is True  # may sign in again
    assert try_password(app, clinician) == "/auth/verify"
    assert the_event(app, "staff.sign_out_everywhere", admin) == {"staff_id": clinician.id}


@pytest.mark.parametrize(
    ("action", "data"),
    [("disable", {}), ("reset-2fa", {}), ("role", {"role": "front_desk"})],
)
def test_admin_cannot_lock_themselves_out(
    app: Flask, admin_client: FlaskClient, admin, action: str, data: dict[str, str]
) -> None:
    page = act(admin_client, admin, action, **data)
    assert "You cannot disable, demote or reset your own account" in page
    after = stored(app, admin.id)
    assert (after.is_active, after.role, bool(after.totp_secret)) == (True, "admin", True)
    assert admin_client.get("/admin/accounts").status_code == 200
    assert account_changes(app) == []


def test_own_account_page_offers_only_safe_actions(admin_client: FlaskClient, admin) -> None:
    page = admin_client.get(f"/admin/accounts/{admin.id}").text
    assert "This is your own account" in page
    assert f"/admin/accounts/{admin.id}/disable" not in page
    assert f"/admin/accounts/{admin.id}/reset-2fa" not in page
    assert f"/admin/accounts/{admin.id}/sign-out-everywhere" in page
    assert "Sign out everywhere else" in page


def test_admin_can_manage_another_admin(app: Flask, admin_client: FlaskClient) -> None:
    other = make_staff(app, "admin", email="second-admin@clinic.example")
    act(admin_client, other, "role", role="clinician")
    act(admin_client, other, "disable")
    after = stored(app, other.id)
    assert (after.role, after.is_active) == ("clinician", False)


def test_own_sign_out_everywhere_keeps_this_browser(
    app: Flask, admin_client: FlaskClient, admin
) -> None:
    other_browser = app.test_client()
    sign_in(other_browser, app, admin)
    assert other_browser.get("/admin/accounts").status_code == 200
    page = act(admin_client, admin, "sign-out-everywhere")
    assert "Signed out everywhere." in page
    assert "1 browser" in page
    assert other_browser.get("/admin/accounts").headers["Location"] == "/auth/login"
    assert admin_client.get("/admin/audit").status_code == 200
    assert the_event(app, "staff.sign_out_everywhere", admin) == {"staff_id": admin.id}


@pytest.mark.parametrize(("action", "data"), [("role", {"role": "clinician"}), ("disable", {})])
def test_two_admins_acting_on_each_other_at_once_leave_one_admin(
    app: Flask, admin_client: FlaskClient, admin, action: str, data: dict[str, str]
) -> None:
    other = make_staff(app, "admin", email="second-admin@clinic.example")
    other_client = app.test_client()
    sign_in(other_client, app, other)
    url = f"/admin/accounts/{admin.id}/{action}"
    with while_held(app, lambda: post_form(other_client, url, data)) as held:
        # The first admin's change to the other is being stored (both accounts' rows taken in
        # id order, as every action takes them) when the other's change to the first arrives.
        rows = select(StaffUser.id).where(StaffUser.id.in_([admin.id, other.id]))
        held.first.execute(rows.order_by(StaffUser.id).with_for_update())
        change = {"role": "clinician"} if action == "role" else {"is_active": False}
        held.first.execute(update(StaffUser).where(StaffUser.id == other.id).values(**change))
    # Refused by the action's own check once it has the rows, or (a disabled account, when the
    # sign-in check itself had to wait, as on SQLite) sent to sign in again.
    answer = held.answers[0]
    assert (answer.status_code, answer.headers.get("Location")) in {
        (403, None),
        (302, "/auth/login"),
    }
    assert (stored(app, admin.id).role, stored(app, admin.id).is_active) == ("admin", True)
