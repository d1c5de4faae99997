"""The FHIR resources as this app serves them: canonical URLs from its configuration, texts
from its catalogues, and the resources that never change made once and kept.

Needs an app context (and, while ``PUBLIC_URL`` is not set, a request: the address it came to).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import orjson
from flask import current_app, request
from flask_babel import force_locale, format_number, gettext

from app.fhir.canonical import DECISION, QUESTIONNAIRE, Canonical
from app.fhir.extension import decision_definition
from app.fhir.questionnaire import ENGLISH, code_systems, questionnaire
from app.fhir.response import Record, Vocabulary, response_json
from app.staff.forms import OUTCOME_LABELS


def canonical() -> Canonical:
    """The canonical URLs: under ``PUBLIC_URL`` (set it in production, so that they stay the
    same whatever address a request came to), else under the address of this request."""
    return Canonical.at(current_app.config["PUBLIC_URL"] or request.url_root)


def say(locale: str, text: Any, **values: Any) -> str:
    """``text`` in ``locale``: a catalogue message, with numbers in ``values`` written as
    that language writes them; or a label translated lazily (``lazy_gettext``)."""
    with force_locale(locale):
        if isinstance(text, str):
            return gettext(text, **{name: format_number(n) for name, n in values.items()})
        return str(text)


def published(kind: str, resource_id: str) -> bytes | None:
    """The JSON of a resource everyone may read (``Questionnaire/ims-screen``, our code systems,
    the decision extension's definition), or None when there is no such resource."""
    return _published(canonical().base).get(f"{kind}/{resource_id}")


@lru_cache(maxsize=4)
def _published(base: str) -> dict[str, bytes]:
    """Every public resource under ``base``, encoded once: they change only with a release."""
    under = Canonical(base)
    resources = {
        f"Questionnaire/{QUESTIONNAIRE}": questionnaire(under, say),
        f"StructureDefinition/{DECISION}": decision_definition(under),
    }
    systems = code_systems(under, say, OUTCOME_LABELS)
    resources |= {f"CodeSystem/{system_id}": cs for system_id, cs in systems.items()}
    return {path: orjson.dumps(resource) for path, resource in resources.items()}


def vocabulary() -> Vocabulary:
    """Every Coding a ``QuestionnaireResponse`` may hold, for this app's canonical URLs."""
    return _vocabulary(canonical().base)


@lru_cache(maxsize=4)
def _vocabulary(base: str) -> Vocabulary:
    words = {str(code): say(ENGLISH, label) for code, label in OUTCOME_LABELS.items()}
    return Vocabulary.make(Canonical(base), words)


def submission_json(submission: Any) -> bytes:
    """A stored submission as a ``QuestionnaireResponse``, in JSON."""
    return response_json(Record.of(submission), vocabulary())
