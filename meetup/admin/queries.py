"""What the admin pages list: users (with a search), events and the
outbox, newest first, each in one query and capped (the outbox paged) so a
page stays small."""

from dataclasses import dataclass

from sqlalchemy import func, or_, select

from meetup.accounts.models import User
from meetup.events.models import Event
from meetup.extensions import db
from meetup.mail.models import OutboxMessage

LIST_LIMIT = 200
SEARCH_MAX = 100


def users(search: str = "") -> list[User]:
    """Accounts whose name or email contains ``search`` (all if empty), newest first."""
    statement = select(User).order_by(User.created_at.desc(), User.id.desc()).limit(LIST_LIMIT)
    text = search.strip()[:SEARCH_MAX].lower()
    if text:
        statement = statement.where(
            or_(
                func.lower(User.display_name).contains(text, autoescape=True),
                func.lower(User.email).contains(text, autoescape=True),
            )
        )
    return list(db.session.scalars(statement))


def events() -> list[Event]:
    """Every event on the platform with its host, latest start first."""
    return list(db.session.scalars(select(Event).order_by(Event.starts_at.desc(), Event.id.desc()).limit(LIST_LIMIT)))


OUTBOX_PAGE_SIZE = 50
OUTBOX_PAGES_MAX = 10_000  # a larger page number reads as this one: never an offset the database refuses
OUTBOX_STATUSES = ("pending", "sent", "set-aside")


@dataclass(frozen=True)
class OutboxPage:
    messages: list[OutboxMessage]
    number: int
    has_next: bool


def outbox(status: str = "", recipient: str = "", page: int = 1) -> OutboxPage:
    """One page of the outbox, newest first: every message, or those with
    ``status`` (one of OUTBOX_STATUSES) whose address contains ``recipient``."""
    number = min(max(page, 1), OUTBOX_PAGES_MAX)
    statement = (
        select(OutboxMessage)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .offset((number - 1) * OUTBOX_PAGE_SIZE)
        .limit(OUTBOX_PAGE_SIZE + 1)  # one more tells whether there is a next page
    )
    if status == "sent":
        statement = statement.where(OutboxMessage.sent_at.is_not(None))
    elif status == "set-aside":
        statement = statement.where(OutboxMessage.set_aside_at.is_not(None))
    elif status == "pending":
        statement = statement.where(OutboxMessage.sent_at.is_(None), OutboxMessage.set_aside_at.is_(None))
    text = recipient.strip()[:SEARCH_MAX].lower()
    if text:
        statement = statement.where(func.lower(OutboxMessage.recipient_email).contains(text, autoescape=True))
    messages = list(db.session.scalars(statement))
    return OutboxPage(messages[:OUTBOX_PAGE_SIZE], number, len(messages) > OUTBOX_PAGE_SIZE)


def outbox_message(message_id: int) -> OutboxMessage | None:
    return db.session.get(OutboxMessage, message_id)
