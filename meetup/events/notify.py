"""The mail an event change causes, queued in the change's own transaction."""

from meetup.events import ics
from meetup.events.models import CONFIRMED, Event, Registration
from meetup.mail import enqueue, external_url


def notify(registration: Registration, template: str, *, with_calendar: bool = False, **context) -> None:
    """Queue mail/<template>.txt about the registration's event for its person,
    ``with_calendar``: with the evening attached as an iCalendar file."""
    event: Event = registration.event
    event_url = external_url("events.show", event_id=event.id)
    calendar = None
    if with_calendar:
        # The online room's link only for a seat, as the event page's own download decides.
        with_online_link = registration.status == CONFIRMED
        calendar = ics.event_calendar(event, event_url, with_online_link=with_online_link).decode("utf-8")
    enqueue(
        registration.user,
        template,
        calendar=calendar,
        event=event,
        registration=registration,
        event_url=event_url,
        ticket_url=external_url("events.ticket", event_id=event.id),
        **context,
    )
