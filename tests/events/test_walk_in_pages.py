"""The walk-in page at the door, through the test client."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from meetup.accounts.models import User
from meetup.events.models import Registration
from meetup.extensions import db
from tests.conftest import csrf_token


@pytest.fixture
def tonight(make_event, now):
    """An evening starting in an hour: the door is open."""
    return make_event(starts_at=now + timedelta(hours=1), registration_deadline=None)


def answers(**changes):
    values = {
        "display_name": "森 花",
        "name_reading": "もり はな",
        "industry": "design",
        "industry_other": "",
        "email": "hana@example.com",
        "language": "ja",
        "acknowledge": "y",
    }
    values.update(changes)
    return {name: value for name, value in values.items() if value is not None}


def post_walk_in(client, event, **changes):
    path = f"/events/{event.id}/walk-in"
    return client.post(path, data={**answers(**changes), "csrf_token": csrf_token(client, path)})


def walk_ins(event) -> list[Registration]:
    return list(db.session.scalars(select(Registration).where(Registration.event_id == event.id, Registration.walk_in)))


def user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_the_host_adds_a_walk_in_who_lands_checked_in_at_the_door(client, auth, host, tonight):
    auth.login(email="host@example.com")
    door = client.get(f"/events/{tonight.id}/check-in").get_data(as_text=True)
    assert f'href="/events/{tonight.id}/walk-in"' in door
    page = client.get(f"/events/{tonight.id}/walk-in").get_data(as_text=True)
    assert "They have read and accepted the code of conduct" in page
    assert "Seat them beyond capacity" not in page  # seats are free

    response = post_walk_in(client, tonight)
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"/events/{tonight.id}/check-in?q=")
    [registration] = walk_ins(tonight)
    assert registration.checked_in_at is not None and registration.user.name_reading == "モリ ハナ"
    door = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "森 花 is checked in as a walk-in. They are getting a mail with a link to claim their account." in door
    dashboard = client.get(f"/events/{tonight.id}/dashboard").get_data(as_text=True)
    assert "森 花" in dashboard and "Walk-in" in dashboard and "Beyond capacity" not in dashboard


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"display_name": ""}, "Enter the person's name."),
        ({"email": "hana@"}, "Enter a valid email address."),
        ({"name_reading": "Mori Hana"}, "Write the reading in katakana or hiragana"),
        ({"industry": ""}, "Choose an industry or profession."),
        ({"industry": "other"}, "Enter their industry or profession."),
        ({"acknowledge": None}, "Tick the box once they have read and accepted the code of conduct."),
    ],
)
def test_bad_answers_re_show_the_form_with_a_message_and_change_nothing(client, auth, host, tonight, changes, message):
    auth.login(email="host@example.com")
    users = user_count()
    response = post_walk_in(client, tonight, **changes)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert not walk_ins(tonight) and user_count() == users


def test_a_full_evening_asks_for_the_extra_tick_and_marks_the_seat(
    client, auth, host, make_event, now, make_user, sign_up_for
):
    event = make_event(starts_at=now + timedelta(hours=1), registration_deadline=None, capacity=1)
    sign_up_for(event, make_user())
    auth.login(email="host@example.com")
    page = client.get(f"/events/{event.id}/walk-in").get_data(as_text=True)
    assert "This evening is full." in page and "Seat them beyond capacity" in page

    refused = post_walk_in(client, event)
    assert refused.status_code == 200
    assert "The evening is full: 1 of 1 seats are taken." in refused.get_data(as_text=True)
    assert not walk_ins(event)

    assert post_walk_in(client, event, beyond_capacity="y").status_code == 302
    [registration] = walk_ins(event)
    assert registration.beyond_capacity
    dashboard = client.get(f"/events/{event.id}/dashboard").get_data(as_text=True)
    assert "Beyond capacity" in dashboard
    name = registration.user.display_name
    door = client.get(f"/events/{event.id}/check-in", query_string={"q": name}).get_data(as_text=True)
    assert "Walk-in" in door and "Beyond capacity" in door


def test_someone_with_a_seat_is_offered_check_in_instead_of_a_second_seat(
    client, auth, host, tonight, user, sign_up_for
):
    registration = sign_up_for(tonight, user)
    auth.login(email="host@example.com")
    response = post_walk_in(client, tonight, email="member@example.com")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Aiko Tanaka already has a seat for this evening." in page
    assert f'action="/events/{tonight.id}/check-in/{registration.id}"' in page
    assert not walk_ins(tonight)
    checked = client.post(
        f"/events/{tonight.id}/check-in/{registration.id}",
        data={"csrf_token": csrf_token(client, f"/events/{tonight.id}/walk-in"), "q": "森 花"},
    )
    assert checked.status_code == 302
    db.session.refresh(registration)
    assert registration.checked_in_at is not None


def test_the_page_says_when_the_door_is_not_open_yet(client, auth, host, event):
    auth.login(email="host@example.com")
    page = client.get(f"/events/{event.id}/walk-in").get_data(as_text=True)
    assert "Check-in opens 6 hours before the start." in page
    assert 'name="display_name"' not in page
    assert post_walk_in(client, event).status_code == 200
    assert not walk_ins(event)


def test_the_walk_in_page_speaks_japanese_to_a_japanese_host(client, auth, make_user, make_event, now):
    host = make_user(email="ja-host@example.com", language="ja")
    event = make_event(by=host, starts_at=now + timedelta(hours=1), registration_deadline=None)
    auth.login(email="ja-host@example.com")
    page = client.get(f"/events/{event.id}/walk-in").get_data(as_text=True)
    assert "当日参加を追加" in page and "参加者が行動規範を読み、同意した" in page
    refused = post_walk_in(client, event, display_name="", acknowledge=None).get_data(as_text=True)
    assert "参加者の名前を入力してください。" in refused
    assert "参加者が行動規範を読んで同意したら、チェックを入れてください。" in refused


def test_nobody_but_the_host_reaches_the_walk_in_page(client, auth, user, tonight):
    auth.login()
    assert client.get(f"/events/{tonight.id}/walk-in").status_code == 404
    response = client.post(f"/events/{tonight.id}/walk-in", data={**answers(), "csrf_token": csrf_token(client)})
    assert response.status_code == 404
    assert not walk_ins(tonight)
