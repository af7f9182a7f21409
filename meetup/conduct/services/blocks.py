"""Blocking: one person's private decision never to sit with, or be matched
with, another.

Nothing tells the blocked person. They are simply never seated with the
blocker again (grouping reads ``forbidden_pairs``), an existing match between
the two ends silently, and meet-again never pairs them (``is_forbidden``).
Undoing a block does not bring an ended match back.
"""

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from meetup.conduct.queries import block_of, shared_event
from meetup.errors import NotFoundError
from meetup.extensions import db
from meetup.i18n import lazy_gettext as _l
from meetup.rules.models import Block, Match, ordered


def block(actor, event_id: int, user_id: int, *, now: datetime) -> Block:
    """Block someone the actor met at ``event_id`` (idempotent); anyone else
    is not found.

    Ends an active match between the two in the same transaction."""
    shared_event(actor, event_id, user_id, now=now)
    existing = block_of(actor.id, user_id)
    if existing is not None:
        return existing
    record = Block(blocker_id=actor.id, blocked_id=user_id, created_at=now)
    low, high = ordered(actor.id, user_id)
    try:
        with db.session.begin_nested():
            db.session.add(record)
            db.session.flush()
        db.session.execute(
            update(Match)
            .where(Match.user_low_id == low, Match.user_high_id == high, Match.ended_at.is_(None))
            .values(ended_at=now)
        )
        db.session.commit()
    except IntegrityError:
        # The same block from a second tab or a double click: it exists, which is what was asked.
        db.session.rollback()
        existing = block_of(actor.id, user_id)
        if existing is None:
            raise
        return existing
    return record


def unblock(actor, user_id: int) -> None:
    """Undo one's own block. Matches it ended stay ended."""
    record = block_of(actor.id, user_id)
    if record is None:
        raise NotFoundError(_l("You have not blocked this person."))
    db.session.delete(record)
    db.session.commit()
