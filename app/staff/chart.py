"""A submission's copy for the patient's chart: the same record as the workspace shows, laid
out for paper. ``templates/staff/chart.html`` is the print view (at most two Letter pages, all
the answers) and, with the summary, the reasons, the start of the comments and the latest
history but not the answers themselves, the one-page PDF made here with WeasyPrint (fonts:
DejaVu Sans, installed by scripts/install-pdf-deps)."""

from __future__ import annotations

from pathlib import Path

from flask import render_template
from flask_babel import gettext
from weasyprint import CSS, HTML

from app.models import Submission
from app.staff.presenters import record_context

# The latest history entries a copy shows (the rest are counted): keeps the print view within
# two pages and the PDF within one, however busy the record.
HISTORY_PRINTED = 8
HISTORY_IN_PDF = 3
COMMENTS_IN_PDF = 300  # characters of the patient's comments (up to 1,000) the PDF shows


def chart_html(submission: Submission, printed_by: str, *, full: bool) -> str:
    """The chart copy of ``submission`` as HTML; ``full``: with every answer (the print view),
    else within one page (the PDF)."""
    return render_template(
        "staff/chart.html",
        **record_context(submission),
        printed_by=printed_by,
        full=full,
        history_max=HISTORY_PRINTED if full else HISTORY_IN_PDF,
        comments_in_pdf=COMMENTS_IN_PDF,
    )


STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "chart.css"


def chart_pdf(submission: Submission, printed_by: str) -> bytes:
    """The one-page PDF of ``submission``'s chart copy, with its reference, a confidentiality
    line and the page number in the foot of the page."""
    confidential = gettext("Confidential health information")
    footer = f"{submission.reference} · {confidential}"
    page = f'@page {{ @bottom-center {{ content: "{_css_string(footer)}" " · " counter(page) '
    page += '" / " counter(pages); font: 7.5pt "DejaVu Sans", sans-serif; color: #444; } }'
    stylesheets = [CSS(filename=str(STYLESHEET)), CSS(string=page)]
    return HTML(string=chart_html(submission, printed_by, full=False)).write_pdf(
        stylesheets=stylesheets
    )


def _css_string(text: str) -> str:
    """``text`` inside a CSS string in double quotes: its backslashes and quotes escaped."""
    return text.replace("\\", "\\\\").replace('"', '\\"')


def pdf_filename(reference: str) -> str:
    """The PDF's name: the submission's reference, which holds nothing about the patient."""
    return f"ims-screen-{reference}.pdf"
