"""``send-mail``: once, it says what it did or gives one line of error; as a
worker (``--every N``), a database or SMTP failure is logged and tried again."""

import smtplib

import pytest
from sqlalchemy.exc import OperationalError

from meetup.extensions import db
from meetup.mail.models import OutboxMessage
from meetup.mail.services import sender

FAILURES = [
    OperationalError("SELECT …", {}, Exception("database is locked\nmore detail")),
    smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
    ConnectionResetError("Connection reset by peer"),
]


class StopWorker(Exception):
    """Ends the worker loop where it would sleep."""


def queue(user):
    db.session.add(
        OutboxMessage(recipient_id=user.id, recipient_email=user.email, subject="Hello", body="本文\n", kind="test")
    )
    db.session.commit()


def failing_once(error):
    calls = []

    def send_pending(now=None):
        calls.append(now)
        if len(calls) == 1:
            raise error
        return real_send_pending(now)

    real_send_pending = sender.send_pending
    return send_pending, calls


@pytest.mark.parametrize("error", FAILURES, ids=lambda error: type(error).__name__)
def test_the_worker_logs_a_failure_and_sends_on_the_next_round(app, smtp_server, user, monkeypatch, caplog, error):
    queue(user)
    send_pending, calls = failing_once(error)
    monkeypatch.setattr(sender, "send_pending", send_pending)
    sleeps = []

    def sleep(seconds):
        sleeps.append(seconds)
        if len(sleeps) == 2:
            raise StopWorker

    monkeypatch.setattr("time.sleep", sleep)
    with caplog.at_level("ERROR", logger="meetup"):
        result = app.test_cli_runner().invoke(args=["send-mail", "--every", "5"])
    assert isinstance(result.exception, StopWorker), result.output
    assert len(calls) == 2 and sleeps == [5, 5]
    assert "Mail not sent this time" in caplog.text and "trying again in 5 s" in caplog.text
    assert "Sent 1 message(s)" in result.output
    assert len(smtp_server.messages) == 1


def test_once_a_failure_is_one_line_of_error(app, user, monkeypatch):
    send_pending, _ = failing_once(FAILURES[0])
    monkeypatch.setattr(sender, "send_pending", send_pending)
    result = app.test_cli_runner().invoke(args=["send-mail"])
    assert result.exit_code == 1
    assert result.output.splitlines() == ["Error: Mail not sent this time: (builtins.Exception) database is locked"]
