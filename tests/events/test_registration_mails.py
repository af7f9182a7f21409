"""The confirmation mails: the seat or the waitlist place, the ticket for a
seat only, and the evening attached as an iCalendar file that arrives as
text/calendar through a real SMTP server."""

from datetime import timedelta

import pytest
from icalendar import Calendar

from meetup.events.services.registration import cancel_registration
from meetup.extensions import db
from meetup.mail.services.sender import send_pending
from tests.events.helpers import mails, queue_reminders

ONLINE = "https://meet.example.com/room-42"


def entry(calendar_text: str):
    [event] = Calendar.from_ical(calendar_text).walk("VEVENT")
    return event


def test_a_confirmed_seat_gets_its_ticket_and_the_evening_with_its_online_room(make_event, user, sign_up_for):
    event = make_event(capacity=1, online_url=ONLINE)
    sign_up_for(event, user)
    [mail] = mails("registration-confirmed", to=user)
    assert mail.subject == "Your seat is confirmed: Shibuya professionals' mixer"
    assert f"Your ticket, to show at the door: http://localhost/events/{event.id}/ticket" in mail.body
    assert "attached to this mail as a calendar file (invite.ics)" in mail.body
    calendar = Calendar.from_ical(mail.calendar)
    assert str(calendar["method"]) == "PUBLISH"
    vevent = entry(mail.calendar)
    assert vevent.decoded("dtstart").replace(tzinfo=None) == event.starts_at
    assert vevent.decoded("dtend").replace(tzinfo=None) == event.ends_at
    assert str(vevent["summary"]) == event.title
    assert str(vevent["url"]) == f"http://localhost/events/{event.id}"
    assert ONLINE in str(vevent["description"])


def test_the_waitlisted_get_their_place_and_the_evening_but_no_ticket_and_no_online_room(
    make_event, make_user, user, sign_up_for
):
    event = make_event(capacity=1, online_url=ONLINE)
    sign_up_for(event, make_user())
    sign_up_for(event, user)
    [mail] = mails("registration-waitlisted", to=user)
    assert "on the waitlist, number 1" in mail.body
    assert "/ticket" not in mail.body, "a waitlisted ticket is refused at the door"
    assert ONLINE not in mail.body and ONLINE not in mail.calendar
    assert entry(mail.calendar).decoded("dtstart").replace(tzinfo=None) == event.starts_at


def test_promotion_brings_the_ticket_and_the_online_room(make_event, make_user, user, sign_up_for, now):
    event = make_event(capacity=1, online_url=ONLINE)
    first = make_user()
    sign_up_for(event, first)
    sign_up_for(event, user)
    cancel_registration(first, event.id, now=now)
    [mail] = mails("registration-promoted", to=user)
    assert f"http://localhost/events/{event.id}/ticket" in mail.body
    assert ONLINE in str(entry(mail.calendar)["description"])


def test_the_confirmation_is_in_the_recipients_language(make_event, make_user, sign_up_for):
    event = make_event(capacity=1)
    sign_up_for(event, make_user(email="ja@example.com", language="ja"))
    waiting = make_user(email="ja2@example.com", language="ja")
    sign_up_for(event, waiting)
    confirmed, waitlisted = mails("registration-confirmed")[0], mails("registration-waitlisted")[0]
    assert "参加が確定しました" in confirmed.body
    assert "カレンダーファイル（invite.ics）" in confirmed.body and "チケット" in confirmed.body
    assert "カレンダーファイル（invite.ics）" in waitlisted.body
    assert "/ticket" not in waitlisted.body


def test_the_calendar_arrives_as_text_calendar_after_the_text(app, smtp_server, make_event, user, sign_up_for):
    event = make_event(online_url=ONLINE)
    sign_up_for(event, user)
    db.session.commit()
    assert send_pending().sent == 1
    [received] = smtp_server.messages
    assert received.get_content_type() == "multipart/mixed"
    text, attachment = received.iter_parts()
    assert text.get_content_type() == "text/plain" and "Your seat at" in text.get_content()
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "PUBLISH" and attachment.get_content_charset() == "utf-8"
    assert attachment.get_filename() == "invite.ics"
    payload = attachment.get_payload(decode=True)
    assert b"\r\nDTSTART:" in payload, "iCalendar lines end in CRLF"
    vevent = entry(payload.decode("utf-8"))
    assert vevent.decoded("dtstart").replace(tzinfo=None) == event.starts_at
    assert str(vevent["uid"]) == f"event-{event.id}@meetup"


def test_a_mail_without_calendar_stays_a_single_text_part(app, smtp_server, make_event, user, sign_up_for, now):
    event = make_event(starts_at=now + timedelta(hours=3))
    sign_up_for(event, user)
    queue_reminders(now=now)
    db.session.commit()
    send_pending()
    reminder = next(m for m in smtp_server.messages if m["Subject"].startswith("Reminder"))
    assert reminder.get_content_type() == "text/plain"


@pytest.mark.parametrize("calendar", ["not a calendar", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"])
def test_an_unbuildable_calendar_sets_the_message_aside(app, smtp_server, make_event, user, sign_up_for, calendar):
    event = make_event()
    sign_up_for(event, user)
    [mail] = mails("registration-confirmed")
    mail.calendar = calendar
    db.session.commit()
    assert send_pending() == (0, 0, 1)
    db.session.refresh(mail)
    assert mail.set_aside_at is not None and mail.sent_at is None
    assert smtp_server.messages == []
