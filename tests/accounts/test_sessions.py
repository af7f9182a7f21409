"""Log-in sessions: logging out ends one for good (copied cookies included)
without touching the person's other devices, and nothing issued before
logging in (the CSRF token) is valid after it."""

from datetime import datetime, timedelta

from meetup.accounts.models import LoginSession
from meetup.accounts.services import credentials, login_sessions, password_reset
from meetup.extensions import db
from tests.conftest import PASSWORD, Auth, csrf_token, link_in_mail

NOW = datetime(2026, 12, 1, 10, 0)


def logged_in(app, remember=False):
    client = app.test_client()
    assert Auth(client).login(remember=remember).status_code == 302
    return client


def replay(app, **cookies):
    """A new browser holding copies of another one's cookies."""
    thief = app.test_client()
    for name, value in cookies.items():
        thief.set_cookie(name, value)
    return thief


def test_a_session_cookie_copied_before_logging_out_is_refused_after_it(app, user):
    client = logged_in(app)
    copied = client.get_cookie("session").value
    assert replay(app, session=copied).get("/profile").status_code == 200  # the copy worked until now
    Auth(client).logout()
    response = replay(app, session=copied).get("/profile")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_remember_cookie_copied_before_logging_out_is_refused_after_it(app, user):
    client = logged_in(app, remember=True)
    copied = client.get_cookie("remember_token").value
    assert replay(app, remember_token=copied).get("/profile").status_code == 200
    Auth(client).logout()
    assert client.get_cookie("remember_token") is None  # the browser is told to drop it
    assert replay(app, remember_token=copied).get("/profile").status_code == 302


def test_logging_out_on_one_device_keeps_the_others_logged_in(app, user):
    phone, laptop = logged_in(app), logged_in(app, remember=True)
    Auth(phone).logout()
    assert phone.get("/profile").status_code == 302
    assert laptop.get("/profile").status_code == 200


def test_deleting_the_account_ends_every_session(app, user):
    here, elsewhere = logged_in(app), logged_in(app, remember=True)
    copied = elsewhere.get_cookie("remember_token").value
    response = here.post(
        "/profile/delete", data={"password": PASSWORD, "csrf_token": csrf_token(here, "/profile/delete")}
    )
    assert response.status_code == 302
    assert elsewhere.get("/profile").status_code == 302
    assert replay(app, remember_token=copied).get("/profile").status_code == 302
    assert db.session.query(LoginSession).filter_by(user_id=user.id).count() == 0


def test_the_csrf_token_from_before_logging_in_is_refused_after_it(app, client, user):
    before = csrf_token(client, "/login")
    response = client.post("/login", data={"email": "member@example.com", "password": PASSWORD, "csrf_token": before})
    assert response.status_code == 302
    refused = client.post("/profile/contacts", data={"phone": "03-1111-2222", "csrf_token": before})
    assert refused.status_code == 400
    after = csrf_token(client, "/profile/contacts")
    assert after != before
    assert client.post("/profile/contacts", data={"phone": "03-1111-2222", "csrf_token": after}).status_code == 302


def test_setting_a_new_password_through_a_reset_link_also_starts_with_a_new_csrf_token(client, user):
    password_reset.request_password_reset(user.email)
    link = link_in_mail(user.email, "password-reset")
    before = csrf_token(client, link)
    response = client.post(link, data={"password": "a brand new phrase", "csrf_token": before})
    assert response.status_code == 302
    assert credentials.authenticate(user.email, "a brand new phrase") is user
    assert client.post("/profile/contacts", data={"phone": "03", "csrf_token": before}).status_code == 400


def test_the_chosen_language_survives_logging_in_and_out(client, auth, user):
    client.post("/language", data={"language": "ja", "csrf_token": csrf_token(client, "/login")})
    auth.login()
    auth.logout()
    assert 'lang="ja"' in client.get("/").get_data(as_text=True)


def test_a_log_in_lasts_as_long_as_its_remember_cookie(app, user):
    session_id = login_sessions.start_login_session(user, now=NOW)
    lifetime = timedelta(seconds=app.config["REMEMBER_COOKIE_DURATION"])
    assert login_sessions.load_login_session(session_id, now=NOW + lifetime - timedelta(seconds=1)) == user
    assert login_sessions.load_login_session(session_id, now=NOW + lifetime) is None


def test_expired_log_ins_are_cleared_when_the_person_logs_in_again(app, user, make_user):
    other = make_user()
    old, others_old = (login_sessions.start_login_session(u, now=NOW) for u in (user, other))
    later = NOW + timedelta(days=60)
    current = login_sessions.start_login_session(user, now=later)
    assert db.session.get(LoginSession, old) is None
    assert db.session.get(LoginSession, current) is not None
    assert db.session.get(LoginSession, others_old) is not None  # only this person's


def test_an_id_in_the_old_cookie_format_logs_no_one_in(app, user):
    """Cookies from before login_sessions carried "user id:token": they log out once."""
    login_sessions.start_login_session(user, now=NOW)
    assert login_sessions.load_login_session(f"{user.id}:old-token", now=NOW) is None
