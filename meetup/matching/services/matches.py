"""Ending a match: either side may, at any time, and nothing says why."""

from datetime import datetime

from sqlalchemy import or_, select

from meetup.errors import NotFoundError
from meetup.extensions import db
from meetup.i18n import lazy_gettext as _l
from meetup.rules.models import Match

NO_SUCH_MATCH = _l("There is no such match.")


def active_match(actor, public_id: str) -> Match:
    """The actor's active match with this address, else NotFoundError."""
    match = db.session.scalar(
        select(Match).where(
            Match.public_id == str(public_id)[:64],
            Match.ended_at.is_(None),
            or_(Match.user_low_id == actor.id, Match.user_high_id == actor.id),
        )
    )
    if match is None:
        raise NotFoundError(NO_SUCH_MATCH)
    return match


def end_match(actor, public_id: str, *, now: datetime) -> None:
    """End the match for both: contact details disappear on both sides.

    Only the time is kept, never who ended it or why."""
    match = active_match(actor, public_id)
    match.ended_at = now
    db.session.commit()
