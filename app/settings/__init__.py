"""Clinic settings: what the clinic's administrators change on ``/admin/settings`` (its
details, booking link, response target, time zone, retention period and the texts patients
read about what happens next), stored in the database with their history, read once a request
at most (``store.current``), and the purge of old data run from the same page."""
