"""Another system fills our questionnaire: NLM's LHC-Forms (the ``lforms`` npm package, pinned
in package-lock.json) renders ``/fhir/Questionnaire/ims-screen`` on a page that is not the
app's, a person's answers go in through its widgets, and the ``QuestionnaireResponse`` it
writes is valid FHIR R4, mirrors the questionnaire and reads back, through
``answers_from_response``, into the same answers and so the same decision of the rules.

Every question is answered through the widgets, as a person would: each coded question (yes/no,
single or multi-select) by clicking its answers in LHC-Forms' autocomplete list, the pain score,
name, phone and comments typed, consent by clicking its "Yes".

The page (lforms_page.html) and the LHC-Forms files are served by Playwright at
``https://lforms.test``, an origin of its own: the page fetches the questionnaire from the app
cross-origin, which only the resource's ``Access-Control-Allow-Origin`` header allows.
"""

from __future__ import annotations

import json
import mimetypes
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from playwright.sync_api import Locator, Page, Route, expect

from app.fhir.reading import answers_from_response
from app.screening.catalogue import Kind
from app.screening.questions import CLINICAL_QUESTIONS, QUESTIONS
from app.screening.rules import evaluate
from tests.fhir import assert_conforms, validated

SHOTS = os.environ.get("IMS_SCREENSHOTS")
HERE = Path(__file__).parent
TEST_PAGE = HERE / "lforms_page.html"
LFORMS = (HERE / "node_modules" / "lforms" / "dist" / "lforms").resolve()
ORIGIN = "https://lforms.test"
PINNED = json.loads((HERE / "package.json").read_text())["dependencies"]["lforms"]

# A person with tennis elbow for more than a year, on a blood thinner, nervous of needles:
# no to every other yes/no question.
CLINICAL: dict[str, Any] = {
    **{qid: "no" for qid, q in CLINICAL_QUESTIONS.items() if q.kind is Kind.YES_NO},
    "pain_areas": ["elbow_forearm", "wrist_hand"],
    "pain_duration": "over_12_months",
    "pain_intensity": 6,
    "diagnoses": ["tennis_elbow"],
    "nerve_symptoms": ["burning"],
    "manual_therapy": "no_lasting_relief",
    "active_therapy": "not_tried",
    "needle_attitude": "nervous",
    "blood_thinners": "yes",
    "pregnant": "no",
    "age_band": "18_to_64",
}
CONTACT: dict[str, Any] = {
    "full_name": "Marie-Ève Tremblay",
    "phone": "613-555-0142",
    "contact_preference": "phone",
    "comments": "Evenings, please.\nNot Mondays.",
    "consent": "y",
}
EXPECTED = {**CLINICAL, **CONTACT}


def serve(route: Route) -> None:
    """The test page at ``/``, the LHC-Forms files under ``/lforms/``; nothing else."""
    path = urlsplit(route.request.url).path
    if path == "/":
        route.fulfill(path=TEST_PAGE, content_type="text/html; charset=utf-8")
        return
    if path.startswith("/lforms/"):
        file = (LFORMS / path.removeprefix("/lforms/")).resolve()
        if file.is_relative_to(LFORMS) and file.is_file():
            route.fulfill(path=file, content_type=mimetypes.guess_type(file.name)[0])
            return
    route.fulfill(status=404)


def field(page: Page, link_id: str) -> Locator:
    """The field LHC-Forms gives the answer to question ``link_id``."""
    return page.locator(f'[id="{link_id}/1/1"]')


def choose(page: Page, link_id: str, code: str) -> None:
    """Open the question's list of answers and click the one of ``code``, as a person does."""
    question = QUESTIONS[link_id]
    label = next(str(c.label) for c in question.choices if c.code == code)
    box = field(page, link_id)
    box.click()
    listed = page.locator("#lhc-tools-searchResults li")  # "1: Yes", "2: No"...
    listed.filter(has_text=re.compile(rf"^\d+:\s+{re.escape(label)}$")).click()
    if question.kind is Kind.MULTI:  # each answer chosen becomes a token before the field
        token = box.locator("xpath=..").get_by_role("button", name=f'"{label}" item remove')
        expect(token).to_be_visible()
    else:
        expect(box).to_have_value(label)


def fill_in(page: Page, answers: dict[str, Any]) -> None:
    """Answer every question of ``answers`` through LHC-Forms' widgets, in the form's order."""
    for link_id, question in QUESTIONS.items():
        value = answers.get(link_id)
        if value is None:
            continue
        if question.kind is Kind.MULTI:
            for code in value:
                choose(page, link_id, code)
            field(page, link_id).press("Escape")  # the list stays open for more: close it
            expect(page.locator("#lhc-tools-searchResults")).to_be_hidden()
        elif question.kind in (Kind.YES_NO, Kind.SINGLE):
            choose(page, link_id, value)
        elif question.kind is Kind.CONSENT:
            group = page.get_by_role("radiogroup", name=str(question.label))
            group.get_by_text("Yes", exact=True).click()
            expect(group.get_by_role("radio", name="Yes")).to_be_checked()
        else:  # the pain score, the name, phone, e-mail and comments: typed
            field(page, link_id).press_sequentially(str(value))


def test_lhc_forms_fills_our_questionnaire_into_a_response_we_read(
    page: Page, base_url: str
) -> None:
    assert (LFORMS / "webcomponent" / "main.js").is_file(), "run scripts/install-browser-deps"
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.route(f"{ORIGIN}/**", serve)
    # Chromium's Local Network Access: a page of a public origin may fetch from a loopback
    # address (the app here; a clinic's public host in real life) once the person allows it,
    # which only a secure context may ask (hence https; loopback is no mixed content).
    page.context.grant_permissions(["local-network-access"], origin=ORIGIN)
    source = f"{base_url}/fhir/Questionnaire/ims-screen"
    with page.expect_response(source) as fetched:
        page.goto(f"{ORIGIN}/?questionnaire={quote(source, safe='')}")
    assert fetched.value.headers["access-control-allow-origin"] == "*"
    rendered = page.evaluate("() => window.formReady")
    assert rendered["lformsVersion"] == PINNED  # not a stale node_modules
    questionnaire = rendered["questionnaire"]
    expect(page.locator("#form wc-lhc-form")).to_contain_text(questionnaire["title"])
    for link_id in QUESTIONS:  # every question has its row
        expect(page.locator(f'[id="item-{link_id}/1/1"]')).to_have_count(1)

    # LHC-Forms honours the pain score's minValue/maxValue extensions.
    score = field(page, "pain_intensity")
    score.press_sequentially("11")
    score.press("Tab")
    pain_row = page.locator('[id="item-pain_intensity/1/1"]')
    expect(pain_row).to_contain_text("must be a value less than or equal to 10")
    score.fill("")

    fill_in(page, EXPECTED)
    page.get_by_role("heading", name="IMS Screen in LHC-Forms").click()  # no row left active
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/lforms.png", full_page=True)

    response = page.evaluate(
        """() => LForms.Util.getFormFHIRData(
            "QuestionnaireResponse", "R4", document.getElementById("form"))"""
    )
    assert response["status"] == "completed"
    assert response["questionnaire"] == f"{questionnaire['url']}|{questionnaire['version']}"
    validated(response)
    assert_conforms(response, questionnaire)

    read = answers_from_response(response)
    assert read == EXPECTED
    decision = evaluate(read)
    assert decision == evaluate(EXPECTED)
    assert len(decision.reasons) >= 5  # several rules fire: the decision is not a trivial one
    assert problems == []
    assert {f"{urlsplit(url).scheme}://{urlsplit(url).netloc}" for url in requests} == {
        ORIGIN,
        base_url,
    }
