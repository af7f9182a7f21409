"""Until a person confirms their address (仮登録), they cannot register
for an event: the service refuses, and the page says why instead of showing
the form."""

import pytest

from meetup.events.services.registration import EmailNotConfirmedError
from tests.conftest import csrf_token
from tests.events.helpers import mails


@pytest.fixture
def newcomer(make_user):
    return make_user(email="newcomer@example.com", confirmed_at=None)


def test_an_unconfirmed_person_is_refused_registration(event, newcomer, sign_up_for):
    with pytest.raises(EmailNotConfirmedError, match="confirm your email address"):
        sign_up_for(event, newcomer)
    assert mails(kind="registration-confirmed") == []


def test_once_confirmed_they_can_register(event, newcomer, sign_up_for, now):
    newcomer.email_confirmed_at = now
    assert sign_up_for(event, newcomer).status == "confirmed"


def test_the_registration_page_says_why_and_offers_the_link_again(client, auth, event, newcomer):
    auth.login(newcomer.email)
    page = client.get(f"/events/{event.id}/register").get_data(as_text=True)
    assert "Please confirm your email address newcomer@example.com first" in page
    assert 'name="goals"' not in page
    assert f'<input type="hidden" name="next" value="/events/{event.id}/register">' in page
    resent = client.post(
        "/profile/confirm-email/resend",
        data={"next": f"/events/{event.id}/register", "csrf_token": csrf_token(client, "/profile")},
    )
    assert resent.headers["Location"] == f"/events/{event.id}/register"
    assert mails(kind="account-confirm")[-1].body.count(f"next=/events/{event.id}/register") == 1


def test_a_registration_posted_anyway_is_refused_with_the_reason(client, auth, event, newcomer):
    auth.login(newcomer.email)
    token = csrf_token(client, "/profile")
    response = client.post(
        f"/events/{event.id}/register", data={"goals": ["learn"], "acknowledge": "y", "csrf_token": token}
    )
    assert response.status_code == 200
    assert "You can have it sent again" in response.get_data(as_text=True)
    assert mails(kind="registration-confirmed") == []
