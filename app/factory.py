"""The application factory: configuration, logging, extensions, template globals, blueprints,
hardening, errors and commands, in that order (``app.create_app``)."""

from __future__ import annotations

from flask import Flask

from config import Config, config_from_environment


def create_app(config_class: type[Config] | None = None) -> Flask:
    """Build the application.

    Reads top to bottom as a table of contents: configuration, logging, extensions (database,
    language), template globals, blueprints, HTTP hardening, error pages, commands, and the
    check of the clinic's settings.

    Args:
        config_class: one of the classes in ``config``; by default the one named by the
            ``APP_ENV`` environment variable (production when unset).

    Returns:
        The configured Flask application.

    Raises:
        RuntimeError: the configuration is unsafe for its environment (e.g. production without
            a ``SECRET_KEY``).
    """
    config_class = config_class or config_from_environment()
    app = Flask("app", template_folder="../templates")  # the package: app/static, app/translations
    app.config.from_object(config_class)
    config_class.load(app)

    register_logging(app)
    register_extensions(app)
    register_templates(app)
    register_blueprints(app)
    register_hardening(app)
    register_errors(app)
    register_commands(app)
    check_settings(app)
    check_sealing(app)
    return app


def register_logging(app: Flask) -> None:
    """Structured JSON logs in production (first, so every request gets its id early)."""
    from app.logs import configure_logging

    configure_logging(app)


def register_extensions(app: Flask) -> None:
    """Attach the unbound extensions, the database engine settings and the language selector."""
    from app import models  # noqa: F401  (models register with the metadata)
    from app.database import configure_engine
    from app.extensions import babel, csrf, db, limiter, migrate
    from app.i18n import register_i18n, select_locale, select_timezone

    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    migrate.init_app(app, db, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    register_i18n(app)


def register_templates(app: Flask) -> None:
    """The codes every template compares with, by name (``Outcome.EMERGENCY``...)."""
    from app.templating import register_template_globals

    register_template_globals(app)


def register_blueprints(app: Flask) -> None:
    """Mount each feature."""
    from app.admin.views import bp as admin_bp
    from app.auth.views import bp as auth_bp
    from app.fhir.views import bp as fhir_bp
    from app.health import bp as health_bp
    from app.notify.views import bp as notify_bp
    from app.screening.views import bp as screening_bp
    from app.settings.views import bp as settings_bp
    from app.staff.views import bp as staff_bp
    from app.statistics.views import bp as statistics_bp

    app.register_blueprint(screening_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(staff_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(settings_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(notify_bp)
    app.register_blueprint(statistics_bp)
    app.register_blueprint(fhir_bp)


def register_hardening(app: Flask) -> None:
    """A body's limit however it is sent, proxy headers (when configured), a readable query
    string, security headers and caching rules."""
    from app.http import (
        register_body_limit,
        register_proxy_fix,
        register_query_encoding,
        register_security_headers,
    )

    register_body_limit(app)
    register_proxy_fix(app)
    register_query_encoding(app)  # last: the outermost layer, around the proxy fix too
    register_security_headers(app)


def register_errors(app: Flask) -> None:
    """Error pages in the site's style, never a stack trace."""
    from app.errors import register_error_pages

    register_error_pages(app)


def check_settings(app: Flask) -> None:
    """In production, a warning at start-up while the clinic's settings are unfinished."""
    from app.settings.store import warn_if_unfinished

    warn_if_unfinished(app)


def check_sealing(app: Flask) -> None:
    """The keys that seal staff members' TOTP secrets (refused if unusable or, in production,
    missing while sealed secrets are stored)."""
    from app.sealing import check

    check(app)


def register_commands(app: Flask) -> None:
    """Operator commands (``flask --app wsgi staff create ...``)."""
    from app.cli import register_cli

    register_cli(app)
