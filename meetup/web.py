"""What every page shares: security headers, error pages, language choice,
and the small helpers views use to turn domain errors into messages."""

import math
import time
from urllib.parse import urlsplit

from flask import abort, current_app, flash, g, has_request_context, render_template, request, session
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from meetup.database import INTEGER_MAX
from meetup.errors import DomainError
from meetup.extensions import db, limiter, login_manager

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def per_account() -> str:
    """The rate-limit key of actions a person takes: their account (else their address)."""
    return f"account:{current_user.id}" if current_user.is_authenticated else "address:" + get_remote_address()


def select_locale() -> str:
    """The user's setting, else this browser's choice, else Accept-Language."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # command line, mail worker: callers force a locale
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    if session.get("language") in languages:
        return session["language"]
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def apply_error(form, error: DomainError) -> None:
    """Show a service's refusal next to the field it concerns, else as a flash."""
    field = form._fields.get(error.field) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")


def fresh_session() -> None:
    """A new session, keeping only the language choice: a CSRF token (or
    anything else) issued before logging in or out does not carry over."""
    language = session.get("language")
    session.clear()
    if language is not None:
        session["language"] = language


def me():
    """The signed-in user for a service call: the User itself, not
    Flask-Login's proxy to it."""
    return current_user._get_current_object()


def no_store(response):
    """Keep pages with private details out of every cache."""
    response = current_app.make_response(response)
    response.headers["Cache-Control"] = "no-store"
    return response


def safe_next_url(target: str | None) -> str | None:
    """A same-site path to return to, or None (never an open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


class IdConverter(IntegerConverter):
    """``<int:…>`` in every route: an id or a count, so a number beyond what
    the columns hold is a plain 404 instead of a query the database refuses."""

    def __init__(self, map, fixed_digits=0, min=None, max=INTEGER_MAX, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def refuse_nul():
    """Before every request: PostgreSQL cannot hold NUL, so a path or query
    string carrying one is answered here, before a view passes it to a query.
    (A form field's gets a message next to it: meetup.forms.Form. Werkzeug
    decodes invalid UTF-8 without lone surrogates, so none ever arrives.)"""
    if "\x00" in request.path:
        abort(404)
    if any("\x00" in text for item in request.args.items(multi=True) for text in item):
        abort(400)


def add_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    # is_anonymous, not is_authenticated: it reads no column, so a user whose
    # row a service's commit expired is not loaded again just for this header.
    if not current_user.is_anonymous:
        headers.setdefault("Cache-Control", "private, no-cache")
    return response


ERROR_TEXT = {
    400: lambda: (
        _("Something in that request was not right"),
        _("The form may have expired. Go back, reload the page and try again."),
    ),
    403: lambda: (_("Not allowed"), _("You do not have access to this page.")),
    404: lambda: (_("Page not found"), _("There is nothing here, or it is not yours to see.")),
    405: lambda: (_("Not allowed"), _("This page cannot be used like that.")),
    413: lambda: (_("Too large"), _("What you sent is too large.")),
    500: lambda: (_("Something went wrong on our side"), _("Nothing was changed. Please try again in a moment.")),
}


def _retry_after_seconds() -> int:
    limit = getattr(limiter, "current_limit", None)
    if limit is not None:
        return max(1, math.ceil(limit.reset_at - time.time()))
    return 60


def handle_http_error(error: HTTPException):
    code = error.code or 500
    if code == 429:
        seconds = _retry_after_seconds()
        minutes = max(1, round(seconds / 60))
        title = _("Too many attempts")
        text = (
            _("For your safety this is paused. Try again in %(minutes)d minutes.", minutes=minutes)
            if minutes > 1
            else _("For your safety this is paused. Try again in a minute.")
        )
        response = current_app.make_response((render_template("error.html", code=code, title=title, text=text), 429))
        response.headers["Retry-After"] = str(seconds)
        return response
    title, text = ERROR_TEXT.get(code, ERROR_TEXT[400] if code < 500 else ERROR_TEXT[500])()
    return render_template("error.html", code=code, title=title, text=text), code


def handle_unexpected_error(error: Exception):
    current_app.logger.exception("Unhandled error", exc_info=error)
    # The failed transaction refuses every further statement until it is
    # rolled back, and the database may be gone altogether: the page is drawn
    # without it, for a visitor not loaded from it (the logged-out header).
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001  (the database is unreachable: the page is still shown)
        current_app.logger.exception("Rolling back after an unhandled error failed")
    g._login_user = login_manager.anonymous_user()  # what Flask-Login reads as current_user
    title, text = ERROR_TEXT[500]()
    return render_template("error.html", code=500, title=title, text=text), 500
