"""A draft is written only over the version its writer read (app.screening.drafts): a request
that read it before another one wrote changes nothing, and the service reads again and merges."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask, session
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.extensions import db
from app.models import Draft, Submission
from app.screening import drafts, service
from app.screening.drafts import DraftState
from app.tokens import token_hash
from tests.journey import BASE_ANSWERS, answer_all, post_step, step_data

TOKEN = "a-browser-token"
KEY = token_hash(TOKEN)


@pytest.fixture
def request_context(app: Flask) -> Iterator[None]:
    """A patient's request whose session holds the draft token."""
    with app.test_request_context("/screening/pain", method="POST"):
        session[service.DRAFT_KEY] = TOKEN
        yield


def _stored() -> dict:
    draft = db.session.scalar(select(Draft).where(Draft.token_hash == KEY))
    assert draft is not None
    return {"answers": dict(draft.answers), "version": draft.version}


def _read() -> DraftState:
    state = drafts.read(KEY)
    assert state is not None
    return state


@pytest.mark.usefixtures("request_context")
def test_a_write_over_an_older_read_changes_nothing() -> None:
    first = drafts.save(None, KEY, {"pain_intensity": "6"}, None)
    assert first is not None
    assert first == _read()
    newer = drafts.save(first, KEY, {"pain_intensity": "7"}, None)
    assert newer is not None
    assert newer.version == first.version + 1 == _stored()["version"]
    assert drafts.save(first, KEY, {"pain_intensity": "2"}, None) is None
    assert _stored() == {"answers": {"pain_intensity": "7"}, "version": newer.version}


@pytest.mark.usefixtures("request_context")
def test_a_second_start_of_the_same_draft_changes_nothing() -> None:
    assert drafts.save(None, KEY, {"pain_intensity": "6"}, None) is not None
    assert drafts.save(None, KEY, {"pain_intensity": "9"}, None) is None
    assert _stored()["answers"] == {"pain_intensity": "6"}
    assert db.session.scalar(select(func.count()).select_from(Draft)) == 1


@pytest.mark.usefixtures("request_context")
def test_a_step_saved_over_an_older_read_keeps_what_was_written_since() -> None:
    service.save_step(None, "pain", {"pain_intensity": "6"})
    seen = _read()
    # Another tab saves the history step after this request read the draft.
    service.save_step(_read(), "history", {"manual_therapy": "helped"})
    saved = service.save_step(seen, "pain", {"pain_intensity": "8"})
    assert saved.answers == {"pain_intensity": "8", "manual_therapy": "helped"}
    assert _stored() == {"answers": saved.answers, "version": seen.version + 2}


@pytest.mark.usefixtures("request_context")
def test_the_draft_is_deleted_only_as_it_was_read() -> None:
    seen = drafts.save(None, KEY, {"pain_intensity": "6"}, None)
    assert seen is not None
    assert drafts.save(seen, KEY, {"pain_intensity": "7"}, None) is not None
    assert drafts.delete_seen(seen) is False
    db.session.rollback()
    assert drafts.delete_seen(_read()) is True
    db.session.commit()
    assert drafts.read(KEY) is None


def _answered(app: Flask) -> tuple[FlaskClient, str, DraftState]:
    """A browser that answered every step: its client, draft token and draft as read now."""
    client = app.test_client()
    answer_all(client)
    with client.session_transaction() as browser:
        token = browser[service.DRAFT_KEY]
    with app.app_context():
        seen = drafts.read(token_hash(token))
    assert seen is not None
    return client, token, seen


def test_a_submission_from_an_older_read_holds_the_answers_saved_since(app: Flask) -> None:
    client, token, seen = _answered(app)
    # Another tab changes the pain score after the final POST read the draft.
    post_step(client, "pain", {**step_data("pain", BASE_ANSWERS), "pain_intensity": "9"})
    with app.test_request_context("/screening/submit", method="POST"):
        session[service.DRAFT_KEY] = token
        submission = service.submit(seen)
        assert submission is not None
        stored = db.session.scalar(select(Submission))
        assert stored is not None
        assert stored.answers["pain_intensity"] == 9
        assert drafts.read(token_hash(token)) is None


def test_a_step_sent_after_another_tab_sent_the_questionnaire_starts_nothing(app: Flask) -> None:
    _client, token, seen = _answered(app)
    with app.test_request_context("/screening/submit", method="POST"):
        session[service.DRAFT_KEY] = token
        assert service.submit(seen) is not None
    with app.test_request_context("/screening/pain", method="POST"):
        session[service.DRAFT_KEY] = token
        assert service.save_step(seen, "pain", {"pain_intensity": 9}) is None
        assert db.session.scalar(select(func.count()).select_from(Draft)) == 0


def test_the_page_sent_while_another_tab_sends_the_questionnaire_shows_its_result(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, token, _seen = _answered(app)
    save = drafts.save

    def other_tab_sends_first(*args: object, **kwargs: object) -> DraftState | None:
        with app.test_request_context("/screening/submit", method="POST"):
            session[service.DRAFT_KEY] = token
            seen = drafts.read(token_hash(token))
            assert seen is not None
            assert service.submit(seen) is not None
        monkeypatch.setattr(drafts, "save", save)
        return save(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(drafts, "save", other_tab_sends_first)
    response = post_step(client, "pain", step_data("pain", BASE_ANSWERS))
    assert response.headers["Location"] == "/screening/result"
    assert client.get("/screening/result").status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Draft)) == 0
        assert db.session.scalar(select(func.count()).select_from(Submission)) == 1


def test_a_stop_whose_safety_answers_changed_meanwhile_is_not_stored_as_one(app: Flask) -> None:
    client = app.test_client()
    post_step(client, "safety", {**step_data("safety", BASE_ANSWERS), "rf_chest_breathing": "yes"})
    # That POST stopped the questionnaire. Another questionnaire, at the service: its draft
    # read as a stop, then its safety answers corrected in another tab before it is stored.
    key = token_hash("second-tab")
    with app.test_request_context("/screening/safety", method="POST"):
        session[service.DRAFT_KEY] = "second-tab"
        stopping = {**step_data("safety", BASE_ANSWERS), "rf_stroke_signs": "yes"}
        seen = service.save_step(None, "safety", stopping)
        assert seen is not None
        service.save_step(drafts.read(key), "safety", step_data("safety", BASE_ANSWERS))
        assert service.submit(seen, stop=True) is None
        assert drafts.read(key) is not None  # the draft stays, with the corrected answers
        assert db.session.scalar(select(func.count()).select_from(Submission)) == 1
