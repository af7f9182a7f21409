"""The app factory and its configuration."""

import pytest
import sqlalchemy as sa

from meetup.config import ConfigError, normalise_database_url
from meetup.extensions import db


def test_default_database_is_a_sqlite_file_under_instance(make_app, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("MEETUP_ENV", raising=False)
    app = make_app()
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    assert uri.startswith("sqlite:///") and uri.endswith("instance/meetup.sqlite3")


def test_database_url_selects_postgresql_with_psycopg3(make_app):
    app = make_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "postgres://u@db.example/meetup"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example/meetup"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_production_refuses_to_start_without_a_secret_key(make_app, monkeypatch):
    from meetup import config

    monkeypatch.setattr(config.ProductionConfig, "SECRET_KEY", None)
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        make_app("production")


def test_production_cookies_are_secure(make_app, monkeypatch):
    from meetup import config

    monkeypatch.setattr(config.ProductionConfig, "SECRET_KEY", "x" * 32)
    monkeypatch.setattr(config.ProductionConfig, "SQLALCHEMY_DATABASE_URI", "sqlite://")
    app = make_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(make_app, tmp_path):
    app = make_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/wal.sqlite3"})
    with app.app_context():
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_the_test_database_is_the_one_configured(app, database_url):
    assert (
        db.engine.url.render_as_string(hide_password=False).split("://")[0]
        == sa.make_url(normalise_database_url(database_url)).drivername
    )


def test_warm_up_compiles_every_template_and_loads_every_catalogue(make_app, database_url):
    """What gunicorn's master does before forking (deploy/gunicorn.conf.py):
    afterwards no template is read from disk again."""
    from meetup.app import warm_up
    from meetup.extensions import babel

    app = make_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url})
    warm_up(app)
    loader = app.jinja_env.loader
    names = loader.list_templates()
    assert len(names) > 40
    app.jinja_env.loader.get_source = lambda *args: pytest.fail(f"template read again: {args[-1]}")
    for name in names:
        app.jinja_env.get_template(name)
    assert {locale for locale, _ in babel.domain_instance.cache} >= set(app.config["LANGUAGES"])
