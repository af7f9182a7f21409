"""One bad message never blocks the rest: a line break in a value that ends
up in a header (an event title, a display name) is folded to a space, so it
can neither break the message nor add a header or a recipient; a message
that still cannot be built, or that the server refuses for good, is set
aside with a log line, and everything queued after it goes out."""

import sys
from datetime import datetime, timedelta

import pytest

from meetup.accounts.services.settings import update_profile
from meetup.conduct.services import moderation
from meetup.extensions import db
from meetup.mail.models import OutboxMessage
from meetup.mail.services import sender
from meetup.mail.services.sender import send_pending
from meetup.matching.services.choices import save_choices
from meetup.matching.services.reveal import reveal_matches
from tests.conduct.conftest import attended, file_report  # noqa: F401  (shared fixtures)
from tests.events.conftest import event, host, make_event, sign_up_for  # noqa: F401
from tests.matching.conftest import after, during, seated  # noqa: F401
from tests.seating.conftest import evening  # noqa: F401

NOW = datetime(2031, 5, 1, 10, 0)
INTRUDER = "intruder@example.com"
# Every character at which str.splitlines() breaks a line (CR, LF, VT, FF,
# FS, GS, RS, NEL, U+2028, U+2029), and CRLF.
LINE_BREAKS = [ch for ch in map(chr, range(sys.maxunicode + 1)) if len(f"a{ch}b".splitlines()) == 2] + ["\r\n"]


def queue(recipient, subject="Hello", email=None, at=NOW):
    """Queue a message directly (``at=None``: queued now, as the services queue)."""
    times = {"created_at": at, "next_attempt_at": at} if at else {}
    message = OutboxMessage(
        recipient_id=recipient.id,
        recipient_email=email or recipient.email,
        subject=subject,
        body="本文\n",
        kind="test",
        **times,
    )
    db.session.add(message)
    db.session.commit()
    return message


def assert_only_to_their_recipients(smtp_server):
    for received, recipients in zip(smtp_server.messages, smtp_server.envelope_recipients, strict=True):
        assert recipients == [received["To"]]
        assert received["Bcc"] is None and received["Cc"] is None
        assert INTRUDER not in str(received["To"])


def test_every_line_break_is_counted():
    assert len(LINE_BREAKS) == 11 and {"\u2028", "\u2029", "\x85"} < set(LINE_BREAKS)


@pytest.mark.parametrize("line_break", LINE_BREAKS, ids=repr)
def test_a_line_break_in_an_event_title_is_folded_into_the_subject(
    app, smtp_server, make_event, make_user, sign_up_for, line_break
):
    event = make_event(title=f"Mixer{line_break}Bcc: {INTRUDER}")
    first, second = make_user(), make_user()
    sign_up_for(event, first)
    queue(second, subject="Queued after it", at=None)
    assert send_pending() == (2, 0, 0)
    confirmation, later = smtp_server.messages
    assert confirmation["Subject"] == f"Your seat is confirmed: Mixer Bcc: {INTRUDER}"
    assert (confirmation["To"], later["To"], later["Subject"]) == (first.email, second.email, "Queued after it")
    assert_only_to_their_recipients(smtp_server)


def _hostile_name(user, line_break):
    update_profile(
        user,
        display_name=f"Aiko{line_break}Bcc: {INTRUDER}",
        industry=user.industry,
        industry_other="",
        introduction="",
        language=None,
    )


@pytest.mark.parametrize("line_break", ["\u2028", "\u2029"], ids=repr)
def test_a_line_break_in_the_communitys_name_is_folded_into_the_ban_notice(
    app, smtp_server, attended, file_report, host, line_break
):
    event, users = attended
    report = file_report(event, users[0], users[1], round_=0)
    # Written straight to the row: the community form would refuse nothing here either,
    # and the notice must hold whatever a name holds.
    event.community.name = f"Aiko{line_break}Bcc: {INTRUDER}"
    db.session.commit()
    moderation.ban(host, event.id, report.id, now=event.starts_at)
    assert send_pending().set_aside == 0
    [notice] = [m for m in smtp_server.messages if m["To"] == users[1].email and "Aiko" in m["Subject"]]
    # The long subject is folded onto a continuation line; what a mail client shows reads:
    assert " ".join(notice["Subject"].split()) == f"About your registrations for the evenings of Aiko Bcc: {INTRUDER}"
    assert_only_to_their_recipients(smtp_server)


@pytest.mark.parametrize("line_break", ["\u2028", "\u2029"], ids=repr)
def test_a_line_break_in_a_name_is_folded_into_the_match_notice(app, smtp_server, seated, during, after, line_break):
    event, (a, b, _, _) = seated()
    _hostile_name(b, line_break)
    save_choices(a, event.id, [b.id], now=during)
    save_choices(b, event.id, [a.id], now=during)
    assert reveal_matches(event.id, now=after) == 1
    assert send_pending().set_aside == 0
    [notice] = [m for m in smtp_server.messages if m["To"] == a.email and "meet again" in m["Subject"]]
    assert notice["Subject"] == f"You and Aiko Bcc: {INTRUDER} would both like to meet again"
    assert_only_to_their_recipients(smtp_server)


def _delivered(message) -> tuple:
    db.session.refresh(message)
    return message.sent_at, message.set_aside_at, message.attempts


@pytest.fixture
def unbuildable(monkeypatch):
    """A message with the subject "Unbuildable" fails to build, as one the
    email package refused would (folding leaves no known value that does)."""
    real_build = sender.build_message

    def build(message, from_):
        if message.subject == "Unbuildable":
            raise ValueError("the email package refused a header")
        return real_build(message, from_)

    monkeypatch.setattr(sender, "build_message", build)
    return "Unbuildable"


def test_a_message_that_cannot_be_built_is_set_aside_and_the_rest_go_out(app, smtp_server, user, unbuildable, caplog):
    queue(user, "Before")
    bad = queue(user, unbuildable)
    queue(user, "After")
    with caplog.at_level("ERROR", logger="meetup"):
        assert send_pending(now=NOW) == (2, 0, 1)
    assert [m["Subject"] for m in smtp_server.messages] == ["Before", "After"]
    assert _delivered(bad) == (None, NOW, 1)
    assert f"Mail {bad.id} to {user.email} set aside" in caplog.text and "ValueError" in caplog.text
    assert bad.last_error == "ValueError: the email package refused a header"
    assert send_pending(now=NOW + timedelta(days=1)) == (0, 0, 0)  # never retried


def test_a_recipient_the_server_refuses_for_good_is_set_aside_and_the_rest_go_out(app, smtp_server, user, caplog):
    smtp_server.refuse["gone@example.com"] = "550 5.1.1 No such user"
    queue(user, "Before")
    refused = queue(user, "Refused", email="gone@example.com")
    queue(user, "After")
    with caplog.at_level("ERROR", logger="meetup"):
        assert send_pending(now=NOW) == (2, 0, 1)
    assert [m["Subject"] for m in smtp_server.messages] == ["Before", "After"]
    assert _delivered(refused) == (None, NOW, 1)
    assert f"Mail {refused.id} to gone@example.com set aside" in caplog.text and "No such user" in caplog.text
    assert send_pending(now=NOW + timedelta(days=1)) == (0, 0, 0)


def test_a_recipient_put_off_for_now_is_retried_and_the_rest_go_out(app, smtp_server, user):
    smtp_server.refuse["busy@example.com"] = "451 4.7.1 Try again later"
    busy = queue(user, "Put off", email="busy@example.com")
    queue(user, "After")
    assert send_pending(now=NOW) == (1, 1, 0)
    assert _delivered(busy) == (None, None, 1)
    del smtp_server.refuse["busy@example.com"]
    assert send_pending(now=NOW + timedelta(hours=1)) == (1, 0, 0)
    assert [m["Subject"] for m in smtp_server.messages] == ["After", "Put off"]


def test_a_whole_batch_that_cannot_be_built_does_not_hold_back_what_follows(app, smtp_server, user, unbuildable):
    for _ in range(sender.BATCH_SIZE):
        queue(user, unbuildable)
    queue(user, "After")
    assert send_pending(now=NOW) == (1, 0, sender.BATCH_SIZE)
    assert [m["Subject"] for m in smtp_server.messages] == ["After"]
