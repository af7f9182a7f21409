"""The one way to change what an event's seats depend on: lock, then count."""

from contextlib import contextmanager

from meetup.database import lock_row
from meetup.errors import NotFoundError
from meetup.events.models import Event
from meetup.events.services import EVENT_NOT_FOUND
from meetup.extensions import db


@contextmanager
def locked_event(event_id: int, *, keep_loaded: bool = False):
    """A transaction holding the event's lock from its first statement.

    Commits when the block ends; rolls back (releasing the lock, changing
    nothing) if it raises. ``keep_loaded``: what the block read and wrote
    stays loaded after the commit (it is what was committed, under the lock),
    so the caller can answer from it without reading it all again."""
    event = lock_row(Event, event_id)
    session = db.session()
    expire_on_commit = session.expire_on_commit
    try:
        if event is None:
            raise NotFoundError(EVENT_NOT_FOUND)
        yield event
        session.expire_on_commit = expire_on_commit and not keep_loaded
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.expire_on_commit = expire_on_commit
