"""What the fuzzer found, pinned down as plain examples: control characters
are refused in the reader's language (PostgreSQL refused NUL with a 500),
HTML is shown escaped, a checked-in attendee can still cancel or delete
their account, absurd years get a message instead of a 500, ids beyond what
the columns hold and NUL in a path or query string are refused before they
reach the database, and a form with a field left out is read as if it were
empty."""

import sys
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from wtforms import IntegerField, SelectMultipleField

from meetup.accounts.models import User
from meetup.accounts.services import settings
from meetup.events import goals
from meetup.events.models import CONFIRMED, Event
from meetup.events.services.checkin import check_in
from meetup.extensions import db
from meetup.forms import Form, has_control_characters
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
    return {
        "display_name": name,
        "industry": industry,
        "industry_other": "",
        "introduction": introduction,
        "language": "",
    }


@pytest.mark.parametrize("language", ["en", "ja"])
@pytest.mark.parametrize(
    "field, value",
    [
        ("display_name", "Aiko\x00"),
        ("display_name", "Ai\r\nko"),
        ("display_name", "\x1b[31mAiko"),
        ("display_name", "Aiko\u2028Bcc: x"),
        ("display_name", "Aiko\u2029"),
        ("introduction", "Hello\x00"),
        ("introduction", "\x07bell"),
        ("introduction", "Hello\u2028there"),
    ],
)
def test_control_characters_are_refused_in_the_readers_language_and_change_nothing(
    client, auth, user, language, field, value
):
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


LINE_BREAKS = [ch for ch in map(chr, range(sys.maxunicode + 1)) if len(f"a{ch}b".splitlines()) == 2]


def test_every_line_break_is_refused_but_a_paragraphs_own():
    """Everything str.splitlines() breaks at (U+2028, U+2029, NEL… besides
    CR and LF) would break a mail header: no text field takes it."""
    assert {"\u2028", "\u2029", "\x85", "\n"} < set(LINE_BREAKS)
    assert all(has_control_characters(f"a{ch}b") for ch in LINE_BREAKS)
    assert [ch for ch in LINE_BREAKS if not has_control_characters(f"a{ch}b", multiline=True)] == ["\n", "\r"]


@pytest.mark.parametrize("title", ["Mixer\u2028Bcc: x", "Mixer\u2029", "Mixer\x85"])
def test_a_line_separator_in_an_event_title_is_refused_and_creates_nothing(client, auth, user, title):
    auth.login()
    response = post(client, "/events/new", {**EVENT, "title": title, "goals": "learn"})
    assert response.status_code == 200
    assert REFUSED["en"] in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0


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


def test_a_checked_in_attendee_cannot_cancel_and_is_told_why(client, auth, checked_in):
    auth.login()
    page = client.get(f"/events/{checked_in.event_id}/cancel-registration").get_data(as_text=True)
    assert "You are checked in" in page and "Yes, cancel my registration" not in page
    response = post(client, f"/events/{checked_in.event_id}/cancel-registration", {})
    assert response.status_code == 302
    assert "You are checked in" in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.refresh(checked_in)
    assert checked_in.status == CONFIRMED and checked_in.checked_in_at is not None


def test_a_checked_in_attendee_can_delete_their_account(client, auth, user, checked_in):
    auth.login()
    response = post(client, "/profile/delete", {"password": PASSWORD})
    assert response.status_code == 302
    assert db.session.scalar(select(User).where(User.email == "member@example.com")) is None


@pytest.mark.parametrize(
    "path",
    [
        "/events/2147483648",
        "/events/9223372036854775808",
        "/events/99999999999999999999/people/1",
        "/events/1/people/2147483648",
        "/people/9223372036854775808/note",
        "/events/1/tables/versions/2147483648",
    ],
)
def test_an_id_beyond_what_the_columns_hold_is_not_found(client, auth, user, path):
    auth.login()
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "method, path, status",
    [
        ("GET", "/events/?theme=%00", 400),
        ("GET", "/admin/users?q=%00", 400),
        ("GET", "/people?q=a%00b", 400),
        ("POST", "/matches/%00/end", 404),
        ("POST", "/notes/%00/delete", 404),
        ("GET", "/events/%00", 404),
    ],
)
def test_nul_in_a_path_or_query_string_is_refused_before_any_query(client, auth, user, method, path, status):
    settings.make_admin(user.email)
    auth.login()
    response = client.get(path) if method == "GET" else post(client, path, {})
    assert response.status_code == status


class _Numbers(Form):
    count = IntegerField()
    people = SelectMultipleField(coerce=int, validate_choice=False)


@pytest.mark.parametrize(
    "field, value",
    [
        ("count", "2147483648"),
        ("count", "9223372036854775808"),
        ("count", "-99999999999"),
        ("people", "9223372036854775808"),
    ],
)
def test_a_number_beyond_what_the_columns_hold_is_refused_by_every_form(app, field, value):
    with app.test_request_context(method="POST", data={field: value}):
        form = _Numbers(meta={"csrf": False})
        assert not form.validate()
        assert form[field].errors == ["That number is too large."]
    with app.test_request_context(method="POST", data={"count": "2147483647", "people": "1"}):
        assert _Numbers(meta={"csrf": False}).validate()


SIGN_UP = {
    "email": "new@example.com",
    "password": "a long enough password",
    "display_name": "Aiko",
    "industry": "it",
    "industry_other": "",
    "introduction": "",
    "language": "",
}


@pytest.mark.parametrize("left_out", ["industry_other", "introduction", "language"])
def test_a_sign_up_without_an_optional_field_reads_it_as_empty(client, left_out):
    data = {name: value for name, value in SIGN_UP.items() if name != left_out}
    assert post(client, "/signup", data).status_code == 302
    user = db.session.scalar(select(User).where(User.email == "new@example.com"))
    assert (user.industry_other, user.introduction) == ("", "")


@pytest.mark.parametrize("left_out", ["industry_other", "introduction", "language"])
def test_a_profile_saved_without_an_optional_field_keeps_it(client, auth, user, left_out):
    settings.update_profile(
        user,
        display_name="Aiko Tanaka",
        industry="other",
        industry_other="Florist",
        introduction="税理士です。",
        language="ja",
    )
    auth.login()
    data = {
        **profile("Aiko T.", introduction="税理士です。", industry="other"),
        "industry_other": "Florist",
        "language": "ja",
    }
    del data[left_out]
    assert post(client, "/profile/edit", data).status_code == 302
    db.session.refresh(user)
    assert (user.display_name, user.industry_other, user.introduction) == ("Aiko T.", "Florist", "税理士です。")


def test_an_event_edited_without_its_own_goals_field_reads_it_as_empty(client, auth, user):
    # The form is filled from the event, whose own goals are a list, not text:
    # left out of the post, they were taken from it and broke the page.
    auth.login()
    assert post(client, "/events/new", {**EVENT, "goals": "learn", "custom_goals": "Meet a baker"}).status_code == 302
    event = db.session.scalar(select(Event))
    assert [goal["label"] for goal in event.custom_goals] == ["Meet a baker"]
    data = {name: value for name, value in {**EVENT, "goals": "learn"}.items() if name != "custom_goals"}
    assert post(client, f"/events/{event.id}/edit", data).status_code == 302
    db.session.refresh(event)
    assert not any(code.startswith(goals.CUSTOM_PREFIX) for code in event.goals)
