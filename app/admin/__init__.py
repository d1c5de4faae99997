"""Administration: staff accounts and the audit log. Admins only."""

from flask import Blueprint

from app.auth.guard import guard_blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
guard_blueprint(bp)
