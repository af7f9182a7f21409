"""Who may act on whom: two people who met at an event.

Seeing another attendee's card, blocking and reporting always start from an
event where the two met (``meetup.matching.met``: they shared a table at its
published seating once the evening had started), so nobody can look up, or
act on, an account they never met: not a fellow registrant before the
evening, not someone at another table, not a name in a draft. Everyone
else's id is simply "not found".
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from meetup.accounts.models import User
from meetup.errors import NotFoundError
from meetup.events.models import CONFIRMED, Event, Registration
from meetup.extensions import db
from meetup.i18n import lazy_gettext as _l
from meetup.matching.met import met

PERSON_NOT_FOUND = _l("There is no such person at this event.")


@dataclass
class SharedEvent:
    """The actor and another person they met at one event."""

    event: Event
    person: User
    mine: Registration
    theirs: Registration
    together: list[tuple[int, str]] = field(default_factory=list)  # (round, table name) the two shared

    @property
    def both_attended(self) -> bool:
        return self.mine.checked_in_at is not None and self.theirs.checked_in_at is not None


def shared_event(actor, event_id: int, user_id: int, *, now: datetime) -> SharedEvent:
    """The event and the other person, if both held a confirmed seat at it and
    met there by ``now``.

    Raises NotFoundError otherwise (also for oneself and deleted accounts),
    the same whether the person exists or not."""
    if user_id == actor.id:
        raise NotFoundError(PERSON_NOT_FOUND)
    rows = db.session.scalars(
        select(Registration).where(Registration.event_id == event_id, Registration.user_id.in_((actor.id, user_id)),
                                   Registration.status == CONFIRMED))
    by_user = {row.user_id: row for row in rows}
    if actor.id not in by_user or user_id not in by_user:
        raise NotFoundError(PERSON_NOT_FOUND)
    shared = met(actor.id, now, event_id).get(user_id)
    person = db.session.get(User, user_id)
    if shared is None or person is None or person.deleted_at is not None:
        raise NotFoundError(PERSON_NOT_FOUND)
    (at_event,) = shared
    return SharedEvent(event=at_event.event, person=person, mine=by_user[actor.id], theirs=by_user[user_id],
                       together=at_event.tables)
