"""Signing up: what a newcomer types, and what the app refuses."""

from sqlalchemy import func, select

from meetup.accounts.models import User
from meetup.extensions import db
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


def test_signup_creates_a_logged_in_account_with_a_normalised_email(client):
    response = signup(client)
    assert response.status_code == 302
    user = db.session.scalar(select(User))
    assert user.email == "new.person@example.com"
    assert user.display_name == "新 太郎"
    assert user.industry == "patent-attorney"
    profile = client.get("/profile").get_data(as_text=True)
    assert "新 太郎" in profile
    assert "Patent attorney" in profile


def test_password_is_stored_as_a_scrypt_hash(client):
    signup(client)
    user = db.session.scalar(select(User))
    assert PASSWORD not in user.password_hash
    assert user.password_hash.startswith("scrypt:")


def test_the_same_email_in_other_case_is_refused(client, make_user):
    make_user(email="taken@example.com")
    response = signup(client, email="TAKEN@example.COM")
    assert response.status_code == 200
    assert "already exists" in response.get_data(as_text=True)
    assert user_count() == 1


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
