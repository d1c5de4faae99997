"""The public FHIR resources: the questionnaire and its code systems, for any system to read.

They hold nothing personal and change only with a release, so they may be cached and read from
another site's pages. Each submission's ``QuestionnaireResponse`` is a staff download
(``app.staff.views``), never public.
"""

from __future__ import annotations

import orjson
from flask import Blueprint, Response, request
from flask.typing import ResponseReturnValue

from app.fhir.canonical import FHIR_JSON
from app.fhir.resources import published

bp = Blueprint("fhir", __name__, url_prefix="/fhir")
CACHE_SECONDS = 3600


@bp.get("/Questionnaire/<resource_id>")
def questionnaire(resource_id: str) -> ResponseReturnValue:
    """The questionnaire (``ims-screen``)."""
    return _published("Questionnaire", resource_id)


@bp.get("/CodeSystem/<resource_id>")
def code_system(resource_id: str) -> ResponseReturnValue:
    """One of our code systems: answers, outcomes, rules."""
    return _published("CodeSystem", resource_id)


def _published(kind: str, resource_id: str) -> ResponseReturnValue:
    body = published(kind, resource_id)
    if body is None:
        return _not_found(kind, resource_id)
    response = Response(body, mimetype=FHIR_JSON)
    response.cache_control.public = True  # app.http leaves a public response's caching alone
    response.cache_control.max_age = CACHE_SECONDS
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.add_etag()
    return response.make_conditional(request)


def _not_found(kind: str, resource_id: str) -> ResponseReturnValue:
    """A FHIR ``OperationOutcome``, as a FHIR client expects instead of a page."""
    outcome = {
        "resourceType": "OperationOutcome",
        "issue": [
            {
                "severity": "error",
                "code": "not-found",
                "diagnostics": f"No {kind} with this id.",
            }
        ],
    }
    return Response(orjson.dumps(outcome), status=404, mimetype=FHIR_JSON)
