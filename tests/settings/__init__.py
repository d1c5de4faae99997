"""Tests of the clinic settings: their fields, the page, the settings in force on every worker,
the patient pages they feed, the first-run banner and the purge run from the page."""
