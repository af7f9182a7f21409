"""Without MAIL_SERVER every mail is printed in full to the worker's console,
readable: decoded headers, the body as text (not base64), its attachments;
then it counts as sent."""

from email.message import EmailMessage

from meetup.extensions import db
from meetup.mail.models import OutboxMessage
from meetup.mail.services.sender import _LogTransport, send_pending

SUBJECT = "【交流会】ご予約を確認しました"
BODY = "田中 愛子 様\n\nご予約ありがとうございます。\n当日お会いできるのを楽しみにしております。\n"
CALENDAR = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//meetup//test//EN\r\nBEGIN:VEVENT\r\n"
    "UID:event-1@meetup.localhost\r\nDTSTAMP:20261119T000000Z\r\nDTSTART:20261126T100000Z\r\n"
    "DTEND:20261126T120000Z\r\nSUMMARY:士業交流会\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def queue(user, **fields) -> OutboxMessage:
    message = OutboxMessage(
        recipient_id=user.id, recipient_email=user.email, subject=SUBJECT, body=BODY, kind="test", **fields
    )
    db.session.add(message)
    db.session.commit()
    return message


def assert_readable(output: str, message_id: str) -> None:
    assert f"To: member@example.com\nSubject: {SUBJECT}\nMessage-ID: {message_id}\n" in output
    assert BODY.rstrip("\n") in output  # decoded: Japanese as written, line by line
    assert "base64" not in output and "=?utf-8?" not in output


def test_send_mail_prints_each_message_in_full_and_marks_it_sent(app, user, caplog):
    message = queue(user)
    message_id, message_key = message.id, message.message_id  # the worker's tick ends this session
    assert app.config["MAIL_SERVER"] == ""
    with caplog.at_level("INFO", logger="meetup"):
        result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert_readable(result.output, message_key)
    assert "Sent 1 message(s)" in result.output
    assert db.session.get(OutboxMessage, message_id).sent_at is not None
    # The log keeps one line about it, not the mail.
    [line] = [record.getMessage() for record in caplog.records if "printed, not sent" in record.getMessage()]
    assert line == f"Mail {message_key} to member@example.com printed, not sent: no MAIL_SERVER set"
    assert BODY.splitlines()[0] not in caplog.text


def test_a_message_with_a_calendar_is_printed_readably_too(app, user, capsys):
    message = queue(user, calendar=CALENDAR, unsubscribe_url="http://localhost/mail/unsubscribe/signed")
    assert send_pending() == (1, 0, 0)
    assert_readable(capsys.readouterr().out, message.message_id)


def test_a_multipart_message_shows_its_body_headers_and_one_line_per_attachment(app, capsys):
    email = EmailMessage()
    email["From"] = "meetup <no-reply@meetup.localhost>"
    email["To"] = "member@example.com"
    email["Subject"] = SUBJECT
    email["Message-ID"] = "<one@meetup.localhost>"
    email["List-Unsubscribe"] = "<http://localhost/mail/unsubscribe/signed>"
    email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email.set_content(BODY)
    email.add_attachment(CALENDAR.encode(), maintype="text", subtype="calendar", filename="invite.ics")
    assert email.is_multipart()
    with app.app_context(), _LogTransport() as transport:
        transport.send_message(email, to_addrs=["member@example.com"])
    output = capsys.readouterr().out
    assert_readable(output, "<one@meetup.localhost>")
    assert "List-Unsubscribe: <http://localhost/mail/unsubscribe/signed>\n" in output
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click\n" in output
    assert f"Attachment: invite.ics (text/calendar, {len(CALENDAR.encode())} bytes)" in output
    assert "BEGIN:VCALENDAR" not in output  # listed, not dumped


def test_a_message_without_a_plain_text_body_says_so(app, capsys):
    email = EmailMessage()
    email["To"] = "member@example.com"
    email["Subject"] = "HTML only"
    email.set_content("<p>Hi</p>", subtype="html")
    with app.app_context(), _LogTransport() as transport:
        transport.send_message(email, to_addrs=["member@example.com"])
    assert "(no plain-text body)" in capsys.readouterr().out
