"""Writing to an evening's attendees: who gets the mail (and who never does),
in which language, what the mail says, the limits, the page's access, and
reporting a message by the people it reached."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from meetup.accounts.services.settings import make_admin
from meetup.communities.models import CO_HOST, DOOR
from meetup.communities.services import add_member
from meetup.conduct.services.reports import AlreadyReportedError, report_message
from meetup.errors import DomainError, NotFoundError
from meetup.events.models import MESSAGE_BODY_MAX, HostMessage
from meetup.events.services import events as hosting
from meetup.events.services.messages import MESSAGES_PER_WINDOW, MessageRefusedError, send_message
from meetup.events.services.registration import cancel_registration
from meetup.extensions import db
from meetup.mail.models import OutboxMessage
from meetup.mail.services.sender import send_pending
from meetup.rules.models import Report
from tests.conftest import Auth, csrf_token
from tests.events.helpers import mails

KIND = "host-message"
BODY = "We moved to room 8B.\n<b>Bring cards</b> & a pen."
REPORT_LINK = re.compile(r"http://localhost(/conduct/messages/[^/\s]+/report)")


@pytest.fixture
def evening(make_event, make_user, host, sign_up_for):
    """An evening of two seats: an English and a Japanese seat, one waitlisted, one who cancelled."""
    event = make_event(capacity=2)
    people = {
        "en": make_user(display_name="Ken Mori"),
        "ja": make_user(display_name="山田 絵美", language="ja"),
        "waiting": make_user(display_name="Waiting Wada"),
        "gone": make_user(display_name="Gone Goto"),
    }
    for role in ("en", "ja", "waiting", "gone"):
        sign_up_for(event, people[role])
    cancel_registration(people["en"], event.id, now=event.created_at)
    sign_up_for(event, people["en"])  # back on the waitlist, then…
    cancel_registration(people["gone"], event.id, now=event.created_at)  # …"gone" frees a seat for "waiting"
    return event, people


def _seats(event, people):
    from tests.events.helpers import statuses

    return {role: statuses(event)[person.id] for role, person in people.items()}


def _counts():
    return (
        db.session.scalar(select(func.count()).select_from(HostMessage)),
        db.session.scalar(select(func.count()).select_from(OutboxMessage)),
    )


def _send(host, event, now, **overrides):
    values = {"subject": "Room change", "body": BODY, "include_waitlist": False, **overrides}
    return send_message(host, event.id, now=now, **values)


def test_the_evening_is_as_the_tests_expect(evening):
    event, people = evening
    assert _seats(event, people) == {"ja": "confirmed", "waiting": "confirmed", "en": "waitlisted", "gone": "cancelled"}


def test_seats_get_it_in_their_language_through_smtp_and_the_waitlist_does_not(app, evening, host, now, smtp_server):
    event, people = evening
    message = _send(host, event, now)
    db.session.commit()
    assert message.recipient_count == 2 and message.sender_id == host.id
    send_pending()
    received = {m["To"]: m for m in smtp_server.messages if "Room change" in m["Subject"]}
    assert set(received) == {people["ja"].email, people["waiting"].email}
    english = received[people["waiting"].email]
    assert english["Subject"].strip() == "Room change (Shibuya professionals' mixer)"
    text = english.get_content().replace("\r\n", "\n")
    assert "Emi Host, host of Shibuya professionals' mixer, wrote to everyone coming:" in text
    assert BODY in text, "the host's text arrives as they wrote it: plain text, nothing escaped"
    assert "Hosts follow the same code of conduct" in text and REPORT_LINK.search(text)
    japanese = received[people["ja"].email].get_content().replace("\r\n", "\n")
    assert "Emi Hostさん（Shibuya professionals' mixerの主催者）から、参加者の皆さんへのメッセージです" in japanese
    assert BODY in japanese and "行動規範" in japanese and REPORT_LINK.search(japanese)
    assert "unsubscribe" not in text.lower() and not english["List-Unsubscribe"], "essential mail: no opt-out"


def test_the_waitlist_only_when_asked_and_the_cancelled_never(app, evening, host, now):
    event, people = evening
    _send(host, event, now, include_waitlist=True)
    reached = {mail.recipient_id for mail in mails(KIND)}
    assert reached == {people["ja"].id, people["waiting"].id, people["en"].id}
    assert people["gone"].id not in reached
    assert "wrote to everyone coming and everyone on the waitlist" in mails(KIND, to=people["en"])[0].body


def test_the_sender_is_not_written_to(app, evening, host, now, sign_up_for, make_user):
    event, people = evening
    co_host = make_user(display_name="Co Host")
    add_member(host, event.community_id, email=co_host.email, role=CO_HOST, now=now)
    sign_up_for(event, co_host)  # waitlisted: the evening is full
    send_message(co_host, event.id, subject="Hi", body="See you", include_waitlist=True, now=now)
    assert co_host.id not in {mail.recipient_id for mail in mails(KIND)}


def test_the_evening_limit_refuses_a_fourth_message_and_changes_nothing(app, evening, host, now):
    event, _ = evening
    for n in range(MESSAGES_PER_WINDOW):
        _send(host, event, now + timedelta(minutes=n))
    before = _counts()
    with pytest.raises(MessageRefusedError) as refused:
        _send(host, event, now + timedelta(hours=1))
    assert "the most it may have" in str(refused.value.message)
    assert _counts() == before
    _send(host, event, now + timedelta(hours=24, seconds=1))  # the first one is a day old
    assert _counts()[0] == before[0] + 1


@pytest.mark.parametrize(
    "subject, body, field",
    [
        ("", "Hello", "subject"),
        ("   ", "Hello", "subject"),
        ("Hello", " \n ", "body"),
        ("x" * 121, "Hello", "subject"),
        ("Hello", "x" * (MESSAGE_BODY_MAX + 1), "body"),
    ],
)
def test_bad_input_changes_nothing(app, evening, host, now, subject, body, field):
    event, _ = evening
    before = _counts()
    with pytest.raises(DomainError) as refused:
        _send(host, event, now, subject=subject, body=body)
    assert refused.value.field == field and _counts() == before


def test_a_subject_is_one_line(app, evening, host, now):
    event, _ = evening
    assert _send(host, event, now, subject="Room\r\nBcc: x@example.com").subject == "Room Bcc: x@example.com"


def test_no_message_to_a_draft_a_cancelled_or_a_long_finished_evening(app, make_event, host, now, sign_up_for, user):
    draft = make_event(publish=False)
    cancelled = make_event()
    sign_up_for(cancelled, user)
    hosting.cancel_event(host, cancelled.id, now=now)
    past = make_event()
    sign_up_for(past, user)
    before = _counts()
    for event, when in ((draft, now), (cancelled, now), (past, past.ends_at + timedelta(days=7, minutes=1))):
        with pytest.raises(MessageRefusedError):
            _send(host, event, when)
    assert _counts() == before
    assert _send(host, past, past.ends_at + timedelta(days=6)).recipient_count == 1  # a thank-you after


def test_nobody_to_write_to_is_refused(app, event, host, now):
    with pytest.raises(MessageRefusedError):
        _send(host, event, now)


def test_someone_who_does_not_run_the_evening_cannot_send(app, evening, make_user, now):
    event, people = evening
    with pytest.raises(NotFoundError):
        _send(people["ja"], event, now)


# The page.


def _login(client, person):
    assert Auth(client).login(email=person.email).status_code == 302
    return client


def test_the_page_says_how_many_it_reaches_and_sends(client, evening, host):
    event, people = evening
    _login(client, host)
    page = client.get(f"/events/{event.id}/messages").get_data(as_text=True)
    assert "It will reach 2 people with a seat." in page
    assert "With the waitlist ticked, 1 more person on the waitlist." in page
    assert 'name="include_waitlist"' in page and "checked" not in page.split('name="include_waitlist"')[1][:40]
    response = client.post(
        f"/events/{event.id}/messages",
        data={
            "subject": "Room <change>",
            "body": BODY,
            "csrf_token": csrf_token(client, f"/events/{event.id}/messages"),
        },
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Sent. Your message is on its way to 2 people." in page
    assert "Room &lt;change&gt;" in page and "&lt;b&gt;Bring cards&lt;/b&gt; &amp; a pen." in page
    assert "Emi Host" in page and "2 people" in page
    assert f"/events/{event.id}/messages" in client.get(f"/events/{event.id}/dashboard").get_data(as_text=True)


def test_the_page_refuses_bad_input_and_the_limit_with_a_message(client, evening, host, now):
    event, _ = evening
    _login(client, host)
    path = f"/events/{event.id}/messages"
    before = _counts()
    page = client.post(path, data={"subject": "", "body": "", "csrf_token": csrf_token(client, path)})
    assert page.status_code == 200 and "Write a subject." in page.get_data(as_text=True)
    assert _counts() == before
    for n in range(MESSAGES_PER_WINDOW):
        _send(host, event, now - timedelta(minutes=10 - n))
    before = _counts()
    page = client.post(path, data={"subject": "More", "body": "More", "csrf_token": csrf_token(client, path)})
    assert "the most it may have" in page.get_data(as_text=True)
    assert _counts() == before


def test_the_limit_is_said_in_japanese(client, evening, host, now):
    event, _ = evening
    for n in range(MESSAGES_PER_WINDOW):
        _send(host, event, now - timedelta(minutes=10 - n))
    host.language = "ja"
    db.session.commit()
    _login(client, host)
    assert "上限に達したため" in client.get(f"/events/{event.id}/messages").get_data(as_text=True)


@pytest.mark.parametrize("role", ["door", "attendee", "stranger"])
def test_door_staff_and_attendees_get_404(client, evening, host, make_user, now, role):
    event, people = evening
    person = people["ja"] if role == "attendee" else make_user()
    if role == "door":
        add_member(host, event.community_id, email=person.email, role=DOOR, now=now)
    _login(client, person)
    path = f"/events/{event.id}/messages"
    before = _counts()
    assert client.get(path).status_code == 404
    response = client.post(path, data={"subject": "Hi", "body": "Hi", "csrf_token": csrf_token(client, "/")})
    assert response.status_code == 404 and _counts() == before


# Reporting a message.


def _report_path(person) -> str:
    [mail] = mails(KIND, to=person)
    return REPORT_LINK.search(mail.body).group(1)


def test_a_recipient_reports_the_message_and_the_queue_shows_it(app, client, evening, host, make_user, now):
    event, people = evening
    co_host, admin = make_user(display_name="Co Host"), make_user(display_name="Site Admin")
    add_member(host, event.community_id, email=co_host.email, role=CO_HOST, now=now)
    make_admin(admin.email)
    message = _send(host, event, now)
    db.session.commit()
    path = _report_path(people["ja"])
    _login(client, people["ja"])
    assert "Room change" in client.get(path).get_data(as_text=True)
    response = client.post(
        path,
        data={"category": "selling", "description": "An insurance pitch.", "csrf_token": csrf_token(client, path)},
    )
    assert response.status_code == 302
    [report] = db.session.scalars(select(Report)).all()
    assert (report.reporter_id, report.reported_id, report.host_message_id, report.event_id) == (
        people["ja"].id,
        host.id,
        message.id,
        event.id,
    )
    # The host wrote the message and owns the evening: the co-hosts (and site admins) are told, not the host.
    assert not mails("conduct-report-received", to=host)
    assert len(mails("conduct-report-received", to=co_host)) == len(mails("conduct-report-received", to=admin)) == 1
    queue = f"/events/{event.id}/reports"
    co_client = _login(app.test_client(), co_host)
    page = co_client.get(queue).get_data(as_text=True)
    assert "An insurance pitch." in page and "Room change" in page and "Bring cards" in page
    own = _login(app.test_client(), host).get(queue).get_data(as_text=True)
    assert "An insurance pitch." not in own and people["ja"].display_name not in own
    assert _login(app.test_client(), host).get(f"{queue}/{report.id}/ban").status_code == 404


def test_reporting_twice_is_refused_with_a_message(app, client, evening, host, now):
    event, people = evening
    _send(host, event, now)
    _send(host, event, now + timedelta(minutes=1), subject="Another")
    db.session.commit()
    first, second = (REPORT_LINK.search(m.body).group(1) for m in mails(KIND, to=people["ja"]))
    token = first.split("/")[3]
    report_message(people["ja"], token, category="other", description="Pushy.", now=now)
    with pytest.raises(AlreadyReportedError):
        report_message(people["ja"], second.split("/")[3], category="other", description="Again.", now=now)
    _login(client, people["ja"])
    response = client.get(second, follow_redirects=True)
    assert "すでにEmi Hostさんを報告しています" in response.get_data(as_text=True)


def test_nobody_else_reports_through_a_message(app, client, evening, host, make_user, now):
    event, people = evening
    _send(host, event, now)  # the waitlisted "en" is not reached
    db.session.commit()
    path = _report_path(people["ja"])
    before = db.session.scalar(select(func.count()).select_from(Report))
    for person in (people["en"], make_user(), host):
        client = _login(client.application.test_client(), person)
        assert client.get(path).status_code == 404
        response = client.post(
            path, data={"category": "other", "description": "x", "csrf_token": csrf_token(client, "/")}
        )
        assert response.status_code == 404
    assert client.get("/conduct/messages/forged/report").status_code == 404
    with pytest.raises(NotFoundError):
        report_message(people["en"], path.split("/")[3], category="other", description="x", now=now)
    assert db.session.scalar(select(func.count()).select_from(Report)) == before


def test_a_deleted_senders_message_stays_in_the_log_from_nobody(app, client, evening, host, now):
    from meetup.privacy.services import delete_account
    from tests.conftest import PASSWORD

    event, people = evening
    message = _send(host, event, now)
    db.session.commit()
    path = _report_path(people["ja"])
    delete_account(host, password=PASSWORD, now=now)
    db.session.refresh(message)
    assert message.sender_id is None and message.body == BODY
    _login(client, people["ja"])
    assert client.get(path).status_code == 404, "nobody is left to report"
