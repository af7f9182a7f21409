"""The mail worker: sends pending outbox messages and marks them sent.

A failed send stays pending and is retried later with a growing pause. On
PostgreSQL several workers may run at once: each claims its messages with
``FOR UPDATE SKIP LOCKED`` so no message goes out twice. Without SMTP settings
(development), messages are written to the log instead.
"""

import smtplib
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app
from sqlalchemy import select

from meetup.extensions import db
from meetup.mail.models import OutboxMessage
from meetup.timeutil import utcnow

BATCH_SIZE = 100
MAX_BACKOFF = timedelta(hours=6)


def _backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** min(attempts, 10)), MAX_BACKOFF)


def build_message(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient_email
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}")
    email.set_content(message.body)  # UTF-8, so Japanese arrives intact
    return email


class _LogTransport:
    """Development without SMTP: print the mail to the log."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def send_message(self, email: EmailMessage) -> None:
        current_app.logger.info("Mail (no MAIL_SERVER set, not sent):\n%s", email.as_string())


def _transport():
    config = current_app.config
    if not config["MAIL_SERVER"]:
        return _LogTransport()
    smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30)
    if config["MAIL_USE_TLS"]:
        smtp.starttls()
    if config["MAIL_USERNAME"]:
        smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    return smtp


def _claim_batch(now) -> list[OutboxMessage]:
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id)
        .limit(BATCH_SIZE)
        .with_for_update(skip_locked=True)
    )
    return list(db.session.scalars(query))


def send_pending(now=None) -> tuple[int, int]:
    """Send what is due; return (sent, failed). Each batch is one transaction
    that holds its rows until their outcome is recorded."""
    sent = failed = 0
    while True:
        now = now or utcnow()
        batch = _claim_batch(now)
        if not batch:
            db.session.commit()
            return sent, failed
        sender = current_app.config["MAIL_SENDER"]
        try:
            transport = _transport()
        except (OSError, smtplib.SMTPException) as error:
            for message in batch:
                _record_failure(message, error, now)
            db.session.commit()
            return sent, failed + len(batch)
        with transport:
            for message in batch:
                try:
                    transport.send_message(build_message(message, sender))
                except (OSError, smtplib.SMTPException) as error:
                    _record_failure(message, error, now)
                    failed += 1
                else:
                    message.sent_at = utcnow()
                    sent += 1
        db.session.commit()
        if failed:
            return sent, failed


def _record_failure(message: OutboxMessage, error: Exception, now) -> None:
    message.attempts += 1
    message.last_error = f"{type(error).__name__}: {error}"[:500]
    message.next_attempt_at = now + _backoff(message.attempts)
    current_app.logger.warning("Mail %s to %s not sent: %s", message.id, message.recipient_email, error)
