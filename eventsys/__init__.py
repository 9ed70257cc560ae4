"""eventsys: collaboration workshops end to end: registration, QR check-in, certificates."""

from __future__ import annotations

import logging
import os
from typing import Any

from flask import Flask

from eventsys import config as config_module
from eventsys import security


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, error handlers, CLI."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    app = Flask(
        __name__,
        instance_path=os.environ.get("EVENTSYS_INSTANCE") or os.path.join(root, "instance"),
        instance_relative_config=True,
        template_folder=os.path.join(root, "templates"),
        static_folder=os.path.join(root, "static"),
    )
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(config_module.from_environ(dict(os.environ), app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)
        if "DATABASE_URL" in test_config:
            app.config["SQLALCHEMY_DATABASE_URI"] = config_module.normalise_database_url(
                test_config["DATABASE_URL"]
            )
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", os.path.join(root, "translations"))

    from eventsys.files import parse_store_setting

    app.config["FILE_STORE"] = parse_store_setting(str(app.config.get("FILE_STORE") or "local"))
    register_models()
    register_extensions(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_cli(app)
    security.init_app(app)  # headers, ProxyFix, upload and API limits (eventsys/security.py)
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO)
    return app


#: capabilities, one subpackage each; each may have models, views (``bp``), api (routes on
#: the API blueprint plus ``OPENAPI_PATHS``/``OPENAPI_SCHEMAS``), cli (``commands``), tasks
FEATURES = (
    "accounts",
    "events",
    "volunteers",
    "registration",
    "checkin",
    "certificates",
    "jobs",
    "privacy",
)


def feature_module(feature: str, name: str):
    """``eventsys.<feature>.<name>`` if that module exists, else None."""
    import importlib

    qualified = f"eventsys.{feature}.{name}"
    try:
        return importlib.import_module(qualified)
    except ModuleNotFoundError as error:
        if error.name != qualified:
            raise
        return None


def register_models() -> None:
    """Import every feature's models so the metadata (and Alembic) sees the whole schema."""
    from eventsys import audit, files  # noqa: F401

    for feature in FEATURES:
        feature_module(feature, "models")


def register_extensions(app: Flask) -> None:
    from eventsys import i18n, jobs
    from eventsys.accounts.models import User
    from eventsys.db import db, ping_idle_connections, remove_session
    from eventsys.extensions import babel, csrf, limiter, login_manager, migrate
    from eventsys.registration import tickets
    from eventsys.volunteers import crypto

    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            ping_idle_connections(engine)
    app.teardown_appcontext(remove_session)  # runs before Flask-SQLAlchemy's (teardowns run last first)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    i18n.init_app(app)
    crypto.init_app(app)
    jobs.init_app(app)
    tickets.init_app(app)

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None  # the log-in page explains itself
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(session_id: str) -> User | None:
        """The session's user, unless the cookie's session version is stale (see User.get_id)."""
        from eventsys.accounts.services import user_for_session

        return user_for_session(db.session, session_id)


def register_blueprints(app: Flask) -> None:
    from eventsys import api, site
    from eventsys.extensions import csrf

    app.register_blueprint(site.bp)
    for feature in FEATURES:
        views = feature_module(feature, "views")
        if views is not None:
            app.register_blueprint(views.bp)
        feature_module(feature, "api")  # adds its routes to api.bp
    # The API authenticates by bearer token; session callers are CSRF-checked in web.api_user.
    csrf.exempt(api.bp)
    app.register_blueprint(api.bp)


def register_error_handlers(app: Flask) -> None:
    from eventsys import web

    web.register_error_handlers(app)


def register_cli(app: Flask) -> None:
    from eventsys import cli

    cli.init_app(app)
    for feature in FEATURES:
        module = feature_module(feature, "cli")
        for command in getattr(module, "commands", ()):
            app.cli.add_command(command)
