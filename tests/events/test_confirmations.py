"""Asking first: the registration form's error summary, and the pages that
say what a destructive action will do before a second, deliberate POST."""

import re
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from meetup.events.models import CANCELLED, CONFIRMED, DRAFT, Event
from meetup.events.services.checkin import check_in
from meetup.events.timezones import to_local
from meetup.extensions import db
from tests.events.helpers import mails, statuses
from tests.events.test_pages import post


def event_count():
    return db.session.scalar(select(func.count()).select_from(Event))


# The registration form: every problem at once.


def test_every_problem_of_a_registration_is_reported_in_one_submit(client, auth, event, user):
    auth.login()
    too_long = "x" * 141
    response = post(client, f"/events/{event.id}/register", intro=too_long)  # no goal, box not ticked
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    summary = html[html.index('id="error-summary"') : html.index("</div>", html.index('id="error-summary"'))]
    assert "There are 3 problems with your answers" in summary
    links = re.findall(r'<a href="#([^"]+)">.*?<span class="problem">([^<]+)</span></a>', summary)
    assert [target for target, _ in links] == ["goals-0", "intro", "acknowledge"]
    assert "Pick 1 to 3 goals for the evening." in links[0][1]
    assert "At most 140 characters." in links[1][1]
    assert "tick the box" in links[2][1]
    for target, _ in links:  # each link lands on a field of the form
        assert f'id="{target}"' in html
    assert 'tabindex="-1"' in summary and "autofocus" not in html
    assert "/static/forms.js" in html and "<script>" not in html  # focus moves by a file, never inline script
    assert f'value="{too_long}"' in html, "what was typed is kept"
    assert statuses(event) == {}


def test_kept_answers_come_back_with_the_remaining_problem(client, auth, event, user):
    auth.login()
    response = post(client, f"/events/{event.id}/register", goals=["learn", "peers"], intro="Meet a lawyer")
    html = response.get_data(as_text=True)
    assert "There is 1 problem with your answers" in html
    assert re.search(r'<input[^>]*checked[^>]*value="learn"|<input[^>]*value="learn"[^>]*checked', html)
    assert 'value="Meet a lawyer"' in html


def test_the_error_summary_is_in_the_readers_language(client, auth, event, make_user):
    make_user(email="ja@example.com", language="ja")
    auth.login(email="ja@example.com")
    html = post(client, f"/events/{event.id}/register").get_data(as_text=True)
    assert "入力内容に2件の問題があります" in html


def test_the_code_of_conduct_is_shown_in_full_right_above_its_unticked_box(client, auth, event, user, app):
    auth.login()
    html = client.get(f"/events/{event.id}/register").get_data(as_text=True)
    conduct, box = html.index('id="conduct-heading"'), html.index('id="acknowledge"')
    assert conduct < box and "<input" not in html[conduct:box].rsplit("<input", 1)[0], "nothing in between"
    tick = re.search(r'<input[^>]*id="acknowledge"[^>]*>', html).group(0)
    assert "checked" not in tick
    assert "error-summary" not in html, "no summary before anything is sent"
    css = (Path(app.static_folder) / "app.css").read_text(encoding="utf-8")
    rule = re.search(r"\.conduct-box \{[^}]*\}", css).group(0)
    assert "overflow" not in rule and "max-height" not in rule, "no scroll box inside the page"


# An attendee cancelling.


def test_cancelling_a_seat_asks_first_and_says_who_gets_it(client, auth, make_event, make_user, user, sign_up_for):
    event = make_event(capacity=1)
    sign_up_for(event, user)
    waiting = sign_up_for(event, make_user())
    auth.login()
    assert f'href="/events/{event.id}/cancel-registration"' in client.get(f"/events/{event.id}").get_data(as_text=True)
    page = client.get(f"/events/{event.id}/cancel-registration").get_data(as_text=True)
    assert "Cancel your registration?" in page
    assert "Your seat goes to the next person waiting" in page
    assert statuses(event)[user.id] == CONFIRMED, "the page alone changes nothing"
    response = post(client, f"/events/{event.id}/cancel-registration")
    assert response.headers["Location"] == f"/events/{event.id}"
    assert statuses(event) == {user.id: CANCELLED, waiting.user_id: CONFIRMED}


def test_leaving_the_waitlist_asks_first_in_its_own_words(client, auth, make_event, make_user, user, sign_up_for):
    event = make_event(capacity=1)
    sign_up_for(event, make_user())
    sign_up_for(event, user)
    auth.login()
    page = client.get(f"/events/{event.id}/cancel-registration").get_data(as_text=True)
    assert "Leave the waitlist?" in page and "everyone behind you moves up" in page


def test_once_checked_in_there_is_no_cancel_button_and_the_page_says_why(
    client, auth, host, make_event, user, sign_up_for, now
):
    event = make_event(starts_at=now + timedelta(hours=2), ends_at=now + timedelta(hours=4))
    registration = sign_up_for(event, user)
    check_in(host, event.id, registration.id, now=now)
    auth.login()
    assert "cancel-registration" not in client.get(f"/events/{event.id}").get_data(as_text=True)
    page = client.get(f"/events/{event.id}/cancel-registration").get_data(as_text=True)
    assert "You are checked in" in page and "Yes, cancel" not in page


# A host cancelling an event, deleting a draft, repeating next month.


def test_cancelling_an_event_says_how_many_get_a_mail_then_needs_the_post(
    client, auth, make_event, make_user, sign_up_for
):
    event = make_event(capacity=1)
    sign_up_for(event, make_user())
    sign_up_for(event, make_user())  # waitlisted: told as well
    auth.login(email="host@example.com")
    dashboard = client.get(f"/events/{event.id}/dashboard").get_data(as_text=True)
    assert f'href="/events/{event.id}/cancel"' in dashboard
    page = client.get(f"/events/{event.id}/cancel").get_data(as_text=True)
    assert "2 people are registered (with a seat or on the waitlist); each gets a mail." in page
    assert db.session.get(Event, event.id).state != CANCELLED and mails("event-cancelled") == []
    post(client, f"/events/{event.id}/cancel")
    assert db.session.get(Event, event.id).state == CANCELLED
    assert len(mails("event-cancelled")) == 2
    again = client.get(f"/events/{event.id}/cancel").get_data(as_text=True)
    assert "already cancelled" in again and "Yes, cancel the event" not in again


def test_a_host_deletes_a_draft_after_reading_what_happens(client, auth, make_event):
    draft = make_event(publish=False, title="Spring draft")
    auth.login(email="host@example.com")
    assert f'href="/events/{draft.id}/delete"' in client.get(f"/events/{draft.id}/dashboard").get_data(as_text=True)
    page = client.get(f"/events/{draft.id}/delete").get_data(as_text=True)
    assert "Delete the draft “Spring draft”?" in page and "deleted for good" in page
    assert event_count() == 1
    response = post(client, f"/events/{draft.id}/delete")
    assert response.headers["Location"] == "/events/mine"
    assert event_count() == 0
    assert "The draft is deleted." in client.get("/events/mine").get_data(as_text=True)


def test_a_published_event_cannot_be_deleted_from_the_page_or_by_a_post(client, auth, event):
    auth.login(email="host@example.com")
    assert f"/events/{event.id}/delete" not in client.get(f"/events/{event.id}/dashboard").get_data(as_text=True)
    page = client.get(f"/events/{event.id}/delete").get_data(as_text=True)
    assert "Only a draft can be deleted" in page and "Yes, delete" not in page
    response = post(client, f"/events/{event.id}/delete")
    assert "Only a draft can be deleted" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert db.session.get(Event, event.id) is not None


def test_nobody_else_reaches_a_hosts_confirmation_pages(client, auth, make_event, user):
    draft, event = make_event(publish=False), make_event()
    auth.login()
    assert client.get(f"/events/{draft.id}/delete").status_code == 404
    assert client.get(f"/events/{event.id}/cancel").status_code == 404
    assert post(client, f"/events/{draft.id}/delete", "/events/").status_code == 404
    assert event_count() == 2


def test_repeat_next_month_says_the_date_and_pressed_again_opens_the_same_draft(client, auth, event):
    auth.login(email="host@example.com")
    first = post(client, f"/events/{event.id}/repeat", f"/events/{event.id}/dashboard")
    [draft] = db.session.scalars(select(Event).where(Event.state == DRAFT))
    assert first.headers["Location"] == f"/events/{draft.id}/edit"
    page = client.get(first.headers["Location"]).get_data(as_text=True)
    local = to_local(draft.starts_at, draft.timezone)
    assert "event is drafted for" in page and str(local.year) in page and f"{local.day}" in page
    second = post(client, f"/events/{event.id}/repeat", f"/events/{event.id}/dashboard")
    assert second.headers["Location"] == f"/events/{draft.id}/edit"
    assert "already exists: here it is." in client.get(second.headers["Location"]).get_data(as_text=True)
    assert event_count() == 2
