"""The outbox: one row per message, rendered when queued, sent by the worker."""

from datetime import datetime
from email.utils import make_msgid, parseaddr

from flask import current_app
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from meetup.extensions import db
from meetup.timeutil import utcnow

MESSAGE_ID_MAX = 320


def new_message_id() -> str:
    """A unique Message-ID in the sender's domain."""
    domain = parseaddr(current_app.config["MAIL_SENDER"])[1].rpartition("@")[2]
    return make_msgid(domain=domain or "meetup.localhost")


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_pending", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recipient_email: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    # What caused it ("registration-confirmed", …): for tests and support, never shown.
    kind: Mapped[str] = mapped_column(String(60))
    # Fixed when queued, so a message sent again after a crash is recognisably the same one.
    message_id: Mapped[str] = mapped_column(String(MESSAGE_ID_MAX), unique=True, default=new_message_id)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    # A worker is sending it until then; once past, another may claim it.
    claimed_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    # It could not be built, or the server refused it for good: never retried.
    set_aside_at: Mapped[datetime | None]
    # The evening as an iCalendar file, attached as invite.ics (text/calendar); or None.
    calendar: Mapped[str | None] = mapped_column(Text)
    # Optional mail only: the signed one-click link of its List-Unsubscribe header (RFC 8058).
    unsubscribe_url: Mapped[str | None] = mapped_column(String(500))


class MailOptOut(db.Model):
    """A topic of optional mail that this person turned off (see meetup.mail.topics)."""

    __tablename__ = "mail_opt_outs"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    topic: Mapped[str] = mapped_column(String(30), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
