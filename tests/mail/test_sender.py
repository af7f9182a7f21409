"""Mail leaves through the outbox: queued with the change, sent by the worker
through a real SMTP server, retried when sending fails."""

import socket
from datetime import timedelta

import pytest
from flask_babel import force_locale
from jinja2 import ChoiceLoader, DictLoader
from sqlalchemy import select

from meetup.extensions import db
from meetup.mail.models import OutboxMessage
from meetup.mail.services.outbox import render
from meetup.mail.services.sender import send_pending


def queue(user, subject="予約を確認しました", body="Body line\n2行目"):
    message = OutboxMessage(recipient_id=user.id, recipient_email=user.email, subject=subject, body=body, kind="test")
    db.session.add(message)
    db.session.commit()
    return message


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_pending_mail_is_delivered_over_smtp_and_marked_sent(app, smtp_server, user):
    message = queue(user)
    assert send_pending() == (1, 0, 0)
    [received] = smtp_server.messages
    assert received["To"] == "member@example.com"
    assert received["Subject"] == "予約を確認しました"
    assert "2行目" in received.get_content()
    db.session.refresh(message)
    assert message.sent_at is not None
    assert send_pending() == (0, 0, 0)  # never sent twice
    assert len(smtp_server.messages) == 1


def test_a_failed_send_stays_pending_and_is_retried_later(app, smtp_server, user, now):
    message = queue(user)
    real_port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = free_port()  # nobody listens there
    try:
        assert send_pending() == (0, 1, 0)
    finally:
        app.config["MAIL_PORT"] = real_port
    db.session.refresh(message)
    assert message.sent_at is None and message.attempts == 1
    assert "ConnectionRefusedError" in message.last_error
    # Not before its pause is over...
    assert send_pending() == (0, 0, 0)
    # ...then it goes out.
    assert send_pending(now=now + timedelta(hours=1)) == (1, 0, 0)
    assert len(smtp_server.messages) == 1


def test_the_worker_sends_the_mail_and_says_so(app, smtp_server, user):
    queue(user)
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "Sent 1 message(s); 0 failed and will be retried; 0 set aside" in result.output
    assert len(smtp_server.messages) == 1


@pytest.mark.parametrize("language, expected", [("en", "Log in"), ("ja", "ログイン")])
def test_mail_templates_render_subject_then_body(app, language, expected):
    loader = app.jinja_env.loader
    sample = {"mail/sample.txt": "{{ _('Log in') }}: {{ name }}\n\nHello {{ name }}\n"}
    app.jinja_env.loader = ChoiceLoader([DictLoader(sample), loader])
    try:
        with app.test_request_context(), force_locale(language):
            subject, body = render("sample", name="Aiko")
    finally:
        app.jinja_env.loader = loader
    assert subject == f"{expected}: Aiko"
    assert body == "Hello Aiko\n"


def test_queued_mail_for_a_deleted_account_is_not_created(app, user):
    from meetup.mail import enqueue

    user.email = None
    assert enqueue(user, "anything") is None
    assert db.session.scalars(select(OutboxMessage)).all() == []
