"""Tickets through the test client: the attendee's ticket page, its links
(My events, the event page, the confirmation mail) and the door's form that
checks people in by a ticket's code."""

from datetime import timedelta
from urllib.parse import unquote, urlsplit

import pytest

from meetup.events.models import Registration
from meetup.events.services.registration import cancel_registration
from meetup.events.tickets import grouped, qr_data_uri
from meetup.extensions import db
from meetup.mail.services.sender import send_pending
from tests.conftest import csrf_token

SVG = "data:image/svg+xml"


@pytest.fixture
def tonight(make_event, now):
    """Starts in an hour: the door is open."""
    return make_event(starts_at=now + timedelta(hours=1), capacity=1, title="Lantern mixer")


def test_the_owner_sees_the_qr_code_the_grouped_code_the_event_and_their_name(client, auth, event, user, sign_up_for):
    registration = sign_up_for(event, user)
    auth.login()
    html = client.get(f"/events/{event.id}/ticket").get_data(as_text=True)
    code = grouped(registration.ticket_code)
    assert code in html and len(code) == 11 and code[5] == "-"
    assert f'src="{qr_data_uri(registration.ticket_code)}"' in html
    assert f'alt="QR code of ticket {code}"' in html
    assert "Aiko Tanaka" in html and "Shibuya professionals" in html and event.venue in html


def test_a_qr_code_encodes_the_code_alone():
    svg = unquote(qr_data_uri("ABCDE23456"))
    assert svg.startswith(SVG) and "<svg" in svg
    # segno chooses the smallest symbol for the text: ten alphanumerics fit version 1 (21 × 21 modules).
    assert "viewBox='0 0 29 29'" in svg  # 21 modules and a quiet zone of 4 on each side


def test_nobody_else_sees_a_ticket(client, auth, event, user, make_user, sign_up_for):
    sign_up_for(event, user)
    path = f"/events/{event.id}/ticket"
    assert urlsplit(client.get(path).headers["Location"]).path == "/login"
    make_user(email="other@example.com")
    for email in ("other@example.com", "host@example.com"):  # a member, and the host, without a registration
        auth.login(email=email)
        assert client.get(path).status_code == 404
        auth.logout()
    auth.login()
    assert client.get("/events/999999/ticket").status_code == 404


def test_a_waitlisted_or_cancelled_registration_has_no_ticket(client, auth, tonight, user, make_user, sign_up_for, now):
    sign_up_for(tonight, make_user())
    waiting = sign_up_for(tonight, user)
    auth.login()
    html = client.get(f"/events/{tonight.id}/ticket").get_data(as_text=True)
    assert "You are on the waitlist, so there is no ticket yet." in html
    assert SVG not in html and grouped(waiting.ticket_code) not in html
    cancel_registration(user, tonight.id, now=now)
    html = client.get(f"/events/{tonight.id}/ticket").get_data(as_text=True)
    assert "You cancelled your registration, so there is no ticket." in html and SVG not in html


def test_my_events_links_the_ticket_of_a_confirmed_seat_only(client, auth, make_event, user, make_user, sign_up_for):
    seated = make_event(title="Seated evening")
    full = make_event(title="Full evening", capacity=1)
    sign_up_for(seated, user)
    sign_up_for(full, make_user())
    sign_up_for(full, user)  # waitlisted
    auth.login()
    html = client.get("/events/mine").get_data(as_text=True)
    assert f'href="/events/{seated.id}/ticket"' in html
    assert f'href="/events/{full.id}/ticket"' not in html
    assert f'href="/events/{seated.id}/ticket"' in client.get(f"/events/{seated.id}").get_data(as_text=True)


def test_the_ticket_page_is_in_japanese_for_a_japanese_reader(client, auth, event, user, sign_up_for):
    registration = sign_up_for(event, user)
    auth.login()
    client.post("/language", data={"language": "ja", "csrf_token": csrf_token(client)})
    html = client.get(f"/events/{event.id}/ticket").get_data(as_text=True)
    assert "あなたのチケット" in html and grouped(registration.ticket_code) in html
    assert "Your ticket" not in html


def test_the_confirmation_mail_links_the_ticket(client, auth, app, event, user, sign_up_for, smtp_server):
    sign_up_for(event, user)
    db.session.commit()
    assert send_pending()[0] == 1
    [mail] = smtp_server.messages
    body = mail.get_body(("plain",)).get_content()  # the evening's .ics is attached after it
    base = app.config["BASE_URL"].rstrip("/")
    assert f"Your ticket, to show at the door: {base}/events/{event.id}/ticket" in body
    auth.login()
    assert client.get(urlsplit(f"{base}/events/{event.id}/ticket").path).status_code == 200


def test_the_mail_of_a_seat_freed_from_the_waitlist_links_the_ticket(
    app, tonight, user, make_user, sign_up_for, smtp_server, now
):
    first = make_user(language="ja")
    sign_up_for(tonight, first)
    sign_up_for(tonight, user)
    cancel_registration(first, tonight.id, now=now)
    send_pending()
    [promoted] = [m for m in smtp_server.messages if m["Subject"] == "A seat is yours: Lantern mixer"]
    assert f"/events/{tonight.id}/ticket" in promoted.get_body(("plain",)).get_content()


def door_post(client, event, code):
    token = csrf_token(client, f"/events/{event.id}/check-in")
    return client.post(f"/events/{event.id}/check-in/ticket", data={"csrf_token": token, "code": code})


def test_the_host_types_a_code_and_the_holder_is_checked_in(client, auth, tonight, user, sign_up_for):
    registration = sign_up_for(tonight, user)
    auth.login(email="host@example.com")
    page = client.get(f"/events/{tonight.id}/check-in").get_data(as_text=True)
    assert 'name="code"' in page and f'action="/events/{tonight.id}/check-in/ticket"' in page
    typed = " " + grouped(registration.ticket_code).lower() + " "
    response = door_post(client, tonight, typed)
    # Back to the door with the holder shown, so a fee can be taken at once.
    assert response.headers["Location"] == f"/events/{tonight.id}/check-in?q=Aiko+Tanaka"
    door = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Aiko Tanaka is checked in." in door
    assert "Undo check-in" in door
    assert db.session.get(Registration, registration.id).checked_in_at is not None
    again = door_post(client, tonight, registration.ticket_code)
    assert "Aiko Tanaka is already checked in (since" in client.get(again.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize(
    "code, message",
    [
        ("", "Enter the code on the ticket."),
        ("ZZZZZ-ZZZZZ", "No ticket has the code ZZZZZ-ZZZZZ."),
        ("x" * 41, "At most 40"),
    ],
)
def test_a_code_that_opens_nothing_is_refused_with_a_message(client, auth, tonight, user, sign_up_for, code, message):
    registration = sign_up_for(tonight, user)
    auth.login(email="host@example.com")
    response = door_post(client, tonight, code)
    assert message in client.get(response.headers["Location"]).get_data(as_text=True)
    assert db.session.get(Registration, registration.id).checked_in_at is None


def test_nobody_but_the_host_checks_tickets_in(client, auth, tonight, user, sign_up_for):
    registration = sign_up_for(tonight, user)
    auth.login()  # the ticket's own holder
    assert door_post(client, tonight, registration.ticket_code).status_code == 404
    assert db.session.get(Registration, registration.id).checked_in_at is None
