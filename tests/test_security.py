"""The security baseline every page shares."""

import pytest

from meetup.web import safe_next_url
from tests.conftest import csrf_token
from tests.sweep_world import ROUTES, changed_tables, client_as, snapshot, url, world  # noqa: F401


def _sender(route) -> str:
    """Who sends the form: log-in and sign-up anonymously, everything else as its owner."""
    return "anonymous" if route.endpoint in ("accounts.login", "accounts.signup") else route.owner


def _refused(response) -> bool:
    return response.status_code == 400 and "Something in that request was not right" in response.get_data(as_text=True)


def _tampered(token: str) -> str:
    """The token with the first character of its signature changed. (Not the
    last: base64's final character carries padding bits, so some changes to
    it decode to the same signature.)"""
    payload, _, signature = token.rpartition(".")
    first = "B" if signature[0] == "A" else "A"
    return f"{payload}.{first}{signature[1:]}"


# POSTs that take no CSRF token, each with the reason.
CSRF_EXEMPT = {
    "accounts.unsubscribe": "RFC 8058 one-click: a mail client posts it with no cookie; the signed link is the key",
}


def _posted_routes():
    """The routes that take a POST, read from the blueprints (no app is built at collection time)."""
    from flask import Flask

    from meetup.app import _register_blueprints

    routes_only = Flask("routes-only")
    _register_blueprints(routes_only)
    posted = {rule.endpoint for rule in routes_only.url_map.iter_rules() if "POST" in rule.methods}
    return [route for route in ROUTES if route.endpoint in posted and route.endpoint not in CSRF_EXEMPT]


def test_every_route_that_takes_a_post_is_checked(app):
    assert {route.endpoint for route in _posted_routes()} | set(CSRF_EXEMPT) == {
        rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods
    }


def test_only_the_one_click_unsubscribe_link_goes_without_a_csrf_token(app):
    """The exempt endpoints are exactly those listed, with their reasons."""
    from meetup.extensions import csrf

    exempt = {
        endpoint
        for endpoint, view in app.view_functions.items()
        if f"{view.__module__}.{view.__name__}" in csrf._exempt_views
    }
    assert exempt == set(CSRF_EXEMPT) and not csrf._exempt_blueprints


@pytest.mark.parametrize("route", _posted_routes(), ids=lambda route: route.endpoint)
def test_every_post_needs_this_sessions_csrf_token(app, world, route):
    """As the owner of a real object, with an otherwise valid form: without
    this session's token the POST is refused and nothing changes; with it,
    the same POST goes through (so the token was the reason)."""
    client = client_as(app, world, _sender(route))
    path, body = url(app, route, world), route.body(world)
    own = csrf_token(client, "/")
    elsewhere = csrf_token(client_as(app, world, "member" if _sender(route) != "anonymous" else "anonymous"), "/")
    assert elsewhere != own
    before = snapshot()
    for token in (None, "", elsewhere, _tampered(own)):
        data = body if token is None else {**body, "csrf_token": token}
        response = client.post(path, data=data)
        assert _refused(response), f"POST {path} with token {token!r}: {response.status_code}"
        assert changed_tables(before, snapshot()) == {}, f"POST {path} with token {token!r} changed the database"
    response = client.post(path, data={**body, "csrf_token": own})
    assert response.status_code != 400 and response.status_code < 500, (
        f"POST {path} with its token: {response.status_code}"
    )


def test_every_response_carries_the_security_headers(client):
    for path in ("/", "/login", "/does-not-exist"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


def test_session_cookie_is_httponly_and_lax(client, auth, user):
    response = auth.login()
    session_cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie


def test_not_found_is_a_friendly_page(client):
    response = client.get("/nothing/here")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_an_unexpected_error_shows_a_friendly_500_without_a_traceback(make_app, database_url):
    app = make_app({"TESTING": True, "PROPAGATE_EXCEPTIONS": False, "SQLALCHEMY_DATABASE_URI": database_url})

    @app.get("/_test/explode")
    def explode():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/_test/explode")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong on our side" in body
    assert "secret internals" not in body and "Traceback" not in body


def test_templates_have_no_inline_script_or_style():
    from pathlib import Path

    for template in (Path(__file__).parent.parent / "templates").rglob("*.html"):
        text = template.read_text()
        assert "<script>" not in text and " style=" not in text and " onclick=" not in text, template


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/profile", "/profile"),
        ("/events?theme=x", "/events?theme=x"),
        ("https://evil.example/", None),
        ("//evil.example/", None),
        ("/\\evil.example", None),
        ("javascript:alert(1)", None),
        ("", None),
    ],
)
def test_safe_next_url_never_leaves_the_site(target, expected):
    assert safe_next_url(target) == expected
