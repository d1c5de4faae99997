"""The FHIR resources' names and canonical addresses, and the media types they travel in.

Canonical URLs are made from one base, the address the app is served at (``PUBLIC_URL``) with
``/fhir``: each resource's canonical URL (the questionnaire's, each code system's, the decision
extension's definition's) is also where the app serves it; the references' identifier system
is a name only. Pure: no Flask.
"""

from __future__ import annotations

from dataclasses import dataclass

FHIR_JSON = "application/fhir+json"
FHIR_NDJSON = "application/fhir+ndjson"

QUESTIONNAIRE = "ims-screen"
# The code systems, by id: the answers' codes, the outcomes, the rules (SPEC sections 3 and 4).
ANSWER_CODES = "ims-screen-answer"
OUTCOME_CODES = "ims-screen-outcome"
RULE_CODES = "ims-screen-rule"
CODE_SYSTEMS = (ANSWER_CODES, OUTCOME_CODES, RULE_CODES)
# The one extension of ours: the rules' decision on a QuestionnaireResponse.
DECISION = "screening-decision"

# Extensions of the FHIR core and of Structured Data Capture that the Questionnaire uses.
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
OPTION_EXCLUSIVE = "http://hl7.org/fhir/StructureDefinition/questionnaire-optionExclusive"

# The app's locales as FHIR writes languages (BCP 47).
LANGUAGES = {"en": "en", "fr_CA": "fr-CA"}


@dataclass(frozen=True, slots=True)
class Canonical:
    """The canonical URLs under one base, such as ``https://screen.example.org/fhir``."""

    base: str

    @classmethod
    def at(cls, public_url: str) -> Canonical:
        """The canonical URLs of an app served at ``public_url``."""
        return cls(public_url.rstrip("/") + "/fhir")

    @property
    def questionnaire(self) -> str:
        return f"{self.base}/Questionnaire/{QUESTIONNAIRE}"

    def code_system(self, system_id: str) -> str:
        return f"{self.base}/CodeSystem/{system_id}"

    @property
    def decision(self) -> str:
        """The decision extension's URL."""
        return f"{self.base}/StructureDefinition/{DECISION}"

    @property
    def references(self) -> str:
        """The system of the submissions' identifiers: their reference codes."""
        return f"{self.base}/submission-reference"
