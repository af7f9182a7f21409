"""Which optional mail a person gets: the topics (meetup.mail.topics) they
turned off, on their profile or by the signed one-click link at the foot of
each such mail (RFC 8058), which works without logging in.

A topic is on until its owner turns it off: a MailOptOut row says it is off.
"""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from meetup import tokens
from meetup.errors import DomainError
from meetup.extensions import db
from meetup.i18n import lazy_gettext as _l
from meetup.mail.models import MailOptOut
from meetup.mail.topics import TOPICS, Topic

UNSUBSCRIBE_LINK_DEAD = _l(
    "This link to turn mail off is not valid (it may be damaged or too old), so nothing was changed. "
    "Log in to choose which mail you get on your profile."
)


class UnsubscribeLinkError(DomainError):
    """A one-click link that is forged, damaged, made for something else, or too old."""

    def __init__(self):
        super().__init__(UNSUBSCRIBE_LINK_DEAD)


def topics_off(user_id: int) -> set[str]:
    """The topics this person turned off."""
    return set(db.session.scalars(select(MailOptOut.topic).where(MailOptOut.user_id == user_id)))


def is_off(user_id: int, topic: Topic) -> bool:
    return db.session.get(MailOptOut, (user_id, topic.name)) is not None


def unsubscribe_token(user_id: int, topic: Topic) -> str:
    """The signed part of the link that turns ``topic`` off for this person."""
    return tokens.make(tokens.UNSUBSCRIBE, {"u": user_id, "t": topic.name})


def read_unsubscribe_token(token: str, *, now: datetime) -> tuple[int, Topic]:
    """Whose topic a one-click link turns off; UnsubscribeLinkError if the
    link is forged, damaged, made for another purpose or older than a year.
    (Whether the account still exists is the caller's to check.)"""
    try:
        payload = tokens.read(tokens.UNSUBSCRIBE, token, now=now)
    except tokens.BadTokenError:
        raise UnsubscribeLinkError from None
    user_id, topic = payload.get("u"), TOPICS.get(payload.get("t"))
    if not isinstance(user_id, int) or isinstance(user_id, bool) or topic is None:
        raise UnsubscribeLinkError
    return user_id, topic


def turn_off(user_id: int, topic: Topic, *, now: datetime) -> None:
    """Turn one topic off; turning it off again changes nothing."""
    if is_off(user_id, topic):
        db.session.commit()
        return
    try:
        db.session.add(MailOptOut(user_id=user_id, topic=topic.name, created_at=now))
        db.session.commit()
    except IntegrityError:
        # The same link followed twice at once (a mail client and its person): it is off, as asked.
        db.session.rollback()
        if not is_off(user_id, topic):
            raise


def choose_topics(user_id: int, wanted: Iterable[str], *, now: datetime) -> None:
    """Keep exactly the topics in ``wanted`` on and every other one off."""
    wanted = set(wanted)
    for attempt in range(2):
        off = topics_off(user_id)
        db.session.execute(delete(MailOptOut).where(MailOptOut.user_id == user_id, MailOptOut.topic.in_(off & wanted)))
        db.session.add_all(
            MailOptOut(user_id=user_id, topic=name, created_at=now) for name in sorted(TOPICS.keys() - wanted - off)
        )
        try:
            db.session.commit()
            return
        except IntegrityError:
            # A one-click link turned one off at the same moment: read again and redo.
            db.session.rollback()
            if attempt:
                raise
