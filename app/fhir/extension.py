"""The one extension of ours, ``screening-decision``, and its ``StructureDefinition``.

A ``QuestionnaireResponse`` carries the rules' decision in it: the outcome (a Coding of our
outcome code system), every reason (a Coding of our rule code system, in the order the result
page lists them) and the rules version that decided. The definition is served at the
extension's URL, so that a validator can read what the extension may hold. Pure: no Flask.
"""

from __future__ import annotations

from typing import Any

from app.fhir.canonical import DECISION, OUTCOME_CODES, RULE_CODES, Canonical
from app.screening.rules import RULES_VERSION

# Its parts (sub-extensions), by their url: each part's value type and how many it holds.
OUTCOME_PART, REASON_PART, RULES_PART = "outcome", "reason", "rulesVersion"
PARTS: dict[str, tuple[str, int, str, str]] = {
    OUTCOME_PART: ("Coding", 1, "1", "The outcome the rules suggest"),
    REASON_PART: ("Coding", 0, "*", "A rule that fired, in the order the result page lists them"),
    RULES_PART: ("string", 1, "1", "The version of the rules that decided"),
}


def decision_definition(canonical: Canonical) -> dict[str, Any]:
    """The ``StructureDefinition`` of the decision extension (FHIR R4, a complex extension)."""
    elements: list[dict[str, Any]] = [
        {
            "id": "Extension",
            "path": "Extension",
            "short": "The screen's decision",
            "definition": "What the rules suggest for this response, and why.",
            "min": 0,
            "max": "1",
        },
        {
            "id": "Extension.extension",
            "path": "Extension.extension",
            "slicing": {"discriminator": [{"type": "value", "path": "url"}], "rules": "closed"},
        },
    ]
    for part, (value_type, least, most, short) in PARTS.items():
        at = f"Extension.extension:{part}"
        system = {OUTCOME_PART: OUTCOME_CODES, REASON_PART: RULE_CODES}.get(part)
        value: dict[str, Any] = {
            "id": f"{at}.value[x]",
            "path": "Extension.extension.value[x]",
            "type": [{"code": value_type}],
        }
        if system:
            value["short"] = f"A code of {canonical.code_system(system)}"
        elements += [
            {
                "id": at,
                "path": "Extension.extension",
                "sliceName": part,
                "short": short,
                "min": least,
                "max": most,
            },
            {"id": f"{at}.url", "path": "Extension.extension.url", "fixedUri": part},
            value,
        ]
    elements += [
        {"id": "Extension.url", "path": "Extension.url", "fixedUri": canonical.decision},
        {"id": "Extension.value[x]", "path": "Extension.value[x]", "max": "0"},
    ]
    return {
        "resourceType": "StructureDefinition",
        "id": DECISION,
        "url": canonical.decision,
        "version": RULES_VERSION,
        "name": "ScreeningDecision",
        "title": "IMS Screen decision",
        "status": "active",
        "description": "The outcome an IMS Screen questionnaire's rules suggest, its reasons, "
        "and the version of the rules that decided.",
        "fhirVersion": "4.0.1",
        "kind": "complex-type",
        "abstract": False,
        "context": [{"type": "element", "expression": "QuestionnaireResponse"}],
        "type": "Extension",
        "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Extension",
        "derivation": "constraint",
        "differential": {"element": elements},
    }
