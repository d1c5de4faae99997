"""Clean failures: a database that does not answer gives a 503 that says what was lost and
when to try again; every 429 says when to try again; a body past the limit is refused however
it is sent; invisible characters that change how text reads are refused in every free-text
field."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app import create_app
from app.auth.sessions import SESSION_KEY as STAFF_SESSION_KEY
from app.extensions import db
from app.models import Note, Submission
from app.screening.service import DRAFT_KEY
from app.tokens import new_token
from tests import conftest
from tests.builders import make_submission, set_settings
from tests.conftest import config_for, make_app, make_staff, sign_in
from tests.forms import csrf_token, hidden_fields
from tests.journey import BASE_ANSWERS, answer_all, post_step, step_data

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "Smith" shown as "htimS"


class Outage:
    """An app on a SQLite file that can be taken away while it runs (a real outage: its
    connections closed, the file gone) and given back."""

    def __init__(self, tmp_path: Path) -> None:
        self.folder, self.gone = tmp_path / "data", tmp_path / "gone"
        self.folder.mkdir()
        assert conftest._sqlite_schema is not None
        shutil.copyfile(conftest._sqlite_schema, self.folder / "db.sqlite3")
        self.app = create_app(config_for(f"sqlite:///{self.folder / 'db.sqlite3'}"))

    def _move(self, source: Path, target: Path) -> None:
        source.rename(target)
        with self.app.app_context():
            db.engine.dispose()

    def start(self) -> None:
        self._move(self.folder, self.gone)

    def end(self) -> None:
        self._move(self.gone, self.folder)


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    ("lang", "not_saved", "kept"),
    [
        ("en", "The answers on this page were not saved.", "on the pages before are kept"),
        ("fr", "Les réponses de cette page n’ont pas été enregistrées.", "sont conservées"),
    ],
)
def test_a_database_that_stops_answering_gives_a_503(
    tmp_path: Path, lang: str, not_saved: str, kept: str
) -> None:
    """A real outage: the database file goes away while the app runs (its connections closed)."""
    outage = Outage(tmp_path)
    client = outage.app.test_client()
    client.get(f"/?lang={lang}")
    token = csrf_token(client.get("/screening/safety"))
    outage.start()
    sent = client.post(
        "/screening/safety", data={**step_data("safety", BASE_ANSWERS), "csrf_token": token}
    )
    page = sent.get_data(as_text=True)
    assert sent.status_code == 503
    assert sent.headers["Retry-After"] == "60"
    assert not_saved in page
    assert kept in page
    assert 'href="/screening/safety"' in page  # back to the page, to send it again
    assert "Traceback" not in page
    shown = client.get("/screening/pain")
    assert shown.status_code == 503
    assert shown.headers["Retry-After"] == "60"
    assert not_saved not in shown.get_data(as_text=True)  # nothing was sent
    assert client.get("/healthz").status_code == 503
    outage.end()  # the next request works again
    assert client.get("/screening/safety").status_code == 200


@pytest.mark.sqlite_only
def test_a_final_submission_during_an_outage_leads_back_to_the_check_page(tmp_path: Path) -> None:
    outage = Outage(tmp_path)
    client = outage.app.test_client()
    answer_all(client)
    token = csrf_token(client.get("/screening/check"))
    outage.start()
    sent = client.post("/screening/submit", data={"csrf_token": token})
    assert sent.status_code == 503
    assert 'href="/screening/check"' in sent.get_data(as_text=True)


def test_an_engine_that_cannot_connect_gives_503_pages(tmp_path: Path) -> None:
    """A PostgreSQL server that is not there (nothing listens on port 1). A patient with a
    questionnaire under way and a signed-in staff member both get the 503 page."""
    app = create_app(config_for("postgresql+psycopg://ims@127.0.0.1:1/ims?connect_timeout=2"))
    client = app.test_client()
    assert client.get("/").status_code == 200  # a page that reads nothing still opens
    with client.session_transaction() as session:
        session[DRAFT_KEY] = new_token()
        session[STAFF_SESSION_KEY] = new_token()
    for path in ("/", "/screening/safety", "/staff/"):
        response = client.get(path)
        assert response.status_code == 503, path
        assert response.headers["Retry-After"] == "60"
        assert "Please try again in a minute." in response.get_data(as_text=True)
    assert client.get("/healthz").status_code == 503


def test_every_429_says_when_to_try_again(tmp_path: Path) -> None:
    app = make_app(tmp_path, RATELIMIT_ENABLED=True, SCREENING_RATE_LIMIT="2 per minute")
    client = app.test_client()
    for _ in range(2):
        assert post_step(client, "safety", step_data("safety", BASE_ANSWERS)).status_code == 302
    refused = post_step(client, "safety", step_data("safety", BASE_ANSWERS))
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 61  # the window's end, rounded
    (tmp_path / "login").mkdir()
    login = make_app(tmp_path / "login", RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="1 per hour")
    staff = login.test_client()
    for _ in range(2):
        token = csrf_token(staff.get("/auth/login"))
        data = {"email": "a@b.example", "password": "x" * 12, "csrf_token": token}
        response = staff.post("/auth/login", data=data)
    assert response.status_code == 429
    assert 60 < int(response.headers["Retry-After"]) <= 3601


def chunked(client: FlaskClient, path: str, body: bytes) -> int:
    """POST ``body`` as a server hands over a chunked request: no length, the stream ending."""
    response = client.post(
        path,
        input_stream=io.BytesIO(body),
        content_type="application/x-www-form-urlencoded",
        # As gunicorn hands it over: the header, no length, the stream ending by itself.
        environ_overrides={
            "HTTP_TRANSFER_ENCODING": "chunked",
            "CONTENT_LENGTH": "",
            "wsgi.input_terminated": True,
        },
    )
    return response.status_code


def test_a_chunked_body_past_the_limit_is_refused(app: Flask, client: FlaskClient) -> None:
    answer_all(client)
    token = csrf_token(client.get("/screening/contact"))
    fields = step_data("contact", BASE_ANSWERS) | {"csrf_token": token}
    form = "&".join(f"{name}={value}" for name, value in fields.items())
    too_long = f"{form}&comments={'x' * (app.config['MAX_CONTENT_LENGTH'])}".encode()
    assert chunked(client, "/screening/contact", too_long) == 413
    assert chunked(client, "/screening/contact", form.encode()) == 302  # within it: as usual


@pytest.mark.parametrize(
    "name", [f"Alex {RLO}yelmarT", "Alex\u200bTremblay", "\ufeffAlex Tremblay"]
)
def test_a_patient_name_with_invisible_format_characters_is_refused(
    app: Flask, client: FlaskClient, name: str
) -> None:
    answer_all(client)
    page = post_step(client, "contact", step_data("contact", BASE_ANSWERS | {"full_name": name}))
    assert page.status_code == 422
    assert "invisible formatting characters" in page.get_data(as_text=True)


def test_joiners_that_spell_a_name_are_kept(app: Flask, client: FlaskClient) -> None:
    name = "Mehr\u200cnaz Tehrani"  # a zero-width non-joiner, as Persian keyboards type it
    answer_all(client, {"full_name": name})
    assert (
        post_step(
            client, "contact", step_data("contact", BASE_ANSWERS | {"full_name": name})
        ).status_code
        == 302
    )


def test_staff_text_with_a_bidirectional_control_is_refused(
    app: Flask, client: FlaskClient
) -> None:
    submission = make_submission(app)
    sign_in(client, app, make_staff(app, "clinician"))
    page = f"/staff/submissions/{submission.reference}"
    url = f"{page}/notes"
    response = client.post(
        url, data={**hidden_fields(client.get(page), url), "body": f"ok {RLO}kcab llac"}
    )
    assert "invisible formatting characters" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Note)) == 0
        assert db.session.scalar(select(func.count()).select_from(Submission)) == 1


def test_a_clinic_setting_with_a_bidirectional_control_is_refused(
    app: Flask, client: FlaskClient
) -> None:
    sign_in(client, app, make_staff(app, "admin"))
    set_settings(app)  # nothing changed: the form as shown
    token = csrf_token(client.get("/admin/settings"))
    response = client.post(
        "/admin/settings",
        data={
            "name": f"Clinic {RLO}ysae",
            "csrf_token": token,
            "time_zone": "America/Toronto",
            "response_target_days": "1",
        },
    )
    assert response.status_code == 422
    assert "invisible formatting characters" in response.get_data(as_text=True)
