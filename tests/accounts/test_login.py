"""Logging in and out, remember me, and the limits on guessing."""

from tests.conftest import PASSWORD


def test_login_with_the_right_password_in_any_case(client, auth, user):
    response = auth.login(email="MEMBER@example.com")
    assert response.status_code == 302
    assert "Aiko Tanaka" in client.get("/profile").get_data(as_text=True)


def test_wrong_password_gets_a_message_and_no_session(client, auth, user):
    response = auth.login(password="wrong password")
    assert response.status_code == 200
    assert "do not match an account" in response.get_data(as_text=True)
    assert client.get("/profile").status_code == 302


def test_unknown_email_gets_the_same_message(client, auth):
    response = auth.login(email="nobody@example.com")
    assert "do not match an account" in response.get_data(as_text=True)


def test_logout_ends_the_session(client, auth, user):
    auth.login()
    auth.logout()
    response = client.get("/profile")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_logout_needs_a_post(client, auth, user):
    auth.login()
    assert client.get("/logout").status_code == 405
    assert client.get("/profile").status_code == 200


def test_remember_me_sets_an_httponly_lax_cookie(client, auth, user):
    response = auth.login(remember=True)
    cookies = response.headers.getlist("Set-Cookie")
    remember = next(c for c in cookies if c.startswith("remember_token="))
    assert "HttpOnly" in remember
    assert "SameSite=Lax" in remember


def test_remembered_login_survives_the_session_cookie(app, client, auth, user):
    auth.login(remember=True)
    client.delete_cookie("session")
    assert client.get("/profile").status_code == 200


def test_next_parameter_is_followed_only_within_the_site(client, auth, user):
    from tests.conftest import csrf_token

    data = {"email": "member@example.com", "password": PASSWORD, "csrf_token": csrf_token(client, "/login")}
    response = client.post("/login?next=https://evil.example/", data=data)
    assert response.headers["Location"] == "/"
    auth.logout()
    data["csrf_token"] = csrf_token(client, "/login")
    response = client.post("/login?next=/profile/edit", data=data)
    assert response.headers["Location"] == "/profile/edit"


def test_repeated_failures_on_one_account_are_paused_with_a_retry_time(app, client, auth, user):
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "3 per 15 minutes"
    try:
        for _ in range(3):
            assert auth.login(password="wrong password").status_code == 200
        response = auth.login(password="wrong password")
        assert response.status_code == 429
        body = response.get_data(as_text=True)
        assert "Try again in 15 minutes" in body
        assert int(response.headers["Retry-After"]) > 0
        # Even the right password waits: the pause protects the account.
        assert auth.login().status_code == 429
        # Another account from the same address is not affected.
        assert auth.login(email="someone-else@example.com").status_code == 200
    finally:
        app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "10 per 15 minutes"


def test_repeated_failures_from_one_address_are_paused(app, client, auth, user):
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "4 per 15 minutes"
    try:
        for n in range(4):
            auth.login(email=f"guess{n}@example.com")
        assert auth.login(email="guess-more@example.com").status_code == 429
    finally:
        app.config["LOGIN_LIMIT_PER_ADDRESS"] = "50 per 15 minutes"


def test_successful_logins_do_not_count_against_the_limit(app, client, auth, user):
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "2 per 15 minutes"
    try:
        for _ in range(4):
            assert auth.login().status_code == 302
            auth.logout()
    finally:
        app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "10 per 15 minutes"
