"""Logging in and out, remember me, and the limits on guessing."""

import time

import pytest

from meetup.accounts import login_delays
from tests.conftest import PASSWORD, csrf_token


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
    data = {"email": "member@example.com", "password": PASSWORD, "csrf_token": csrf_token(client, "/login")}
    response = client.post("/login?next=https://evil.example/", data=data)
    assert response.headers["Location"] == "/home"  # unsafe next: the person's own home
    auth.logout()
    data["csrf_token"] = csrf_token(client, "/login")
    response = client.post("/login?next=/profile/edit", data=data)
    assert response.headers["Location"] == "/profile/edit"


def attempts(client, email, password, *, address, times=1) -> list:
    """``times`` log-ins from one address (one browser): their responses."""
    token = csrf_token(client, "/login")
    data = {"email": email, "password": password, "csrf_token": token}
    return [client.post("/login", data=data, environ_base={"REMOTE_ADDR": address}) for _ in range(times)]


def codes(responses) -> list[int]:
    return [response.status_code for response in responses]


@pytest.fixture
def config(app):
    """Change app settings for one test."""
    saved = dict(app.config)
    yield app.config
    app.config.clear()
    app.config.update(saved)


def test_one_address_guessing_one_account_is_paused_with_a_retry_time(app, client, config, user):
    config["LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS"] = "3 per 15 minutes"
    wrong = attempts(client, "member@example.com", "wrong password", address="10.0.0.1", times=4)
    assert codes(wrong) == [200, 200, 200, 429]
    assert "Try again in 15 minutes" in wrong[-1].get_data(as_text=True)
    assert int(wrong[-1].headers["Retry-After"]) > 0
    # That address waits even with the right password …
    assert codes(attempts(client, "member@example.com", PASSWORD, address="10.0.0.1")) == [429]
    # … but other accounts from it do not, and the owner elsewhere gets in.
    assert codes(attempts(client, "someone-else@example.com", "wrong password", address="10.0.0.1")) == [200]
    assert codes(attempts(app.test_client(), "member@example.com", PASSWORD, address="10.0.0.2")) == [302]


def test_waits_between_attempts_grow_and_never_exceed_the_maximum():
    waits = [login_delays.delay_after(n, free=5, maximum=30) for n in range(12)]
    assert waits == [0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 30, 30]
    assert login_delays.delay_after(10**9, free=5, maximum=30) == 30


def test_an_attacker_elsewhere_slows_guessing_but_cannot_lock_the_owner_out(app, config, user):
    config["LOGIN_DELAY_MAX_SECONDS"] = 1  # a short maximum, so the owner's wait fits in a test
    free = config["LOGIN_FAILURES_BEFORE_DELAY"]
    attacker = attempts(app.test_client(), "member@example.com", "wrong password", address="10.0.0.66", times=20)
    checked = [r for r in attacker if r.status_code == 200]
    assert len(checked) == free + 1, "only one more guess after the free ones, then a pause"
    assert all(r.status_code == 429 for r in attacker[free + 1 :])
    paused = attacker[free + 1].get_data(as_text=True)
    assert "paused for a moment" in paused and int(attacker[free + 1].headers["Retry-After"]) <= 1

    owner = app.test_client()
    for _ in range(3):
        [response] = attempts(owner, "member@example.com", PASSWORD, address="192.0.2.10")
        if response.status_code != 429:
            break
        wait = int(response.headers["Retry-After"])
        assert wait <= config["LOGIN_DELAY_MAX_SECONDS"]
        time.sleep(wait + 0.1)
    assert response.status_code == 302
    assert owner.get("/profile").status_code == 200


def test_a_venue_sharing_one_address_is_not_paused_as_a_whole(app, client, config, user):
    venue = "203.0.113.7"
    for n in range(40):  # forty guests at one venue mistype their passwords, twice each
        assert codes(attempts(client, f"guest{n}@example.com", "wrong password", address=venue, times=2)) == [200, 200]
    assert codes(attempts(app.test_client(), "member@example.com", PASSWORD, address=venue)) == [302]


def test_one_address_trying_many_accounts_is_stopped(app, client, config, user):
    config["LOGIN_LIMIT_PER_ADDRESS"] = "30 per 15 minutes"
    sprayed = [attempts(client, f"guess{n}@example.com", "wrong password", address="10.0.0.9")[0] for n in range(31)]
    assert codes(sprayed) == [200] * 30 + [429]
    # Another address is not affected.
    assert codes(attempts(app.test_client(), "member@example.com", PASSWORD, address="10.0.0.10")) == [302]


def test_successful_logins_do_not_count_against_the_limits(app, client, auth, config, user):
    config["LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS"] = "2 per 15 minutes"
    config["LOGIN_LIMIT_PER_ADDRESS"] = "2 per 15 minutes"
    config["LOGIN_FAILURES_BEFORE_DELAY"] = 2
    for _ in range(4):
        assert auth.login().status_code == 302
        auth.logout()


def test_a_successful_log_in_clears_the_accounts_failures(app, client, auth, config, user):
    free = config["LOGIN_FAILURES_BEFORE_DELAY"]
    assert codes(attempts(client, "member@example.com", "wrong password", address="10.0.0.1", times=free - 1)) == [
        200
    ] * (free - 1)
    assert auth.login().status_code == 302
    auth.logout()
    # The count starts again: the owner's next typos do not bring a pause.
    assert codes(attempts(client, "member@example.com", "wrong password", address="10.0.0.1", times=free - 1)) == [
        200
    ] * (free - 1)
