"""The staff workspace: the review queue, submission pages, follow-up and export."""

from flask import Blueprint

from app.auth.guard import guard_blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff")
guard_blueprint(bp)
