"""The one way to change what an event's seats depend on: lock, then count."""

from contextlib import contextmanager

from meetup.database import lock_row
from meetup.errors import NotFoundError
from meetup.events.models import Event
from meetup.events.queries.events import EVENT_NOT_FOUND
from meetup.extensions import db


@contextmanager
def locked_event(event_id: int):
    """A transaction holding the event's lock from its first statement.

    Commits when the block ends; rolls back (releasing the lock, changing
    nothing) if it raises."""
    event = lock_row(Event, event_id)
    try:
        if event is None:
            raise NotFoundError(EVENT_NOT_FOUND)
        yield event
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
