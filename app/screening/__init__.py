"""The patient side: the questionnaire catalogue and the rules (pure), the journey's forms,
views and storage.

Importing this package loads nothing else: ``app.screening.rules`` and the catalogue stay free
of Flask, WTForms and SQLAlchemy (tests/screening/test_purity.py).
"""
