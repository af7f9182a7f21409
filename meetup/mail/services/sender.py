"""The mail worker: sends due outbox messages through SMTP (printed to the
console when no SMTP server is set).

A short transaction claims a batch for a lease (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL; on SQLite the worker's transactions begin IMMEDIATE, see
meetup.database); the batch is sent with no transaction open, each message
recorded as sent once the server accepts it. So no two workers send one
message, and a crash repeats at most the one in flight, under its
Message-ID. A failed send is retried later; a message that cannot be built,
or is refused for good, is set aside.
"""

import smtplib
import time
from datetime import datetime, timedelta
from email.errors import MessageError
from email.message import EmailMessage
from email.policy import default
from typing import NamedTuple

import click
from flask import current_app
from icalendar import Calendar
from sqlalchemy import or_, select

from meetup.extensions import db
from meetup.mail.models import OutboxMessage
from meetup.mail.services.console import readable
from meetup.timeutil import utcnow

BATCH_SIZE = 20
SMTP_TIMEOUT = 30  # seconds, for each exchange with the server
# How long a claim holds. A worker starts no send in the second half of its
# lease, so a slow batch cannot run past it into another worker's claim.
LEASE = timedelta(minutes=10)
MAX_BACKOFF = timedelta(hours=6)
CALENDAR_FILENAME = "invite.ics"
# What the email package raises for a value it cannot put into a message.
UNBUILDABLE = (ValueError, MessageError)


class Delivery(NamedTuple):
    sent: int = 0
    retried: int = 0  # failed this time, tried again later
    set_aside: int = 0

    def __add__(self, other):
        return Delivery(*(mine + theirs for mine, theirs in zip(self, other)))


def _backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** min(attempts, 10)), MAX_BACKOFF)


def one_line(value: str) -> str:
    """``value`` with every line break (CR, LF, U+2028, U+2029, NEL… all that
    str.splitlines() breaks at) folded to a space: it cannot end its header."""
    return " ".join(value.splitlines())


def build_message(message: OutboxMessage, sender: str) -> EmailMessage:
    # Headers set as raw text are written as they are (those set by name are folded as usual).
    email = EmailMessage(policy=default.clone(refold_source="none"))
    email["From"] = one_line(sender)
    email["To"] = one_line(message.recipient_email)
    email["Subject"] = one_line(message.subject)
    email["Message-ID"] = one_line(message.message_id)
    if message.unsubscribe_url:
        # RFC 8058: a mail client may offer "unsubscribe" and POST this body to the link itself.
        # Raw, so that a link longer than a line is not folded into encoded words no client reads.
        email.set_raw("List-Unsubscribe", f"<{one_line(message.unsubscribe_url)}>")
        email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email.set_content(message.body)  # UTF-8, so Japanese arrives intact
    if message.calendar is not None:
        _check_calendar(message.calendar)
        # After the text, so a reader without a calendar sees the words first
        # (the message becomes multipart/mixed). The method matches the file's
        # METHOD, as RFC 6047 asks: a published entry, not an invitation to answer.
        # As bytes, so its CRLF line ends arrive exactly as iCalendar wants them.
        email.add_attachment(
            message.calendar.encode("utf-8"),
            maintype="text",
            subtype="calendar",
            filename=CALENDAR_FILENAME,
            params={"method": "PUBLISH", "charset": "utf-8"},
        )
    email.as_bytes()  # the email package checks some headers only when it writes them out
    return email


def _check_calendar(text: str) -> None:
    """A calendar file holds one VCALENDAR with at least one event; anything
    else raises ValueError, so the message is set aside, never sent broken."""
    calendar = Calendar.from_ical(text)
    if calendar.name != "VCALENDAR" or not calendar.walk("VEVENT"):
        raise ValueError("the attached calendar holds no event")


class _LogTransport:
    """Development without SMTP: print each mail in full to the console (the
    worker's standard output), where a developer looks; the log gets one line,
    so a server left without MAIL_SERVER shows it there too."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def send_message(self, email: EmailMessage, to_addrs) -> None:
        click.echo(readable(email))  # flushed, so a worker's console shows it at once
        current_app.logger.info(
            "Mail %s to %s printed, not sent: no MAIL_SERVER set", email["Message-ID"], ", ".join(to_addrs)
        )


def _transport():
    config = current_app.config
    if not config["MAIL_SERVER"]:
        return _LogTransport()
    smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=SMTP_TIMEOUT)
    try:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    except BaseException:
        smtp.close()
        raise
    return smtp


class _Claimed(NamedTuple):
    id: int
    recipient: str
    email: EmailMessage


def send_pending(now: datetime | None = None, *, stopping=lambda: False) -> Delivery:
    """Send what is due, batch after batch, until nothing is left or the
    server fails; return what became of the messages. ``now`` fixes the clock.
    Once ``stopping()`` is true (the worker was told to stop), no new batch is
    claimed and what is left of the current one is released."""
    clock = (lambda: now) if now else utcnow
    delivery = Delivery()
    while not stopping():
        batch, set_aside = _claim(clock())
        if not batch and not set_aside:
            return delivery
        outcome = _send(batch, clock, stopping) if batch else Delivery()
        delivery += outcome + Delivery(set_aside=set_aside)
        if outcome.retried:
            return delivery  # the server is in trouble: the rest wait for the next run
    return delivery


def _claim(now: datetime) -> tuple[list[_Claimed], int]:
    """Claim a batch of due messages in one short transaction, building each;
    a message that cannot be built is set aside there and then."""
    db.session.commit()  # end the caller's transaction: the claim must begin one afresh
    due = (
        select(OutboxMessage)
        .where(
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.set_aside_at.is_(None),
            OutboxMessage.next_attempt_at <= now,
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until <= now),
        )
        .order_by(OutboxMessage.id)
        .limit(BATCH_SIZE)
        .with_for_update(skip_locked=True)  # SQLite has none: its lock came with BEGIN IMMEDIATE
        .execution_options(populate_existing=True)  # as claimed now, not as an earlier batch left them
    )
    sender = current_app.config["MAIL_SENDER"]
    claimed, set_aside = [], 0
    for message in db.session.scalars(due):
        try:
            email = build_message(message, sender)
        except UNBUILDABLE as error:
            _set_aside(message, error, now)
            set_aside += 1
        else:
            message.claimed_until = now + LEASE
            claimed.append(_Claimed(message.id, message.recipient_email, email))
    db.session.commit()
    return claimed, set_aside


def _send(batch: list[_Claimed], clock, stopping) -> Delivery:
    """Send a claimed batch with no transaction open, recording each outcome
    in its own short transaction."""
    started = time.monotonic()
    try:
        transport = _transport()
    except (OSError, smtplib.SMTPException) as error:
        _record([claimed.id for claimed in batch], _retry_later, error, clock())
        return Delivery(retried=len(batch))
    delivery = Delivery()
    with transport:
        for position, claimed in enumerate(batch):
            if position and (stopping() or timedelta(seconds=time.monotonic() - started) > LEASE / 2):
                _record([c.id for c in batch[position:]], _release)
                break
            try:
                transport.send_message(claimed.email, to_addrs=[claimed.recipient])
            except (OSError, smtplib.SMTPException, *UNBUILDABLE) as error:
                if _refused_for_good(error):
                    _record([claimed.id], _set_aside, error, clock())
                    delivery += Delivery(set_aside=1)
                    continue
                _record([claimed.id], _retry_later, error, clock())
                delivery += Delivery(retried=1)
                if not _refused_for_now(error):  # the connection itself failed: stop here
                    _record([c.id for c in batch[position + 1 :]], _release)
                    break
            else:
                _record([claimed.id], _mark_sent, clock())
                delivery += Delivery(sent=1)
    return delivery


def _refused_for_good(error: Exception) -> bool:
    """This message can never go out as it is: the server answered 5xx to its
    recipient or its content, or it cannot be written out. (A refused sender
    is the configuration's fault, not the message's: retried.)"""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPDataError):
        return error.smtp_code >= 500
    return isinstance(error, (smtplib.SMTPNotSupportedError, *UNBUILDABLE))


def _refused_for_now(error: Exception) -> bool:
    """The server put off this one message (4xx) and can take the next."""
    return isinstance(error, (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError))


def _record(ids: list[int], change, *args) -> None:
    """Apply ``change`` to each of these messages in one short transaction."""
    if not ids:
        return
    for message in db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids))):
        change(message, *args)
    db.session.commit()


def _mark_sent(message: OutboxMessage, now: datetime) -> None:
    message.sent_at = now
    message.claimed_until = None


def _release(message: OutboxMessage) -> None:
    message.claimed_until = None


def _retry_later(message: OutboxMessage, error: Exception, now: datetime) -> None:
    message.attempts += 1
    message.last_error = _describe(error)
    message.next_attempt_at = now + _backoff(message.attempts)
    message.claimed_until = None
    current_app.logger.warning(
        "Mail %s to %s not sent, will retry: %s", message.id, message.recipient_email, message.last_error
    )


def _set_aside(message: OutboxMessage, error: Exception, now: datetime) -> None:
    message.attempts += 1
    message.last_error = _describe(error)
    message.set_aside_at = now
    message.claimed_until = None
    current_app.logger.error(
        "Mail %s to %s set aside, never retried (%s): %s",
        message.id,
        message.recipient_email,
        message.kind,
        message.last_error,
    )


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:500]
