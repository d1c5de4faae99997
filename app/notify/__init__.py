"""Notifications: e-mails that tell staff something waits for them, and a patient's receipt.

No message carries health information: only that something is waiting, its reference and a
link to the staff page (sign-in required), or, for the patient, that the clinic received their
answers and when it will contact them.

- ``schedule``: when a message is due (at once, or with its recipient's digest), and the waits
  between retries. Pure.
- ``events``: the outbox rows for each event, written in the event's own transaction (a new
  enquiry) or by the sender for events that come with time (a follow-up falling due, an
  enquiry past the response target).
- ``mail``: the e-mails themselves (text and HTML, in the recipient's language) and the SMTP
  connection.
- ``sender``: claims due rows (each row by one sender only), sends, retries, gives up;
  ``flask notify run`` and ``flask notify send-once`` (``cli``).
- ``views``: each staff member's choice of how to hear, and the admin's view of the outbox.
"""
