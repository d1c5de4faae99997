"""The patient journey: start, five steps, check your answers, submit, result.

Views stay thin: validate a form, call the rules through the service, store, redirect
(Post/Redirect/Get). The blueprint is exempt from the global CSRF check because each form
checks its own token: a patient whose token expired then keeps every answer and is asked to
send the page again, instead of meeting a bare error page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, url_for
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_babel import format_date
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf

from app.codes import Channel
from app.database import begin_single_reads
from app.dates import response_due_at
from app.extensions import csrf, db
from app.ratelimit import limited
from app.screening import service
from app.screening.codes import StepId
from app.screening.drafts import DraftState
from app.screening.forms import FORMS, RECEIPT_FIELD, StepForm, answers_from, form_data
from app.screening.pages import register_page_cache, step_page
from app.screening.presenters import (
    answer_rows,
    clinic_details,
    field_errors,
    reason_sections,
)
from app.screening.questions import STEP_IDS, STEPS, STEPS_BY_ID

bp = Blueprint("screening", __name__)
csrf.exempt(bp)
STEP_CONVERTER = f"any({', '.join(STEP_IDS)})"


def _post_limit() -> str:
    return current_app.config["SCREENING_RATE_LIMIT"]


@bp.record_once
def _page_cache(state: BlueprintSetupState) -> None:
    register_page_cache(state.app)


@bp.app_context_processor
def _clinic() -> dict[str, Any]:
    return {"clinic": clinic_details()}


@bp.get("/")
def start() -> ResponseReturnValue:
    """What IMS is, what the questionnaire asks, how answers are kept, and a Start button."""
    return render_template("screening/start.html", resuming=service.draft_answers() is not None)


@bp.get("/screening")
def begin() -> ResponseReturnValue:
    """Begin, or resume at the first step not yet answered."""
    next_step = service.first_incomplete(service.draft_answers() or {})
    if next_step is None:
        return redirect(url_for(".check"))
    return redirect(url_for(".step", step_id=next_step))


STEP_RULE = f"/screening/<{STEP_CONVERTER}:step_id>"


def _ahead(step_id: str, answers: dict[str, Any]) -> str | None:
    """The first step left unanswered, when ``step_id`` comes after it (not reachable yet)."""
    reachable = service.first_incomplete(answers)
    if reachable is not None and STEP_IDS.index(step_id) > STEP_IDS.index(reachable):
        return reachable
    return None


@bp.get(STEP_RULE)
def step(step_id: str) -> ResponseReturnValue:
    """One step of the questionnaire, with the answers given so far."""
    shown = STEPS_BY_ID[step_id]
    receipt = False
    if shown.id is StepId.CONTACT:  # it shows the receipt choice too: the whole draft, one read
        draft = service.load_draft()
        answers, receipt = (draft.answers, draft.receipt_requested) if draft else ({}, False)
    else:
        answers = service.draft_answers() or {}
    if reachable := _ahead(step_id, answers):
        return redirect(url_for(".step", step_id=reachable))
    service.ensure_draft_token()

    def render(csrf_token: Callable[[], str]) -> str:  # only when the page is not kept
        data = form_data(shown, answers)
        if shown.id is StepId.CONTACT:
            data[RECEIPT_FIELD] = receipt
        return _render_step(FORMS[step_id](data=data), csrf_token)

    return step_page(shown, answers, render)


# The same address as ``step``: a view of its own, so that only the form is rate limited and a
# page costs no limit check.
@bp.post(STEP_RULE)
@limited(_post_limit)
def save_step(step_id: str) -> ResponseReturnValue:
    """A step's form: a valid one is saved and the patient moves on."""
    form = FORMS[step_id]()
    valid = form.validate()
    # Read without a lock; the save checks that nothing changed since (app.screening.drafts).
    draft = service.load_draft()
    if reachable := _ahead(step_id, draft.answers if draft else {}):
        return redirect(url_for(".step", step_id=reachable))
    # A copy of a POST that already ended the questionnaire (a double click, or a form sent
    # again after a safety stop) shows that result instead of starting another. Sending deletes
    # the draft in the same transaction, so only a browser without one can have sent.
    if draft is None and service.already_sent():
        return redirect(url_for(".result"))
    if not valid:
        return _render_step(form), 422
    receipt = bool(form[RECEIPT_FIELD].data) if RECEIPT_FIELD in form else False
    draft = service.save_step(draft, step_id, answers_from(form), receipt=receipt)
    if draft is None:  # another tab sent the questionnaire meanwhile
        return redirect(url_for(".result") if service.already_sent() else url_for(".begin"))
    if step_id == StepId.SAFETY and service.safety_stop(draft.answers):
        if service.submit(draft, stop=True) is None:  # changed meanwhile in another tab
            return redirect(url_for(".begin"))
        return redirect(url_for(".result"))
    next_step = service.first_incomplete(draft.answers)
    return redirect(url_for(".step", step_id=next_step) if next_step else url_for(".check"))


def _render_step(form: StepForm, csrf_token: Callable[[], str] = generate_csrf) -> str:
    """The step page of ``form``; its token from ``csrf_token`` (``app.screening.pages`` keeps
    pages with a placeholder there)."""
    step = form.step
    number = STEP_IDS.index(step.id) + 1
    back_url = url_for(".step", step_id=STEP_IDS[number - 2]) if number > 1 else url_for(".start")
    return render_template(
        "screening/step.html",
        form=form,
        step=step,
        number=number,
        total=len(STEPS),
        back_url=back_url,
        errors=field_errors(form),
        csrf_token=csrf_token,
    )


@bp.get("/screening/check")
def check() -> ResponseReturnValue:
    """Every answer, with a Change link on each, whether a receipt was asked for, and the
    button that sends them."""
    draft = service.load_draft()  # the answers and the receipt choice, in one read
    if draft is None or service.first_incomplete(draft.answers) is not None:
        return redirect(url_for(".begin"))
    return _render_check(FlaskForm(), draft)


def _render_check(form: FlaskForm, draft: DraftState) -> str:
    return render_template(
        "screening/check.html",
        form=form,
        sections=answer_rows(draft.answers),
        steps=STEPS,
        receipt=draft.receipt_requested,
    )


@bp.post("/screening/submit")
@limited(_post_limit)
def submit() -> ResponseReturnValue:
    """Store the submission once, however often this POST arrives, then show the result."""
    form = FlaskForm()
    valid = form.validate()
    draft = service.load_draft()  # as in ``save_step``
    if draft is None and service.already_sent():  # a copy of this POST
        return redirect(url_for(".result"))
    if draft is None or service.first_incomplete(draft.answers) is not None:
        return redirect(url_for(".begin"))
    if not valid:
        return _render_check(form, draft), 422
    if service.submit(draft) is None:  # changed or sent meanwhile in another tab
        return redirect(url_for(".begin"))
    return redirect(url_for(".result"))


@bp.get("/screening/result")
def result() -> ResponseReturnValue:
    """The outcome and its reasons, for the browser that sent the answers, for a limited time."""
    # Reads only: on SQLite no write lock that other patients' forms would wait for; on
    # PostgreSQL one round trip.
    begin_single_reads(db.session)
    submission = service.result_submission()
    if submission is None:
        abort(404)
    return render_template(
        "screening/result.html",
        submission=submission,
        reason_sections=reason_sections(submission.outcome, submission.reasons),
        # The clinic's promise: when it will make a first contact, and how.
        respond_by=format_date(response_due_at(submission.created_at), "full"),
        by_email=submission.contact_preference == Channel.EMAIL,
    )
