"""The questionnaire and its submissions as HL7 FHIR R4 resources (docs/interoperability.md).

``canonical``: the resources' names and addresses. ``questionnaire``: the ``Questionnaire`` and
the ``CodeSystem`` resources, built from the catalogue. ``response``: one submission as a
``QuestionnaireResponse``, and a ``QuestionnaireResponse`` read back into the rules' answers.
``bulk``: the filtered queue as NDJSON, streamed. ``views``: the public resources and the staff
downloads.
"""
