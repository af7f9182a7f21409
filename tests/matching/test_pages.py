"""Meet-again pages through the client: access, bad input, the same answer
for every choice, matches with contact details, ending a match, the host's
number."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from meetup.accounts.services.settings import update_contacts
from meetup.extensions import db
from meetup.matching.queries import my_choices
from meetup.matching.services.choices import save_choices
from meetup.rules.models import Match
from tests.clock import NOW
from tests.conftest import csrf_token
from tests.matching.conftest import shift_event

CONTACTS = {
    "email": "",
    "email_shared": False,
    "phone": "090-1234-5678",
    "phone_shared": True,
    "line_id": "secret-line",
    "line_id_shared": False,
    "website": "",
    "website_shared": False,
    "other": "",
    "other_shared": False,
}


@pytest.fixture
def open_evening(seated):
    """Four people at one table; the evening started an hour ago (real time)."""
    event, users = seated()
    shift_event(event.id, timedelta(hours=-2))
    return event, users


def _choose(client, event, *ids):
    path = f"/events/{event.id}/meet-again"
    return client.post(path, data={"chosen": [str(i) for i in ids], "csrf_token": csrf_token(client, path)})


def test_the_meet_again_page_lists_tablemates_with_their_intro(open_evening, client_for):
    event, (a, b, c, d) = open_evening
    page = client_for(a).get(f"/events/{event.id}/meet-again")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    for other in (b, c, d):
        assert other.display_name in html and f'value="{other.id}"' in html
    assert f'value="{a.id}"' not in html
    assert "Meet people outside tax work" in html
    assert "select all" not in html.lower()


def test_ticking_anyone_gives_the_same_answer_and_only_tablemates_are_kept(open_evening, client_for, make_user):
    event, (a, b, c, d) = open_evening
    stranger = make_user()
    client = client_for(a)
    valid = _choose(client, event, b.id)
    follow_valid = client.get(valid.headers["Location"]).get_data(as_text=True)
    refused = _choose(client, event, stranger.id)
    follow_refused = client.get(refused.headers["Location"]).get_data(as_text=True)
    assert valid.status_code == refused.status_code == 302
    assert valid.headers["Location"] == refused.headers["Location"]
    assert (
        "Saved. Nobody is told anything now" in follow_valid and "Saved. Nobody is told anything now" in follow_refused
    )
    assert "match" not in valid.get_data(as_text=True).lower()
    assert my_choices(a.id, event.id) == set()  # the second save replaced the set, and the stranger is dropped


def test_choices_before_the_evening_starts_are_refused_with_the_reason(seated, client_for):
    event, (a, b, *_) = seated()
    client = client_for(a)
    response = _choose(client, event, b.id)
    assert response.headers["Location"] == f"/events/{event.id}/meet-again"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Meet-again choices open when the event starts." in html and "Saved." not in html
    assert my_choices(a.id, event.id) == set()


def test_bad_input_is_refused_with_a_message(open_evening, client_for):
    event, (a, b, *_) = open_evening
    client = client_for(a)
    path = f"/events/{event.id}/meet-again"
    response = client.post(
        path, data={"chosen": ["x", "1e9"], "csrf_token": csrf_token(client, path)}, follow_redirects=True
    )
    assert response.status_code == 200
    assert "could not be saved" in response.get_data(as_text=True)
    assert client.post(path, data={"chosen": [str(b.id)]}).status_code == 400  # no CSRF token


def test_only_attendees_reach_the_meet_again_page(open_evening, client_for, make_user, sign_up_for, host, now):
    event, users = open_evening
    registered = make_user()
    sign_up_for(event, registered, at=now - timedelta(days=2))
    for person in (registered, make_user(), host):
        client = client_for(person)
        assert client.get(f"/events/{event.id}/meet-again").status_code == 404
        assert _choose(client, event, users[0].id).status_code == 404
    assert client_for(users[0]).get("/events/999999/meet-again").status_code == 404


def test_the_event_page_offers_meet_again_inside_the_window(open_evening, client_for):
    event, (a, *_) = open_evening
    client = client_for(a)
    assert f"/events/{event.id}/meet-again" in client.get(f"/events/{event.id}").get_data(as_text=True)
    assert f"/events/{event.id}/meet-again" in client.get("/events/mine").get_data(as_text=True)
    shift_event(event.id, timedelta(days=-4))
    assert f"/events/{event.id}/meet-again" not in client.get(f"/events/{event.id}").get_data(as_text=True)


def _match_after_the_window(event, a, b):
    save_choices(a, event.id, [b.id], now=NOW)
    save_choices(b, event.id, [a.id], now=NOW)
    shift_event(event.id, timedelta(days=-4))


def test_matches_appear_lazily_after_the_window_with_shared_contact_details(open_evening, client_for, host):
    event, (a, b, c, d) = open_evening
    update_contacts(b, CONTACTS)
    _match_after_the_window(event, a, b)
    page = client_for(a).get("/matches")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert b.display_name in html and "090-1234-5678" in html and "secret-line" not in html
    assert "Shibuya professionals" in html and "round 1, table A" in html and "New" in html
    assert "No matches yet" in client_for(c).get("/matches").get_data(as_text=True)
    dashboard = client_for(host).get(f"/events/{event.id}/dashboard").get_data(as_text=True)
    assert "Matches made" in dashboard


def test_ending_a_match_hides_contact_details_for_both(open_evening, client_for):
    event, (a, b, *_) = open_evening
    update_contacts(b, CONTACTS)
    update_contacts(a, {**CONTACTS, "phone": "080-0000-1111"})
    _match_after_the_window(event, a, b)
    client_a, client_b = client_for(a), client_for(b)
    assert "080-0000-1111" in client_b.get("/matches").get_data(as_text=True)
    public_id = db.session.scalar(select(Match.public_id))
    path = f"/matches/{public_id}/end"
    response = client_a.post(path, data={"csrf_token": csrf_token(client_a, "/matches")})
    assert response.status_code == 302
    assert "090-1234-5678" not in client_a.get("/matches").get_data(as_text=True)
    html_b = client_b.get("/matches").get_data(as_text=True)
    assert "080-0000-1111" not in html_b and a.display_name not in html_b.split("<main")[1]
    assert db.session.scalar(select(Match.ended_at)) is not None


def test_a_match_route_is_404_for_anyone_but_its_two_people(open_evening, client_for):
    event, (a, b, c, _) = open_evening
    _match_after_the_window(event, a, b)
    client_for(a).get("/matches")
    public_id = db.session.scalar(select(Match.public_id))
    client_c = client_for(c)
    token = csrf_token(client_c, "/matches")
    assert client_c.post(f"/matches/{public_id}/end", data={"csrf_token": token}).status_code == 404
    assert client_c.post("/matches/not-a-real-id/end", data={"csrf_token": token}).status_code == 404
    assert db.session.scalar(select(Match.ended_at)) is None
    assert len(public_id) >= 20
