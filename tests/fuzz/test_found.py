"""What the fuzzer found, pinned down as plain examples: control characters
are refused in the reader's language (PostgreSQL refused NUL with a 500),
HTML is shown escaped, a checked-in attendee can still cancel or delete
their account, and absurd years get a message instead of a 500."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from meetup.accounts.models import User
from meetup.events.models import CANCELLED, Event
from meetup.events.services.checkin import check_in
from meetup.extensions import db
from tests.conftest import PASSWORD, csrf_token
from tests.events.conftest import event, host, make_event, sign_up_for  # noqa: F401  (fixtures)
from tests.fuzz.test_forms import EVENT

SCRIPT = "<script>alert(1)</script>"
REFUSED = {
    "en": "Remove the control characters (such as line breaks or invisible codes) from this text.",
    "ja": "制御文字（改行や目に見えないコードなど）を取り除いてください。",
}


def post(client, path, data):
    return client.post(path, data={"csrf_token": csrf_token(client, path), **data})


def profile(name, introduction="", industry="it"):
    return {"display_name": name, "industry": industry, "industry_other": "", "introduction": introduction,
            "language": ""}


@pytest.mark.parametrize("language", ["en", "ja"])
@pytest.mark.parametrize("field, value", [
    ("display_name", "Aiko\x00"), ("display_name", "Ai\r\nko"), ("display_name", "\x1b[31mAiko"),
    ("introduction", "Hello\x00"), ("introduction", "\x07bell"),
])
def test_control_characters_are_refused_in_the_readers_language_and_change_nothing(
        client, auth, user, language, field, value):
    user.language = language
    db.session.commit()
    auth.login()
    response = post(client, "/profile/edit", {**profile("Aiko Tanaka"), field: value})
    assert response.status_code == 200
    assert REFUSED[language] in response.get_data(as_text=True)
    db.session.refresh(user)
    assert (user.display_name, user.introduction) == ("Aiko Tanaka", "")


def test_a_paragraph_keeps_its_line_breaks_and_tabs(client, auth, user):
    auth.login()
    response = post(client, "/profile/edit", profile("Aiko Tanaka", introduction="税理士です。\r\n\tよろしく"))
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.introduction.splitlines() == ["税理士です。", "\tよろしく"]


def test_html_in_a_name_and_an_event_title_is_shown_escaped(client, auth, user):
    auth.login()
    assert post(client, "/profile/edit", profile(SCRIPT)).status_code == 302
    page = client.get("/profile").get_data(as_text=True)
    assert SCRIPT not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page

    response = post(client, "/events/new", {**EVENT, "title": SCRIPT, "goals": "learn"})
    assert response.status_code == 302
    dashboard = client.get(response.headers["Location"]).get_data(as_text=True)
    assert SCRIPT not in dashboard and "&lt;script&gt;alert(1)&lt;/script&gt;" in dashboard


@pytest.mark.parametrize("when", ["0001-01-01T00:00", "9999-12-31T23:59"])
def test_a_date_in_an_absurd_year_gets_a_message_and_creates_nothing(client, auth, user, when):
    auth.login()
    response = post(client, "/events/new", {**EVENT, "starts_at": when, "goals": "learn"})
    assert response.status_code == 200
    assert "Enter a date between the years 1900 and 2999." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0


@pytest.fixture
def checked_in(make_event, host, user, now, sign_up_for):
    """``user`` checked in at the door of an evening starting in two hours."""
    tonight = make_event(starts_at=now + timedelta(hours=2), ends_at=now + timedelta(hours=4))
    registration = sign_up_for(tonight, user)
    check_in(host, tonight.id, registration.id, now=now)
    return registration


def test_a_checked_in_attendee_who_leaves_before_the_start_can_cancel(client, auth, checked_in):
    auth.login()
    response = post(client, f"/events/{checked_in.event_id}/cancel-registration", {})
    assert response.status_code == 302
    db.session.refresh(checked_in)
    assert (checked_in.status, checked_in.checked_in_at) == (CANCELLED, None)


def test_a_checked_in_attendee_can_delete_their_account(client, auth, user, checked_in):
    auth.login()
    response = post(client, "/profile/delete", {"password": PASSWORD})
    assert response.status_code == 302
    assert db.session.scalar(select(User).where(User.email == "member@example.com")) is None
