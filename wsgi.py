"""WSGI entry point for gunicorn: ``gunicorn wsgi:app``."""

from meetup import create_app

app = create_app()
