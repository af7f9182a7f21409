"""Writing to an evening's attendees: a host's message, mailed through the
outbox to everyone with a seat (and, if the host asks, the waitlist), and kept
in the evening's log with who wrote it and when.

What may be sent, and why:

- Only to an evening people can come to or have just been to: not a draft
  (nobody is registered), not a cancelled evening (its cancellation mail said
  all there is to say; more mail would only keep people on a list), and not
  once ``WRITE_UNTIL_AFTER_END`` has passed since it ended. A thank-you,
  lost property or the slides go out in the days after; weeks later a mail to
  everyone is no longer news about the evening, and it starts to look like
  the marketing these mixers promise to keep out.
- At most ``MESSAGES_PER_WINDOW`` messages per evening in any
  ``MESSAGE_WINDOW``, whoever of its hosts writes them. A change of room, a
  late start and a reminder to bring cards fit in three a day; a fourth is
  a burden on people who came for no pressure. The count is read in the
  database under the evening's lock, so two tabs (or two co-hosts) cannot
  both send the third. (The per-account limit of the web form, in
  ``HOST_MESSAGE_LIMIT``, guards against a script across many evenings.)
- To people only: confirmed seats (plus the waitlist when asked, and with it
  a lottery's applicants before its draw: they hold no seat yet), never a
  cancelled registration, never a deleted account or one whose address is
  unconfirmed (the outbox would skip it anyway), and never the sender.

A host message is essential mail (practical news about an evening the person
holds a place at): it belongs to no mail topic and has no unsubscribe link.
Each mail carries a link, signed for its one recipient, to report the message
(``meetup.conduct``): hosts follow the code of conduct too.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from meetup import tokens
from meetup.accounts.models import User
from meetup.errors import DomainError, NotFoundError
from meetup.events.models import (
    APPLIED,
    CANCELLED,
    CONFIRMED,
    DRAFT,
    MESSAGE_BODY_MAX,
    MESSAGE_SUBJECT_MAX,
    WAITLISTED,
    Event,
    HostMessage,
    Registration,
)
from meetup.events.queries.events import EVENT_NOT_FOUND
from meetup.events.services.locking import locked_event
from meetup.events.timezones import format_moment
from meetup.extensions import db
from meetup.i18n import lazy_gettext as _l
from meetup.mail import enqueue, external_url

MESSAGES_PER_WINDOW = 3
MESSAGE_WINDOW = timedelta(hours=24)
WRITE_UNTIL_AFTER_END = timedelta(days=7)
TEMPLATE = "host-message"


class MessageRefusedError(DomainError):
    pass


def writing_refusal(event: Event, now: datetime):
    """Why nobody may write to this evening's attendees now, or None."""
    if event.state == DRAFT:
        return _l("This evening is a draft: nobody is registered yet. Publish it first.")
    if event.state == CANCELLED:
        return _l("This evening is cancelled: its attendees were told by mail and are not written to any more.")
    if now > event.ends_at + WRITE_UNTIL_AFTER_END:
        return _l("This evening ended more than a week ago: its attendees are not written to any more.")
    return None


def _recipients_statement(event_id: int, include_waitlist: bool, sender_id: int | None):
    # Lottery applicants before the draw hold no seat yet: they go with the waitlist.
    statuses = (CONFIRMED, WAITLISTED, APPLIED) if include_waitlist else (CONFIRMED,)
    statement = (
        select(User)
        .join(Registration, Registration.user_id == User.id)
        .where(
            Registration.event_id == event_id,
            Registration.status.in_(statuses),
            User.deleted_at.is_(None),
            User.email_confirmed_at.is_not(None),
        )
    )
    if sender_id is not None:
        statement = statement.where(User.id != sender_id)
    return statement


@dataclass(frozen=True)
class Reach:
    """How many people a message would reach now: seats, and the waitlist besides."""

    confirmed: int
    waitlisted: int
    applied: int = 0  # lottery applicants before the draw, reached with the waitlist


def reach(event: Event, sender) -> Reach:
    """Who a message from ``sender`` would reach, counted (one query)."""
    statement = _recipients_statement(event.id, True, sender.id).with_only_columns(Registration.status, func.count())
    counts = dict(db.session.execute(statement.group_by(Registration.status)).all())
    return Reach(
        confirmed=counts.get(CONFIRMED, 0), waitlisted=counts.get(WAITLISTED, 0), applied=counts.get(APPLIED, 0)
    )


def recent_messages(event_id: int, now: datetime) -> list[datetime]:
    """When the evening's messages of the last ``MESSAGE_WINDOW`` were sent, oldest first."""
    return list(
        db.session.scalars(
            select(HostMessage.sent_at)
            .where(HostMessage.event_id == event_id, HostMessage.sent_at > now - MESSAGE_WINDOW)
            .order_by(HostMessage.sent_at)
        )
    )


def next_message_at(event_id: int, now: datetime) -> datetime | None:
    """When the evening may have its next message, if the limit is reached now; else None."""
    recent = recent_messages(event_id, now)
    if len(recent) < MESSAGES_PER_WINDOW:
        return None
    return recent[-MESSAGES_PER_WINDOW] + MESSAGE_WINDOW


def _clean(subject: str | None, body: str | None) -> tuple[str, str]:
    # A subject is one line in a mail header: every run of white space (line breaks too) is one space.
    subject = " ".join((subject or "").split())
    body = (body or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not subject:
        raise MessageRefusedError(_l("Write a subject."), field="subject")
    if len(subject) > MESSAGE_SUBJECT_MAX:
        raise MessageRefusedError(_l("At most %(max)d characters.", max=MESSAGE_SUBJECT_MAX), field="subject")
    if not body:
        raise MessageRefusedError(_l("Write your message."), field="body")
    if len(body) > MESSAGE_BODY_MAX:
        raise MessageRefusedError(_l("At most %(max)d characters.", max=MESSAGE_BODY_MAX), field="body")
    return subject, body


def send_message(
    actor, event_id: int, *, subject: str, body: str, include_waitlist: bool = False, now: datetime
) -> HostMessage:
    """Write to the evening's attendees: one logged message and one mail per
    recipient, in their language, all in one transaction under the evening's
    lock (so the limit is counted once, late, before anything is written)."""
    with locked_event(event_id) as event:
        if not event.managed_by(actor):
            raise NotFoundError(EVENT_NOT_FOUND)
        refusal = writing_refusal(event, now)
        if refusal is not None:
            raise MessageRefusedError(refusal)
        subject, body = _clean(subject, body)
        again = next_message_at(event.id, now)
        if again is not None:
            raise MessageRefusedError(
                _l(
                    "This evening has had %(num)d messages in the last 24 hours, the most it may have, "
                    "so that attendees are not flooded. You can write again from %(time)s.",
                    num=MESSAGES_PER_WINDOW,
                    time=format_moment(again, event.timezone),
                )
            )
        recipients = list(db.session.scalars(_recipients_statement(event.id, include_waitlist, actor.id)))
        if not recipients:
            raise MessageRefusedError(_l("Nobody would get this message: nobody holds a place at this evening yet."))
        message = HostMessage(
            event_id=event.id,
            sender_id=actor.id,
            subject=subject,
            body=body,
            include_waitlist=include_waitlist,
            recipient_count=len(recipients),
            sent_at=now,
        )
        db.session.add(message)
        db.session.flush()
        event_url = external_url("events.show", event_id=event.id)
        for person in recipients:
            token = tokens.make(tokens.REPORT_HOST_MESSAGE, {"m": message.id, "u": person.id})
            enqueue(
                person,
                TEMPLATE,
                event=event,
                message=message,
                sender=actor,
                event_url=event_url,
                report_url=external_url("conduct.report_message", token=token),
            )
        return message


@dataclass
class LoggedMessage:
    message: HostMessage
    sender: User | None  # None once the sender's account is deleted


def message_log(event_id: int) -> list[LoggedMessage]:
    """The evening's messages, newest first, with their senders (one query)."""
    rows = db.session.scalars(
        select(HostMessage)
        .where(HostMessage.event_id == event_id)
        .options(joinedload(HostMessage.sender))
        .order_by(HostMessage.sent_at.desc(), HostMessage.id.desc())
    )
    return [LoggedMessage(row, row.sender) for row in rows]
