"""Door check-in: the host marks who is here, and can take it back.

A person is only let in on the current code of conduct: if it changed after
they registered, they accept it again first (on their phone, at the door).
"""

from contextlib import contextmanager
from datetime import datetime, timedelta

from meetup.errors import DomainError, NotFoundError
from meetup.events.models import CONFIRMED, PUBLISHED, Event, Registration
from meetup.events.queries import EVENT_NOT_FOUND
from meetup.events.services.locking import locked_event
from meetup.extensions import db
from meetup.i18n import lazy_gettext as _l
from meetup.rules.queries import has_acknowledged_current

# The door opens a while before the start; late arrivals are welcome any time after.
OPENS_BEFORE_START = timedelta(hours=6)


class CheckInError(DomainError):
    pass


def door_refusal(event: Event, now: datetime):
    """Why nobody can be let in (checked in, or added as a walk-in) now, or None."""
    if event.state != PUBLISHED:
        return _l("Check-in is only possible for a published event.")
    if now < event.starts_at - OPENS_BEFORE_START:
        return _l("Check-in opens %(hours)d hours before the start.", hours=OPENS_BEFORE_START // timedelta(hours=1))
    return None


@contextmanager
def _locked_registration(actor, event_id: int, registration_id: int):
    """Inside the event's lock: the managed event and one of its registrations."""
    with locked_event(event_id) as event:
        if not event.managed_by(actor):
            raise NotFoundError(EVENT_NOT_FOUND)
        registration = db.session.get(Registration, registration_id)
        if registration is None or registration.event_id != event.id:
            raise NotFoundError(_l("There is no such registration."))
        yield event, registration


def check_in(actor, event_id: int, registration_id: int, *, now: datetime) -> Registration:
    with _locked_registration(actor, event_id, registration_id) as (event, registration):
        refusal = door_refusal(event, now)
        if refusal is not None:
            raise CheckInError(refusal)
        if registration.status != CONFIRMED:
            raise CheckInError(_l("%(name)s does not have a confirmed seat.", name=registration.user.display_name))
        if registration.checked_in_at is not None:
            return registration
        if not has_acknowledged_current(registration.user_id, event):
            raise CheckInError(
                _l(
                    "%(name)s needs to accept the current code of conduct before check-in. "
                    "They can do it on the event page.",
                    name=registration.user.display_name,
                )
            )
        registration.checked_in_at = now
        return registration


def undo_check_in(actor, event_id: int, registration_id: int, *, now: datetime) -> Registration:
    with _locked_registration(actor, event_id, registration_id) as (_event, registration):
        registration.checked_in_at = None
        return registration
