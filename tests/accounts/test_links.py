"""The signed links account mail carries: a password reset (one hour, once)
and an address confirmation (24 hours), and the answers that tell a
stranger nothing about which addresses have an account."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from meetup.accounts.models import LoginSession, User
from meetup.accounts.services import credentials, login_sessions, password_reset, signups
from meetup.errors import DomainError
from meetup.extensions import db
from meetup.mail import enqueue
from meetup.mail.models import OutboxMessage
from tests import clock
from tests.conftest import PASSWORD, csrf_token, link_in_mail

NEW_PASSWORD = "lantern orchard quietly"


def token_of(link: str) -> str:
    return link.split("?")[0].rsplit("/", 1)[1]


def mail_kinds() -> list[tuple[str, str]]:
    return [(m.recipient_email, m.kind) for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def reset_link(user) -> str:
    password_reset.request_password_reset(user.email)
    return link_in_mail(user.email, "password-reset")


@pytest.fixture
def newcomer(make_user):
    """Signed up, address not confirmed yet (the link is in the outbox)."""
    return make_user(email="newcomer@example.com", confirmed_at=None)


# Password reset


def test_a_reset_link_works_for_an_hour_and_not_a_minute_longer(user, now):
    token = token_of(reset_link(user))
    assert password_reset.user_for_reset(token, now=now + timedelta(minutes=59)) is user
    with pytest.raises(signups.LinkError):
        password_reset.user_for_reset(token, now=now + timedelta(minutes=61))
    with pytest.raises(signups.LinkError):
        password_reset.reset_password(token, new_password=NEW_PASSWORD, now=now + timedelta(minutes=61))
    assert credentials.authenticate(user.email, PASSWORD) is user


def test_a_reset_link_works_once(user, now):
    token = token_of(reset_link(user))
    password_reset.reset_password(token, new_password=NEW_PASSWORD, now=now)
    with pytest.raises(signups.LinkError, match="already used"):
        password_reset.reset_password(token, new_password="another fresh phrase here", now=now)
    assert credentials.authenticate(user.email, NEW_PASSWORD) is user


def test_a_reset_link_dies_when_the_password_is_changed_another_way(user, now):
    token = token_of(reset_link(user))
    credentials.change_password(user, current_password=PASSWORD, new_password=NEW_PASSWORD, keep_session=None)
    with pytest.raises(signups.LinkError):
        password_reset.user_for_reset(token, now=now)


def test_forged_and_other_purpose_links_are_refused(user, newcomer, now):
    token = token_of(reset_link(user))
    for bad in (token[:-2] + "xx", "nonsense", token_of(link_in_mail(newcomer.email, "account-confirm"))):
        with pytest.raises(signups.LinkError):
            password_reset.user_for_reset(bad, now=now)
    with pytest.raises(signups.LinkError):
        signups.read_confirmation(token, now=now)


def test_a_new_password_follows_the_sign_up_rules_and_a_refusal_leaves_the_link_working(user, now):
    token = token_of(reset_link(user))
    with pytest.raises(DomainError, match="most commonly used"):
        password_reset.reset_password(token, new_password="password1", now=now)
    assert password_reset.user_for_reset(token, now=now) is user
    assert credentials.authenticate(user.email, PASSWORD) is user


def test_setting_a_new_password_ends_every_log_in_session(user, now):
    login_sessions.start_login_session(user, now=now)
    login_sessions.start_login_session(user, now=now)
    password_reset.reset_password(token_of(reset_link(user)), new_password=NEW_PASSWORD, now=now)
    assert db.session.scalar(select(func.count()).select_from(LoginSession)) == 0


def test_following_a_reset_link_confirms_the_address_it_came_to(newcomer, now):
    password_reset.reset_password(token_of(reset_link(newcomer)), new_password=NEW_PASSWORD, now=now)
    assert newcomer.email_confirmed_at == now


def test_asking_for_a_reset_answers_the_same_for_an_unknown_address(client, user):
    def ask(email):
        return client.post("/password/forgot", data={"email": email, "csrf_token": csrf_token(client, "/login")})

    known, unknown = ask("Member@Example.com "), ask("nobody@example.com")
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"] == "/password/forgot/check-your-mail"
    assert mail_kinds() == [("member@example.com", "password-reset")]


def test_the_forgotten_password_page_is_linked_from_log_in_and_keeps_next(client):
    page = client.get("/login?next=/events/3/register").get_data(as_text=True)
    assert 'href="/password/forgot?next=/events/3/register"' in page
    assert "Forgot your password?" in page


def test_reset_through_the_pages_logs_in_ends_the_other_devices_and_returns_to_next(client, app, user):
    other_device = app.test_client()
    assert (
        other_device.post(
            "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_token(other_device, "/login")}
        ).status_code
        == 302
    )
    client.post(
        "/password/forgot?next=/events/",
        data={"email": user.email, "csrf_token": csrf_token(client, "/password/forgot")},
    )
    link = link_in_mail(user.email, "password-reset")
    page = client.get(link).get_data(as_text=True)
    assert 'autocomplete="new-password"' in page and user.email in page
    weak = client.post(link, data={"password": "iloveyou", "csrf_token": csrf_token(client, link)})
    assert "most commonly used" in weak.get_data(as_text=True)
    done = client.post(link, data={"password": NEW_PASSWORD, "csrf_token": csrf_token(client, link)})
    assert done.headers["Location"] == "/events/"
    assert client.get("/profile").status_code == 200
    assert other_device.get("/profile").status_code == 302  # logged out there
    again = client.get(link, follow_redirects=True).get_data(as_text=True)
    assert "expired or was already used" in again


def test_a_reset_link_opened_after_an_hour_says_so(client, user, now):
    link = reset_link(user)
    clock.move_to(now + timedelta(hours=1, minutes=1))
    page = client.get(link, follow_redirects=True).get_data(as_text=True)
    assert "expired or was already used" in page
    assert "Send me a link" in page


def test_reset_requests_are_limited_per_address_asked_about(client, user):
    token = csrf_token(client, "/password/forgot")
    answers = [
        client.post("/password/forgot", data={"email": user.email, "csrf_token": token}).status_code for _ in range(6)
    ]
    assert answers == [302] * 5 + [429]
    other = client.post("/password/forgot", data={"email": "someone@example.com", "csrf_token": token})
    assert other.status_code == 302


# Address confirmation


def test_sign_up_mails_a_confirmation_link_that_works_for_a_day(newcomer, now):
    assert newcomer.email_confirmed_at is None
    token = token_of(link_in_mail(newcomer.email, "account-confirm"))
    assert signups.read_confirmation(token, now=now + timedelta(hours=23)) == (newcomer, newcomer.email)
    with pytest.raises(signups.LinkError):
        signups.confirm_email(token, now=now + timedelta(hours=25))
    assert newcomer.email_confirmed_at is None
    signups.confirm_email(token, now=now + timedelta(hours=1))
    assert newcomer.email_confirmed_at == now + timedelta(hours=1)
    signups.confirm_email(token, now=now + timedelta(hours=2))  # again: nothing changes
    assert newcomer.email_confirmed_at == now + timedelta(hours=1)


def test_unconfirmed_people_get_account_mail_only(newcomer, user):
    assert enqueue(newcomer, "registration-promoted") is None
    assert enqueue(newcomer, "password-reset", reset_url="x") is not None
    assert enqueue(user, "account-exists", login_url="x", reset_url="y") is not None


def test_opening_the_link_asks_first_and_confirming_leads_to_log_in_and_on_to_next(client):
    client.post(
        "/signup?next=/events/7/register",
        data={
            "email": "new@example.com",
            "password": PASSWORD,
            "display_name": "New Person",
            "industry": "it",
            "language": "",
            "csrf_token": csrf_token(client, "/signup"),
        },
    )
    link = link_in_mail("new@example.com", "account-confirm")
    assert link.endswith("?next=/events/7/register")
    page = client.get(link).get_data(as_text=True)
    assert "Confirm my address" in page
    newcomer = db.session.scalar(select(User).where(User.email == "new@example.com"))
    assert newcomer.email_confirmed_at is None  # opening the link (a mail scanner may) changes nothing
    confirmed = client.post(link, data={"csrf_token": csrf_token(client, link)})
    assert confirmed.headers["Location"] == "/login?next=/events/7/register"
    assert newcomer.email_confirmed_at is not None
    logged_in = client.post(
        confirmed.headers["Location"],
        data={"email": "new@example.com", "password": PASSWORD, "csrf_token": csrf_token(client, "/login")},
    )
    assert logged_in.headers["Location"] == "/events/7/register"


def test_a_next_link_off_the_site_is_dropped_on_the_way(client):
    client.post(
        "/signup?next=https://evil.example/",
        data={
            "email": "new@example.com",
            "password": PASSWORD,
            "display_name": "New Person",
            "industry": "it",
            "language": "",
            "csrf_token": csrf_token(client, "/signup"),
        },
    )
    assert "next" not in link_in_mail("new@example.com", "account-confirm")


def test_a_confirmation_can_be_sent_again_from_the_profile(client, auth, newcomer):
    auth.login(newcomer.email)
    page = client.get("/profile").get_data(as_text=True)
    assert "Send the link again" in page
    client.post("/profile/confirm-email/resend", data={"csrf_token": csrf_token(client, "/profile")})
    assert mail_kinds() == [(newcomer.email, "account-confirm")] * 2


def test_the_same_answer_for_an_address_with_an_account_and_a_mail_that_says_so(user):
    assert signups.sign_up(email=user.email, password=PASSWORD, display_name="Someone", industry="it") is None
    assert db.session.scalar(select(func.count()).select_from(User)) == 1
    assert mail_kinds() == [(user.email, "account-exists")]
    body = db.session.scalar(select(OutboxMessage.body))
    assert "/login" in body and "/password/forgot" in body


# Changing the address


def test_the_address_changes_only_when_the_link_sent_to_the_new_one_is_followed(user, now):
    signups.request_email_change(user, new_email=" New@Example.com", password=PASSWORD)
    assert user.email == "member@example.com"
    assert mail_kinds() == [("new@example.com", "account-confirm")]
    message = db.session.scalar(select(OutboxMessage))
    assert message.recipient_id == user.id and "new email address" in message.subject
    signups.confirm_email(token_of(link_in_mail("new@example.com", "account-confirm")), now=now)
    assert user.email == "new@example.com" and user.email_confirmed_at == now
    assert credentials.authenticate("new@example.com", PASSWORD) is user


def test_an_address_change_needs_the_password_and_a_new_address(user):
    with pytest.raises(credentials.WrongPasswordError):
        signups.request_email_change(user, new_email="new@example.com", password="wrong password")
    with pytest.raises(DomainError, match="already"):
        signups.request_email_change(user, new_email="MEMBER@example.com", password=PASSWORD)
    assert mail_kinds() == []


def test_moving_to_an_address_with_an_account_tells_that_address_and_changes_nothing(user, make_user):
    other = make_user(email="other@example.com")
    signups.request_email_change(user, new_email=other.email, password=PASSWORD)
    assert mail_kinds() == [("other@example.com", "account-exists")]
    assert user.email == "member@example.com"


def test_an_older_change_link_dies_once_the_address_changed(user, now):
    signups.request_email_change(user, new_email="first@example.com", password=PASSWORD)
    signups.request_email_change(user, new_email="second@example.com", password=PASSWORD)
    first = token_of(link_in_mail("first@example.com", "account-confirm"))
    signups.confirm_email(token_of(link_in_mail("second@example.com", "account-confirm")), now=now)
    with pytest.raises(signups.LinkError):
        signups.confirm_email(first, now=now)
    assert user.email == "second@example.com"


def test_changing_the_address_through_the_profile(client, auth, user):
    auth.login()
    assert 'href="/profile/email"' in client.get("/profile").get_data(as_text=True)
    wrong = client.post(
        "/profile/email",
        data={"email": "new@example.com", "password": "nope", "csrf_token": csrf_token(client, "/profile/email")},
    )
    assert "not your current password" in wrong.get_data(as_text=True)
    sent = client.post(
        "/profile/email",
        data={"email": "new@example.com", "password": PASSWORD, "csrf_token": csrf_token(client, "/profile/email")},
        follow_redirects=True,
    )
    assert "We sent a link to new@example.com" in sent.get_data(as_text=True)
    assert user.email == "member@example.com"


# Forms


def test_log_in_and_sign_up_fields_say_what_a_browser_may_fill_in(client):
    login = client.get("/login").get_data(as_text=True)
    assert 'autocomplete="email"' in login and 'autocomplete="current-password"' in login
    signup = client.get("/signup").get_data(as_text=True)
    for kind in ("email", "new-password", "name"):
        assert f'autocomplete="{kind}"' in signup
