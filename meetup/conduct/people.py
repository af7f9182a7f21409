"""Who may act on whom: two people who shared an event.

Blocking and reporting always start from an event both people were at, so
nobody can look up (or act on) an account they never met. Everyone else's
id is simply "not found".
"""

from dataclasses import dataclass

from sqlalchemy import select

from meetup.accounts.models import User
from meetup.errors import NotFoundError
from meetup.events.models import CONFIRMED, Event, Registration
from meetup.extensions import db
from meetup.i18n import lazy_gettext as _l

PERSON_NOT_FOUND = _l("There is no such person at this event.")


@dataclass
class SharedEvent:
    """The actor and another person, both with a seat at one event."""

    event: Event
    person: User
    mine: Registration
    theirs: Registration

    @property
    def both_attended(self) -> bool:
        return self.mine.checked_in_at is not None and self.theirs.checked_in_at is not None


def shared_event(actor, event_id: int, user_id: int) -> SharedEvent:
    """The event and the other person, if both held a confirmed seat at it.

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
    person = db.session.get(User, user_id)
    event = db.session.get(Event, event_id)
    if person is None or person.deleted_at is not None or event is None:
        raise NotFoundError(PERSON_NOT_FOUND)
    return SharedEvent(event=event, person=person, mine=by_user[actor.id], theirs=by_user[user_id])
