"""The questionnaire and its submissions as HL7 FHIR R4 resources (docs/interoperability.md).

``canonical``: the resources' names and addresses. ``questionnaire``: the ``Questionnaire`` and
the ``CodeSystem`` resources, built from the catalogue. ``response``: one submission as a
``QuestionnaireResponse``. ``reading``: a ``QuestionnaireResponse`` read back into the rules'
answers. ``bulk``: the filtered queue as NDJSON, streamed. ``resources``: all of them as this
app serves them. ``views``: the public resources (the staff downloads are ``app.staff``'s).
"""
