"""The application factory: configuration, extensions, blueprints, commands
and error pages, assembled in one place."""

import os
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.middleware.proxy_fix import ProxyFix

from meetup import config as config_module
from meetup.errors import NotFoundError
from meetup.extensions import babel, csrf, db, limiter, login_manager, migrate
from meetup.i18n import lazy_gettext as _l

ROOT = Path(__file__).resolve().parent.parent


def create_app(config=None) -> Flask:
    """Build the app. ``config`` is a config name, a config class or a mapping
    of overrides on top of the environment's config class."""
    app = Flask(
        "meetup",
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    _load_config(app, config)
    _init_database(app)
    _init_extensions(app)
    _register_blueprints(app)
    _register_error_pages(app)
    _register_commands(app)
    if app.config["PROXY_COUNT"]:
        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    return app


def warm_up(app: Flask) -> None:
    """Compile every template and load every language's catalogue now.

    gunicorn calls it in its master, after preloading the app and before it
    forks: a new or recycled worker inherits them, instead of its first
    request of each page waiting about 20 ms while it builds them (several
    such requests at once were the latency tail of benchmarks/LOAD.md)."""
    from flask_babel import force_locale, get_translations

    with app.app_context():
        for name in app.jinja_env.list_templates():
            app.jinja_env.get_template(name)
        for language in app.config["LANGUAGES"]:
            with force_locale(language):
                get_translations()


def _load_config(app: Flask, config) -> None:
    overrides = {}
    if isinstance(config, dict):
        # flaskr's test_config: overrides on top of the testing config.
        overrides = config
        config = "testing" if config.get("TESTING") else None
    cls = config if isinstance(config, type) else config_module.select(config)
    app.config.from_object(cls)
    app.config.update(overrides)
    if cls is config_module.ProductionConfig and not app.config.get("SECRET_KEY"):
        cls.check()
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        os.makedirs(app.instance_path, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(app.instance_path, "meetup.sqlite3")
    app.config["SQLALCHEMY_DATABASE_URI"] = config_module.normalise_database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # Row locks (meetup.database.lock_row) count on each statement seeing
        # what others committed before it: never the server's default, whatever it is.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **app.config["SQLALCHEMY_ENGINE_OPTIONS"],
            "isolation_level": "READ COMMITTED",
        }
    app.config.update(url_settings(app.config["BASE_URL"]))


def url_settings(base_url: str) -> dict:
    """Flask's settings for building absolute URLs, from ``BASE_URL``: with
    them ``url_for(..., _external=True)`` works outside a request (the mail
    worker, cron commands), as Flask documents. Since Flask 3.1 ``SERVER_NAME``
    does not restrict which host a request may come in on (no subdomain or
    host matching here), so the app still answers on any address it is served at."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise config_module.ConfigError(
            f"BASE_URL must be a full address such as https://meetup.example, not {base_url!r}."
        )
    return {
        "SERVER_NAME": parts.netloc,
        "PREFERRED_URL_SCHEME": parts.scheme,
        "APPLICATION_ROOT": parts.path.rstrip("/") or "/",
    }


def _init_database(app: Flask) -> None:
    import meetup.models  # noqa: F401  (register every table on the metadata)
    from meetup.database import configure_sqlite

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])


def _init_extensions(app: Flask) -> None:
    from meetup.accounts.services.login_sessions import load_login_session
    from meetup.timeutil import utcnow
    from meetup.web import add_security_headers, refuse_nul, select_locale

    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(lambda session_id: load_login_session(session_id, now=utcnow()))
    app.before_request(refuse_nul)
    app.after_request(add_security_headers)

    # Flask-Babel installs _(), gettext() and the rest (new-style, escaping
    # their variables in HTML) but not the locale itself: <html lang>, the
    # language switcher and the code of conduct's language read it.
    from flask_babel import get_locale

    app.jinja_env.globals["get_locale"] = get_locale


def _register_blueprints(app: Flask) -> None:
    from meetup.accounts.views import bp as accounts_bp
    from meetup.admin.views import bp as admin_bp
    from meetup.conduct.views import bp as conduct_bp
    from meetup.events.views import bp as events_bp
    from meetup.events.views.communities import bp as communities_bp
    from meetup.main.views import bp as main_bp
    from meetup.matching.views import bp as matching_bp
    from meetup.privacy.views import bp as privacy_bp
    from meetup.receipts.views import bp as receipts_bp
    from meetup.seating.views import bp as seating_bp
    from meetup.seating.views import depth_bp
    from meetup.web import IdConverter

    app.url_map.converters["int"] = IdConverter  # before any route names one
    app.register_blueprint(main_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(events_bp)
    app.register_blueprint(communities_bp)
    app.register_blueprint(seating_bp)
    app.register_blueprint(depth_bp)
    app.register_blueprint(conduct_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(matching_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(receipts_bp)


def _register_error_pages(app: Flask) -> None:
    from meetup.web import handle_http_error, handle_unexpected_error

    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(NotFoundError, lambda error: handle_http_error(NotFound()))
    app.register_error_handler(Exception, handle_unexpected_error)


def _register_commands(app: Flask) -> None:
    from meetup.commands import register

    register(app)
