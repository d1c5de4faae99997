"""Sign-in: passwords, brute-force delays, the second factor, enrolment and recovery codes."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.auth import passwords
from app.extensions import db
from app.models import AuditEvent, RecoveryCode, StaffUser
from tests.conftest import STAFF_PASSWORD, Clock, make_app, make_staff, sign_in, totp_code
from tests.forms import csrf_token

GENERIC_FAILURE = "The email address or password is not right"


def post_login(client: FlaskClient, email: str, password: str) -> str:
    token = csrf_token(client.get("/auth/login"))
    response = client.post(
        "/auth/login", data={"email": email, "password": password, "csrf_token": token}
    )
    return response.headers.get("Location") or response.text


def post_code(client: FlaskClient, code: str, url: str = "/auth/verify") -> str:
    response = client.post(url, data={"code": code, "csrf_token": csrf_token(client.get(url))})
    return response.headers.get("Location") or response.text


def audit_actions(app: Flask) -> list[tuple[str, int | None, dict | None]]:
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        return [(e.action, e.staff_id, e.detail) for e in events]


def stored_user(app: Flask, user: StaffUser) -> StaffUser:
    with app.app_context():
        fresh = db.session.get(StaffUser, user.id)
        assert fresh is not None
        db.session.expunge(fresh)
        return fresh


def test_sign_in_with_password_and_code(app: Flask, client: FlaskClient, front_desk) -> None:
    response = sign_in(client, app, front_desk)
    assert response.headers["Location"] == "/staff/"
    page = client.get("/staff/")
    assert page.status_code == 200
    assert "Sign out" in page.text
    assert ("auth.login", front_desk.id, {"method": "totp"}) in audit_actions(app)


def test_admin_lands_on_accounts(app: Flask, client: FlaskClient, admin) -> None:
    assert sign_in(client, app, admin).headers["Location"] == "/admin/accounts"


def test_email_is_case_insensitive(app: Flask, client: FlaskClient, front_desk) -> None:
    assert post_login(client, front_desk.email.upper(), STAFF_PASSWORD) == "/auth/verify"


@pytest.mark.parametrize("reason", ["bad_password", "unknown_email"])
def test_wrong_password_and_unknown_email_look_the_same(
    app: Flask, client: FlaskClient, front_desk, monkeypatch: pytest.MonkeyPatch, reason: str
) -> None:
    calls: list[str] = []
    real_verify = passwords.verify_password
    monkeypatch.setattr(
        passwords,
        "verify_password",
        lambda h, p: calls.append("verify") or real_verify(h, p),
    )
    email = front_desk.email if reason == "bad_password" else "nobody@clinic.example"
    page = post_login(client, email, "not-the-password-at-all")
    assert GENERIC_FAILURE in page
    assert calls == ["verify"], "one Argon2 verification either way, so timing is alike"
    action, staff_id, detail = audit_actions(app)[-1]
    assert (action, detail) == ("auth.login_failed", {"reason": reason})
    assert staff_id == (front_desk.id if reason == "bad_password" else None)


def test_failures_then_doubling_delay(app: Flask, client: FlaskClient, clock: Clock) -> None:
    user = make_staff(app)
    for _ in range(5):
        assert GENERIC_FAILURE in post_login(client, user.email, "wrong password here")
    locked = stored_user(app, user)
    assert locked.failed_logins == 5
    assert locked.locked_until == clock() + timedelta(seconds=1)

    # While locked, even the right password is refused, with the same message.
    assert GENERIC_FAILURE in post_login(client, user.email, STAFF_PASSWORD)
    delays = []
    for _ in range(4):
        clock.advance(seconds=1000)
        post_login(client, user.email, "wrong password here")
        delays.append(stored_user(app, user).locked_until - clock())
    assert delays == [timedelta(seconds=s) for s in (2, 4, 8, 16)]
    for _ in range(10):
        clock.advance(seconds=1000)
        post_login(client, user.email, "wrong password here")
    assert stored_user(app, user).locked_until - clock() == timedelta(minutes=15)

    clock.advance(minutes=16)
    assert post_login(client, user.email, STAFF_PASSWORD) == "/auth/verify"
    assert post_code(client, totp_code(app, user, clock())) == "/staff/"
    assert stored_user(app, user).failed_logins == 0


def test_wrong_codes_count_as_failures(app: Flask, client: FlaskClient, clock: Clock) -> None:
    user = make_staff(app)
    post_login(client, user.email, STAFF_PASSWORD)
    for _ in range(5):
        assert "That code is not right" in post_code(client, "000000")
    assert stored_user(app, user).locked_until is not None
    # Locked: even the right code is refused until the delay has passed.
    assert "That code is not right" in post_code(client, totp_code(app, user, clock()))
    clock.advance(seconds=2)
    assert post_code(client, totp_code(app, user, clock())) == "/staff/"


def test_totp_code_works_once(app: Flask, clock: Clock) -> None:
    user = make_staff(app)
    code = totp_code(app, user, clock())
    first, second = app.test_client(), app.test_client()
    post_login(first, user.email, STAFF_PASSWORD)
    assert post_code(first, code) == "/staff/"
    post_login(second, user.email, STAFF_PASSWORD)
    assert "That code is not right" in post_code(second, code)


def test_first_sign_in_enrols_then_recovery_codes_work_once(
    app: Flask, client: FlaskClient, clock: Clock
) -> None:
    import pyotp

    user = make_staff(app, enrolled=False)
    assert post_login(client, user.email, STAFF_PASSWORD) == "/auth/enrol"
    page = client.get("/auth/enrol").text
    assert "<svg" in page
    assert "http" not in page.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org", ""
    ), "the QR code is drawn locally"
    with app.app_context():
        secret = db.session.scalars(select(StaffUser)).one().totp_secret
    assert secret is None, "the secret is kept only once confirmed"
    shown = page.split('class="secret">', 1)[1].split("<", 1)[0]
    assert "That code is not right" in post_code(client, "123456", "/auth/enrol")

    codes_page = client.post(
        "/auth/enrol",
        data={
            "code": pyotp.TOTP(shown).at(clock()),
            "csrf_token": csrf_token(client.get("/auth/enrol")),
        },
    ).text
    codes = [c.split("</code>")[0] for c in codes_page.split("<li><code>")[1:]]
    assert len(codes) == 10
    with app.app_context():
        stored = list(db.session.scalars(select(RecoveryCode.code_hash)))
    assert len(stored) == 10
    assert not set(codes) & set(stored), "only hashes are stored"
    assert client.get("/staff/").status_code == 200

    client.post("/auth/logout", data={"csrf_token": csrf_token(client.get("/staff/"))})
    post_login(client, user.email, STAFF_PASSWORD)
    assert post_code(client, codes[0].upper()) == "/staff/"
    client.post("/auth/logout", data={"csrf_token": csrf_token(client.get("/staff/"))})
    post_login(client, user.email, STAFF_PASSWORD)
    assert "That code is not right" in post_code(client, codes[0])
    assert "auth.second_factor_enrolled" in [a for a, _, _ in audit_actions(app)]


def test_password_is_rehashed_when_parameters_change(app: Flask, client: FlaskClient) -> None:
    user = make_staff(app)
    old_hash = stored_user(app, user).password_hash
    app.config["ARGON2_TIME_COST"] = 2
    sign_in(client, app, user)
    new_hash = stored_user(app, user).password_hash
    assert new_hash != old_hash
    assert "t=2" in new_hash
    with app.app_context():
        assert passwords.verify_password(new_hash, STAFF_PASSWORD)


def test_an_unknown_email_is_checked_against_a_hash_of_the_configured_cost(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unknown e-mail costs a real check, at the configured Argon2 costs: a hash made with
    other costs would answer faster or slower than a wrong password does."""
    app.config["ARGON2_TIME_COST"] = 3
    checked: list[str] = []
    monkeypatch.setattr(passwords, "verify_password", lambda stored, _: checked.append(stored))
    with app.app_context():
        passwords.waste_time("any password")
        assert len(checked) == 1
        assert "t=3" in checked[0]
        assert not passwords.needs_rehash(checked[0])


def test_production_hash_parameters_meet_the_minimum() -> None:
    from config import Config

    assert Config.ARGON2_TIME_COST >= 2
    assert Config.ARGON2_MEMORY_COST >= 19456
    assert Config.ARGON2_PARALLELISM >= 1


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short pw", "at least 12"),
        ("q1w2e3r4t5y6", "too easy to guess"),
        ("1QAZ2WSX3EDC", "too easy to guess"),
        ("front_desk-is-my-password", "too easy to guess"),  # contains the e-mail's name
        ("x" * 300, "at most"),
        ("plum-kettle-harbour-42", None),
    ],
)
def test_password_rules(app: Flask, password: str, problem: str | None) -> None:
    with app.test_request_context():
        found = passwords.password_problem(password, "front_desk@clinic.example")
    assert (found is None) if problem is None else (problem in found)


def test_sign_in_is_rate_limited_per_address(tmp_path: Path) -> None:
    app = make_app(tmp_path, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    statuses = []
    for _ in range(4):
        token = csrf_token(client.get("/auth/login"))
        response = client.post(
            "/auth/login", data={"email": "a@b.example", "password": "x" * 12, "csrf_token": token}
        )
        statuses.append(response.status_code)
    assert statuses == [200, 200, 200, 429]


def test_a_second_sign_in_left_at_enrolment_cannot_replace_the_factor(
    app: Flask, clock: Clock
) -> None:
    """Someone else who knows the password (and signed in before the owner enrolled) must not
    replace the owner's authenticator with their own."""
    user = make_staff(app, enrolled=False)
    owner, other = app.test_client(), app.test_client()
    assert post_login(owner, user.email, STAFF_PASSWORD) == "/auth/enrol"
    assert post_login(other, user.email, STAFF_PASSWORD) == "/auth/enrol"
    other_secret = re.search(r'class="secret">([^<]+)<', other.get("/auth/enrol").text)
    owner_secret = re.search(r'class="secret">([^<]+)<', owner.get("/auth/enrol").text)
    assert other_secret
    assert owner_secret
    other_token = csrf_token(other.get("/auth/enrol"))
    assert "<li><code>" in post_code(owner, pyotp.TOTP(owner_secret[1]).at(clock()), "/auth/enrol")
    clock.advance(seconds=31)
    code = pyotp.TOTP(other_secret[1]).at(clock())
    answer = other.post("/auth/enrol", data={"code": code, "csrf_token": other_token})
    assert answer.headers["Location"] == "/auth/login"
    assert other.get("/auth/enrol").headers["Location"] == "/auth/login"
    with app.app_context():
        assert db.session.get(StaffUser, user.id).totp_secret == owner_secret[1]
    assert owner.get("/staff/").status_code == 200
    assert other.get("/staff/").status_code == 302


NBSP = "\u00a0"  # French puts a no-break space before a colon


@pytest.mark.parametrize(
    ("lang", "signed_out", "title"),
    [
        ("en", "You have signed out.", "Staff sign-in"),
        ("fr", "Votre session a été fermée.", "Connexion du personnel"),
    ],
)
def test_signing_out_keeps_the_language(
    app: Flask, client: FlaskClient, front_desk, lang: str, signed_out: str, title: str
) -> None:
    client.get(f"/auth/login?lang={lang}")
    sign_in(client, app, front_desk)
    response = client.post("/auth/logout", data={"csrf_token": csrf_token(client.get("/staff/"))})
    assert response.headers["Location"] == "/auth/login"
    page = client.get("/auth/login").text
    assert f'<html lang="{"fr-CA" if lang == "fr" else "en"}">' in page
    assert signed_out in page
    assert f"<title>{title} –" in page
    assert client.get("/staff/").status_code == 302, "the session itself is gone"


@pytest.mark.parametrize(
    ("lang", "error"), [("en", "Error: "), ("fr", f"Erreur{NBSP}: ")], ids=["en", "fr"]
)
def test_staff_sign_in_titles_say_error(
    app: Flask, client: FlaskClient, clock: Clock, lang: str, error: str
) -> None:
    client.get(f"/auth/login?lang={lang}")
    titles = {
        "en": ("Staff sign-in", "Enter your code", "Set up your second factor"),
        "fr": (
            "Connexion du personnel",
            "Entrez votre code",
            "Configurez votre deuxième facteur d’authentification",
        ),
    }[lang]
    assert f"<title>{titles[0]} –" in client.get("/auth/login").text
    assert f"<title>{error}{titles[0]} –" in post_login(client, "x@clinic.example", "wrong")

    user = make_staff(app)
    post_login(client, user.email, STAFF_PASSWORD)
    assert f"<title>{titles[1]} –" in client.get("/auth/verify").text
    assert f"<title>{error}{titles[1]} –" in post_code(client, "000000")

    newcomer = make_staff(app, "clinician", enrolled=False)
    other = app.test_client()
    other.get(f"/auth/login?lang={lang}")
    post_login(other, newcomer.email, STAFF_PASSWORD)
    assert f"<title>{titles[2]} –" in other.get("/auth/enrol").text
    assert f"<title>{error}{titles[2]} –" in post_code(other, "000000", "/auth/enrol")


@pytest.mark.parametrize(
    ("lang", "email_message", "password_message", "code_message"),
    [
        (
            "en",
            "Enter an email address of 254 characters or fewer.",
            "Enter a password of 1024 characters or fewer.",
            "Enter a code of 32 characters or fewer.",
        ),
        (
            "fr",
            "Entrez une adresse courriel de 254 caractères ou moins.",
            "Entrez un mot de passe de 1024 caractères ou moins.",
            "Entrez un code de 32 caractères ou moins.",
        ),
    ],
)
def test_overlong_sign_in_fields_get_the_apps_own_messages(
    app: Flask,
    client: FlaskClient,
    front_desk,
    lang: str,
    email_message: str,
    password_message: str,
    code_message: str,
) -> None:
    client.get(f"/auth/login?lang={lang}")
    page = post_login(client, "a" * 250 + "@clinic.example", STAFF_PASSWORD)
    assert email_message in page
    assert 'href="#email"' in page
    assert "Field cannot be longer" not in page
    page = post_login(client, front_desk.email, "x" * 1025)
    assert password_message in page
    post_login(client, front_desk.email, STAFF_PASSWORD)
    page = post_code(client, "1" * 33)
    assert code_message in page
    assert "Field cannot be longer" not in page


# Digits that str.isdigit() accepts but no authenticator shows: full-width, Arabic-Indic,
# superscript.
NON_ASCII_DIGITS = ["１２３４５６", "١٢٣٤٥٦", "²²²²²²"]


@pytest.mark.parametrize("code", NON_ASCII_DIGITS)
def test_codes_in_other_digits_are_wrong_codes(app: Flask, client: FlaskClient, code: str) -> None:
    user = make_staff(app)
    post_login(client, user.email, STAFF_PASSWORD)
    assert "That code is not right" in post_code(client, code)
    assert stored_user(app, user).failed_logins == 1
    assert audit_actions(app)[-1] == ("auth.second_factor_failed", user.id, None)

    newcomer = make_staff(app, "clinician", enrolled=False)
    other = app.test_client()
    post_login(other, newcomer.email, STAFF_PASSWORD)
    assert "That code is not right" in post_code(other, code, "/auth/enrol")
    assert stored_user(app, newcomer).totp_secret is None


@pytest.mark.parametrize("escape", ["%0d%0a", "%0a", "%0d", "%00", "%09", "%7f", "%c2%85"])
def test_next_with_a_control_character_is_ignored(
    app: Flask, client: FlaskClient, front_desk, escape: str
) -> None:
    """Such a target could split the ``Location`` header: the user goes to their own page."""
    client.get(f"/auth/login?next=/staff/{escape}X-Injected:%201")
    response = sign_in(client, app, front_desk)
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/"
