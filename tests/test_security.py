"""The security baseline every page shares."""

import pytest

from meetup.web import safe_next_url


def post_routes(app):
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods and not rule.endpoint.startswith("static"):
            values = {name: 1 for name in rule.arguments}
            yield rule.build(values, append_unknown=False)[1]


def test_every_post_without_a_csrf_token_is_refused(app, client, auth, user):
    auth.login()
    paths = list(post_routes(app))
    assert "/login" in paths and "/profile/password" in paths
    for path in paths:
        response = client.post(path, data={})
        assert response.status_code == 400, path
        assert "Something in that request was not right" in response.get_data(as_text=True)


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


@pytest.mark.parametrize("target, expected", [
    ("/profile", "/profile"),
    ("/events?theme=x", "/events?theme=x"),
    ("https://evil.example/", None),
    ("//evil.example/", None),
    ("/\\evil.example", None),
    ("javascript:alert(1)", None),
    ("", None),
])
def test_safe_next_url_never_leaves_the_site(target, expected):
    assert safe_next_url(target) == expected
