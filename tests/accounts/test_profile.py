"""Profile, private contact details, password change and account deletion."""

from sqlalchemy import select

from meetup.accounts.models import ContactDetails, User
from meetup.extensions import db
from tests.conftest import PASSWORD, csrf_token


def post(client, path, **data):
    data["csrf_token"] = csrf_token(client, path)
    return client.post(path, data=data)


def test_profile_pages_need_a_login(client):
    for path in ("/profile", "/profile/edit", "/profile/contacts", "/profile/password", "/profile/delete"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/login?next=" in response.headers["Location"]


def test_edit_profile_saves_and_shows(client, auth, user):
    auth.login()
    response = post(
        client,
        "/profile/edit",
        display_name="Aiko T.",
        industry="other",
        industry_other="Florist",
        introduction="Flowers for offices.",
        language="ja",
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.display_name, user.industry, user.industry_other, user.language) == (
        "Aiko T.",
        "other",
        "Florist",
        "ja",
    )
    page = client.get("/profile").get_data(as_text=True)
    assert "Florist" in page and "Flowers for offices." in page


def test_edit_profile_refuses_bad_input_and_changes_nothing(client, auth, user):
    auth.login()
    response = post(client, "/profile/edit", display_name="", industry="nonsense", introduction="x", language="fr")
    assert response.status_code == 200
    db.session.refresh(user)
    assert user.display_name == "Aiko Tanaka"
    assert user.industry == "tax-accountant"


def test_contact_details_are_saved_with_their_switches_and_never_cached(client, auth, user):
    auth.login()
    response = post(
        client,
        "/profile/contacts",
        email="aiko@work.example",
        email_shared="y",
        phone="03-1234-5678",
        line_id="aiko_t",
        line_id_shared="y",
        website="https://aiko.example",
        other="",
    )
    assert response.status_code == 302
    contacts = db.session.get(ContactDetails, user.id)
    assert contacts.shared_with_matches() == {"email": "aiko@work.example", "line_id": "aiko_t"}
    page = client.get("/profile/contacts")
    assert page.headers["Cache-Control"] == "no-store"
    assert "03-1234-5678" in page.get_data(as_text=True)


def test_contact_details_are_not_on_the_profile_page(client, auth, user):
    auth.login()
    post(client, "/profile/contacts", phone="03-1234-5678", phone_shared="y", website="", email="")
    assert "03-1234-5678" not in client.get("/profile").get_data(as_text=True)


def test_contact_website_must_be_a_web_address(client, auth, user):
    auth.login()
    response = post(client, "/profile/contacts", website="javascript:alert(1)")
    assert "full web address" in response.get_data(as_text=True)
    assert db.session.get(ContactDetails, user.id).website == ""


def test_change_password_needs_the_current_one(client, auth, user):
    auth.login()
    response = post(client, "/profile/password", current_password="wrong one!", new_password="a new password")
    assert "not your current password" in response.get_data(as_text=True)
    auth.logout()
    assert auth.login().status_code == 302


def test_a_new_password_that_is_easy_to_guess_is_refused_and_the_old_one_stays(client, auth, user):
    auth.login()
    for weak in ("iloveyou", "aiko tanaka", "member@example.com"):
        response = post(client, "/profile/password", current_password=PASSWORD, new_password=weak)
        assert "too easy to guess" in response.get_data(as_text=True), weak
    auth.logout()
    assert auth.login().status_code == 302


def test_change_password_ends_every_other_session_including_copied_cookies(app, auth, user):
    here, elsewhere, remembered = app.test_client(), app.test_client(), app.test_client()
    from tests.conftest import Auth

    Auth(here).login()
    Auth(elsewhere).login()
    Auth(remembered).login(remember=True)
    stolen_cookie = remembered.get_cookie("remember_token").value
    remembered.delete_cookie("session")
    assert remembered.get("/profile").status_code == 200

    response = post(here, "/profile/password", current_password=PASSWORD, new_password="a brand new one")
    assert response.status_code == 302

    assert here.get("/profile").status_code == 200  # this session carries on
    assert elsewhere.get("/profile").status_code == 302
    thief = app.test_client()
    thief.set_cookie("remember_token", stolen_cookie)
    assert thief.get("/profile").status_code == 302
    assert Auth(app.test_client()).login(password="a brand new one").status_code == 302


def test_delete_account_removes_personal_data(client, auth, user):
    auth.login()
    post(client, "/profile/contacts", phone="03-1234-5678", phone_shared="y")
    refused = post(client, "/profile/delete", password="wrong password")
    assert "not your current password" in refused.get_data(as_text=True)
    assert db.session.get(User, user.id).email == "member@example.com"

    response = post(client, "/profile/delete", password=PASSWORD)
    assert response.status_code == 302
    db.session.expire_all()
    deleted = db.session.get(User, user.id)
    assert deleted.email is None
    assert deleted.display_name == "" and deleted.introduction == ""
    assert db.session.get(ContactDetails, user.id) is None
    assert client.get("/profile").status_code == 302
    assert auth.login().status_code == 200  # the old credentials are gone


def test_a_deleted_address_can_sign_up_again(client, auth, user, make_user):
    auth.login()
    post(client, "/profile/delete", password=PASSWORD)
    make_user(email="member@example.com")
    assert db.session.scalar(select(User).where(User.email == "member@example.com")).deleted_at is None
