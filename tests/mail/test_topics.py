"""Optional mail by topic: a person who turned a topic off gets none of its
mail, essential mail always goes, and optional mail that goes carries a
one-click link to turn its topic off (RFC 8058 headers and a footer)."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from meetup.extensions import db
from meetup.mail.models import MailOptOut
from meetup.mail.services import preferences
from meetup.mail.services.sender import send_pending
from meetup.mail.topics import TOPICS, topic_of
from tests.events.conftest import event, host, make_event, sign_up_for
from tests.events.helpers import mails, queue_reminders


@pytest.fixture
def tomorrow(make_event, now):
    return make_event(starts_at=now + timedelta(hours=20))


def turn_off(user, *names, now):
    for name in names:
        preferences.turn_off(user.id, TOPICS[name], now=now)


def test_each_optional_template_has_one_topic_and_essential_mail_has_none():
    assert topic_of("event-reminder").name == "reminders"
    assert topic_of("tables-published").name == "tables"
    assert topic_of("meet-again-prompt").name == topic_of("meet-again-last-call").name == "meet-again"
    assert topic_of("community-announcement").name == "announcements"
    for essential in (
        "registration-confirmed",
        "registration-waitlisted",
        "registration-promoted",
        "event-cancelled",
        "event-changed",
        "password-reset",
        "account-confirm",
        "meet-again-match",
        "conduct-warning",
    ):
        assert topic_of(essential) is None, essential


def test_a_topic_turned_off_is_not_queued_and_the_others_are(tomorrow, make_user, sign_up_for, now):
    keeps, stops = make_user(), make_user()
    turn_off(stops, "reminders", now=now)
    turn_off(keeps, "tables", "meet-again", now=now)
    for person in (keeps, stops):
        sign_up_for(tomorrow, person)

    assert queue_reminders(now=now) == 2  # both are done with: the one who turned it off is not asked again
    assert [mail.recipient_id for mail in mails("event-reminder")] == [keeps.id]
    assert queue_reminders(now=now + timedelta(hours=1)) == 0


def test_essential_mail_goes_whatever_is_turned_off(event, make_user, sign_up_for, now):
    person = make_user()
    turn_off(person, *TOPICS, now=now)
    sign_up_for(event, person)
    [confirmation] = mails("registration-confirmed", to=person)
    assert confirmation.unsubscribe_url is None
    assert "mail settings" not in confirmation.body


def test_optional_mail_carries_its_one_click_link_and_a_footer(tomorrow, make_user, sign_up_for, now):
    person = make_user()
    sign_up_for(tomorrow, person)
    queue_reminders(now=now)
    [reminder] = mails("event-reminder")
    link = urlsplit(reminder.unsubscribe_url)
    assert (link.scheme, link.netloc) == ("http", "localhost")  # BASE_URL: absolute
    assert link.path.startswith("/mail/unsubscribe/")
    footer = reminder.body.rsplit("---\n", 1)[1]
    assert "“Reminders” is on in your mail settings" in footer
    assert f"Turn these mails off: {reminder.unsubscribe_url}\n" in footer
    assert "All mail settings: http://localhost/profile#mail\n" in footer
    assert reminder.body.index(f"/events/{tomorrow.id}") < reminder.body.index("---\n")  # the event's link first


def test_the_footer_is_in_the_recipients_language(tomorrow, make_user, sign_up_for, now):
    person = make_user(language="ja")
    sign_up_for(tomorrow, person)
    queue_reminders(now=now)
    [reminder] = mails("event-reminder")
    footer = reminder.body.rsplit("---\n", 1)[1]
    assert "「リマインダー」" in footer
    assert "Turn these mails off" not in footer


def test_the_headers_of_rfc_8058_arrive_at_the_smtp_server(tomorrow, make_user, sign_up_for, smtp_server, now):
    person = make_user()
    sign_up_for(tomorrow, person)
    queue_reminders(now=now)
    [reminder] = mails("event-reminder")
    assert send_pending() == (2, 0, 0)  # the confirmation and the reminder
    by_subject = {message["Subject"]: message for message in smtp_server.messages}
    received = by_subject[reminder.subject]
    assert len(f"List-Unsubscribe: <{reminder.unsubscribe_url}>") > 78  # longer than a line: never folded
    assert dict(received.raw_items())["List-Unsubscribe"] == f"<{reminder.unsubscribe_url}>"  # as written
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    [confirmation] = [message for subject, message in by_subject.items() if subject != reminder.subject]
    assert confirmation["List-Unsubscribe"] is None and confirmation["List-Unsubscribe-Post"] is None


def test_turning_a_topic_off_twice_keeps_one_row(make_user, now):
    person = make_user()
    turn_off(person, "reminders", now=now)
    turn_off(person, "reminders", now=now + timedelta(days=1))
    rows = db.session.scalars(select(MailOptOut).where(MailOptOut.user_id == person.id)).all()
    assert [(row.topic, row.created_at) for row in rows] == [("reminders", now)]


def test_choosing_topics_keeps_exactly_those_on(make_user, now):
    person = make_user()
    turn_off(person, "reminders", now=now)
    preferences.choose_topics(person.id, ["reminders", "tables"], now=now)
    assert preferences.topics_off(person.id) == {"meet-again", "announcements"}
    preferences.choose_topics(person.id, [], now=now)
    assert preferences.topics_off(person.id) == set(TOPICS)
    preferences.choose_topics(person.id, TOPICS, now=now)
    assert preferences.topics_off(person.id) == set()
