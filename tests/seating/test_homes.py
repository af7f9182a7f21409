"""Each person's home: the host's events, an attendee's My events, and why
My tables has nothing to show."""

from datetime import timedelta

from meetup.events.services.checkin import check_in
from meetup.extensions import db
from meetup.seating.services import forming, publishing
from tests.conftest import PASSWORD, csrf_token


def move_to_the_past(event, now, days_ago: int, meet_again_days: int = 7):
    """An evening that ended ``days_ago`` days before now."""
    event.starts_at = now - timedelta(days=days_ago, hours=2)
    event.ends_at = now - timedelta(days=days_ago)
    event.registration_deadline = event.starts_at
    event.meet_again_days = meet_again_days
    db.session.commit()


def log_in(client, email, next_path=None):
    data = {"email": email, "password": PASSWORD, "csrf_token": csrf_token(client, "/login")}
    return client.post("/login" + (f"?next={next_path}" if next_path else ""), data=data)


def test_host_sees_tonight_first_then_upcoming_drafts_and_past(client, auth, evening, make_event, host, now):
    tonight, _ = evening(people=4, title="Tonight's mixer")
    make_event(title="Next month's mixer", starts_at=now + timedelta(days=30))
    make_event(title="Unannounced mixer", publish=False, starts_at=now + timedelta(days=60))
    recent = make_event(title="Last week's mixer")
    move_to_the_past(recent, now, days_ago=2, meet_again_days=7)
    old = make_event(title="Spring mixer")
    move_to_the_past(old, now, days_ago=90, meet_again_days=7)
    auth.login(email="host@example.com")
    html = client.get("/events/hosting").get_data(as_text=True)
    order = [html.index(title) for title in ("Tonight&#39;s mixer", "Next month&#39;s mixer", "Unannounced mixer")]
    order += [html.index("Last week&#39;s mixer"), html.index("Spring mixer")]
    assert order == sorted(order)
    tonight_part = html[html.index('id="tonight"') : html.index('id="host-upcoming"')]
    assert f"/events/{tonight.id}/check-in" in tonight_part
    assert f"/events/{tonight.id}/tables" in tonight_part
    assert "/tables/projector" not in tonight_part  # nothing to project before tables are published
    forming.form_tables(host, tonight.id)
    publishing.publish(host, tonight.id, now=now)
    html = client.get("/events/hosting").get_data(as_text=True)
    assert f"/events/{tonight.id}/tables/projector" in html
    past_part = html[html.index('id="host-past"') :]
    assert past_part.count("Meet-again window open until") == 1  # last week's: still open
    assert past_part.count("Meet-again window closed on") == 1  # the spring one


def test_host_lands_on_their_events_and_an_attendee_on_my_events(client, evening, make_user, user, now):
    evening(people=2)
    assert log_in(client, "host@example.com").headers["Location"] == "/home"
    assert client.get("/home").headers["Location"] == "/events/hosting"
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert log_in(client, user.email).headers["Location"] == "/home"
    assert client.get("/home").headers["Location"] == "/events/mine"
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert log_in(client, "host@example.com", "/profile/edit").headers["Location"] == "/profile/edit"


def test_attendee_sees_seat_waitlist_tonights_tables_and_past_window(
    client, auth, evening, make_event, make_user, sign_up_for, host, now
):
    member = make_user(email="aiko@example.com", display_name="Aiko")
    tonight, _ = evening(users=[member, *[make_user() for _ in range(3)]], title="Tonight's mixer")
    full = make_event(title="Small dinner", capacity=1, starts_at=now + timedelta(days=10))
    sign_up_for(full, make_user())
    sign_up_for(full, member)  # waits: first in line
    later = make_event(title="New year mixer", starts_at=now + timedelta(days=20))
    sign_up_for(later, member)
    recent = make_event(title="Last week's mixer", starts_at=now + timedelta(hours=1))
    registration = sign_up_for(recent, member)
    check_in(host, recent.id, registration.id, now=now)
    move_to_the_past(recent, now, days_ago=2, meet_again_days=7)
    auth.login(email=member.email)
    html = client.get("/events/mine").get_data(as_text=True)
    tonight_part = html[html.index('id="tonight"') : html.index('id="upcoming"')]
    assert "Tonight&#39;s mixer" in tonight_part
    assert "tables are not published yet. They appear under My tables" in tonight_part
    upcoming_part = html[html.index('id="upcoming"') : html.index('id="past"')]
    assert "On the waitlist: number 1" in upcoming_part
    assert "New year mixer" in upcoming_part and "Seat confirmed" in upcoming_part
    past_part = html[html.index('id="past"') :]
    assert "Last week&#39;s mixer" in past_part and "Meet-again window open until" in past_part
    forming.form_tables(host, tonight.id)
    publishing.publish(host, tonight.id, now=now)
    html = client.get("/events/mine").get_data(as_text=True)
    assert f'href="/events/{tonight.id}/my-tables"' in html
    assert "tables are not published yet. They appear under My tables" not in html


def test_attendee_sees_when_a_past_meet_again_window_closed(
    client, auth, make_event, make_user, sign_up_for, host, now
):
    member = make_user(email="aiko@example.com")
    old = make_event(title="Spring mixer", starts_at=now + timedelta(hours=1))
    check_in(host, old.id, sign_up_for(old, member).id, now=now)
    move_to_the_past(old, now, days_ago=90)
    auth.login(email=member.email)
    html = client.get("/events/mine").get_data(as_text=True)
    assert "Meet-again window closed on" in html and "Meet-again window open" not in html


def reason(client, event) -> str:
    html = client.get(f"/events/{event.id}/my-tables").get_data(as_text=True)
    return html[html.index('data-reason="') :].split('"')[1] if 'data-reason="' in html else ""


def test_my_tables_says_tables_are_not_published_yet(client, auth, evening):
    event, users = evening(people=4)
    auth.login(email=users[0].email)
    assert reason(client, event) == "not-published"
    assert "Tables are not published yet" in client.get(f"/events/{event.id}/my-tables").get_data(as_text=True)


def test_my_tables_says_the_reader_is_not_checked_in_when_tables_are_published(
    client, auth, evening, make_user, sign_up_for, host, now
):
    event, users = evening(people=4)
    late = make_user(email="late@example.com")
    sign_up_for(event, late)  # registered, not at the door yet
    forming.form_tables(host, event.id)
    publishing.publish(host, event.id, now=now)
    auth.login(email=late.email)
    html = client.get(f"/events/{event.id}/my-tables").get_data(as_text=True)
    assert reason(client, event) == "not-checked-in"
    assert "You are not checked in yet" in html and "not published" not in html


def test_my_tables_says_the_reader_is_not_seated_in_this_version(
    client, auth, evening, make_user, sign_up_for, host, now
):
    event, users = evening(people=4)
    late = make_user(email="late@example.com")
    registration = sign_up_for(event, late)
    forming.form_tables(host, event.id)
    publishing.publish(host, event.id, now=now)
    check_in(host, event.id, registration.id, now=now)  # arrives after the tables went up
    auth.login(email=late.email)
    html = client.get(f"/events/{event.id}/my-tables").get_data(as_text=True)
    assert reason(client, event) == "not-seated"
    assert "not seated in this version of the tables (version 1)" in html and "not published" not in html


def test_my_tables_reasons_read_in_japanese(client, auth, evening, make_user, sign_up_for, host, now):
    event, users = evening(people=4)
    late = make_user(email="late@example.com", language="ja")
    sign_up_for(event, late)
    forming.form_tables(host, event.id)
    publishing.publish(host, event.id, now=now)
    auth.login(email=late.email)
    html = client.get(f"/events/{event.id}/my-tables", headers={"Accept-Language": "ja"}).get_data(as_text=True)
    assert "まだ受付が済んでいません" in html
