"""Signing up: what a newcomer types, and what the app refuses."""

from sqlalchemy import func, select

from meetup.accounts.models import User
from meetup.extensions import db
from meetup.mail.models import OutboxMessage
from tests.conftest import PASSWORD, csrf_token


def signup(client, **overrides):
    data = {
        "email": "New.Person@Example.com ",
        "password": PASSWORD,
        "display_name": "新 太郎",
        "industry": "patent-attorney",
        "industry_other": "",
        "introduction": "Patents for small makers.",
        "language": "",
        "csrf_token": csrf_token(client, "/signup"),
    }
    data.update(overrides)
    return client.post("/signup", data=data)


def user_count():
    return db.session.scalar(select(func.count()).select_from(User))


def test_signup_creates_an_unconfirmed_account_with_a_normalised_email_and_asks_to_check_mail(client, auth):
    response = signup(client)
    assert response.headers["Location"] == "/signup/check-your-mail"
    assert "new.person@example.com" in client.get("/signup/check-your-mail").get_data(as_text=True)
    user = db.session.scalar(select(User))
    assert user.email == "new.person@example.com"
    assert user.email_confirmed_at is None
    assert user.display_name == "新 太郎"
    assert user.industry == "patent-attorney"
    auth.login("new.person@example.com")
    profile = client.get("/profile").get_data(as_text=True)
    assert "新 太郎" in profile
    assert "Patent attorney" in profile
    assert "Please confirm your email address" in profile


def test_password_is_stored_as_a_scrypt_hash(client):
    signup(client)
    user = db.session.scalar(select(User))
    assert PASSWORD not in user.password_hash
    assert user.password_hash.startswith("scrypt:")


def test_an_address_with_an_account_gets_the_same_answer_and_a_mail_instead_of_a_second_account(client, make_user):
    existing = make_user(email="taken@example.com")
    taken = signup(client, email="TAKEN@example.COM")
    new = signup(client, email="free@example.com")
    assert taken.status_code == new.status_code == 302
    assert taken.headers["Location"] == new.headers["Location"]
    assert user_count() == 2
    mail = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [(m.recipient_email, m.kind) for m in mail] == [
        ("taken@example.com", "account-exists"),
        ("free@example.com", "account-confirm"),
    ]
    assert mail[0].recipient_id == existing.id
    assert "You already have an account" in mail[0].subject
    assert "http://127.0.0.1:5000/password/forgot" in mail[0].body or "/password/forgot" in mail[0].body


def test_password_length_limits(client):
    too_short = signup(client, password="1234567")
    assert "8 to 128 characters" in too_short.get_data(as_text=True)
    too_long = signup(client, password="x" * 129)
    assert "8 to 128 characters" in too_long.get_data(as_text=True)
    assert user_count() == 0
    assert signup(client, password=("correct horse battery staple " * 5)[:128]).status_code == 302


def test_commonly_used_passwords_are_refused_with_the_reason(client):
    for password in ("password", "12345678", "qwertyui", "iloveyou", "Password1"):
        response = signup(client, password=password)
        assert response.status_code == 200
        assert "one of the most commonly used passwords" in response.get_data(as_text=True), password
    assert user_count() == 0


def test_passwords_made_of_your_own_name_or_email_or_the_site_are_refused(client):
    for password in ("new.person@example.com", "newperson", "shintaro1990", "meetup2026", "meetup-demo"):
        response = signup(client, display_name="Shintaro Arata", password=password)
        body = response.get_data(as_text=True)
        assert "your name, your email address or the name of this site" in body, password
    assert user_count() == 0


def test_keyboard_rows_sequences_and_repeats_are_refused_with_the_reason(client):
    reasons = {
        "qwertyuiop[]": "Keyboard patterns",
        "abcdefghijk": "Sequences such as",
        "aaaaaaaaaaaa": "Repeated characters",
    }
    for password, reason in reasons.items():
        assert reason in signup(client, password=password).get_data(as_text=True), password
    assert user_count() == 0


def test_the_reason_a_password_is_refused_is_given_in_japanese(client):
    client.post("/language", data={"language": "ja", "csrf_token": csrf_token(client, "/signup")})
    body = signup(client, password="iloveyou").get_data(as_text=True)
    assert "推測されやすい" in body and "よく使われている" in body
    assert user_count() == 0


def test_other_industry_needs_its_free_text(client):
    response = signup(client, industry="other", industry_other="  ")
    assert "Tell us your industry" in response.get_data(as_text=True)
    assert user_count() == 0
    assert signup(client, industry="other", industry_other="Florist").status_code == 302
    assert db.session.scalar(select(User)).industry_other == "Florist"


def test_unknown_industry_and_bad_email_change_nothing(client):
    response = signup(client, industry="astronaut", email="not-an-email")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter a valid email address" in body
    assert "Not a valid choice" in body or "Choose an industry" in body
    assert user_count() == 0


def test_oversized_fields_are_refused_with_a_message(client):
    response = signup(client, display_name="x" * 81, introduction="y" * 1001)
    body = response.get_data(as_text=True)
    assert "at most 80 characters" in body
    assert "At most 1000 characters" in body
    assert user_count() == 0


def test_signup_form_lists_professions_in_japanese(client):
    client.get("/", headers={"Accept-Language": "ja"})
    body = client.get("/signup", headers={"Accept-Language": "ja"}).get_data(as_text=True)
    for name in ("税理士", "司法書士", "行政書士", "社会保険労務士", "弁理士", "弁護士"):
        assert name in body


def test_signup_starts_from_the_language_in_use(client):
    page = client.get("/signup", headers={"Accept-Language": "ja"}).get_data(as_text=True)
    assert '<option selected value="ja">' in page or 'value="ja" selected' in page
