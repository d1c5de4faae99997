"""The public FHIR resources: the questionnaire and its code systems, for any system to read.

They hold nothing personal and change only with a release, so other sites' pages may read them
and, once ``PUBLIC_URL`` fixes their canonical URLs, caches may keep them (without it, each
request's own address would be in them: a cache must not keep what a forged Host header made).
Each submission's ``QuestionnaireResponse`` is a staff download (``app.staff.views``), never
public.
"""

from __future__ import annotations

import orjson
from flask import Blueprint, Response, current_app, request
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


@bp.get("/StructureDefinition/<resource_id>")
def structure_definition(resource_id: str) -> ResponseReturnValue:
    """The definition of our extension (``screening-decision``)."""
    return _published("StructureDefinition", resource_id)


def _published(kind: str, resource_id: str) -> ResponseReturnValue:
    body = published(kind, resource_id)
    if body is None:
        return _not_found(kind, resource_id)
    response = Response(body, mimetype=FHIR_JSON)
    response.headers["Access-Control-Allow-Origin"] = "*"
    if current_app.config["PUBLIC_URL"]:
        response.cache_control.public = True  # which app.http leaves as it is
        response.cache_control.max_age = CACHE_SECONDS
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
    response = Response(orjson.dumps(outcome), status=404, mimetype=FHIR_JSON)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
