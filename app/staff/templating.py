"""What every staff template can use: the navigation's count of new enquiries, and the codes
in words (defined once, in ``app.staff.forms``)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from app.extensions import db
from app.models import StaffUser
from app.staff.forms import CHANNEL_LABELS, OUTCOME_LABELS, RESULT_LABELS, STATUS_LABELS
from app.staff.queries import COUNT_CAP, NEW_COUNT_MAX, View, new_since


def new_since_seen(staff: StaffUser) -> int:
    """For the staff navigation: the submissions that arrived since ``staff`` last opened the
    queue (or since their account was made), up to NEW_COUNT_MAX + 1."""
    return new_since(db.session, staff.queue_seen_at or staff.created_at)


def new_count_max() -> int:
    return NEW_COUNT_MAX


def labels() -> dict[str, Any]:
    """Outcome and status codes in words, for every staff template."""
    return {  # each word translated once a render, not once a row
        "outcome_labels": {code: str(label) for code, label in OUTCOME_LABELS.items()},
        "status_labels": {code: str(label) for code, label in STATUS_LABELS.items()},
        "channel_labels": CHANNEL_LABELS,
        "result_labels": RESULT_LABELS,
        "View": View,
        "COUNT_CAP": COUNT_CAP,
    }


def register_templating(bp: Blueprint) -> None:
    """Give the staff blueprint's templates (and the app's, for the navigation) these names."""
    bp.app_template_global()(new_since_seen)
    bp.app_template_global()(new_count_max)
    bp.context_processor(labels)
