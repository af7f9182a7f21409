"""The mail an event change causes, queued in the change's own transaction."""

from meetup.events.models import Event, Registration
from meetup.mail import enqueue, external_url


def notify(registration: Registration, template: str, **context) -> None:
    """Queue mail/<template>.txt about the registration's event for its person."""
    event: Event = registration.event
    enqueue(
        registration.user,
        template,
        event=event,
        registration=registration,
        event_url=external_url("events.show", event_id=event.id),
        ticket_url=external_url("events.ticket", event_id=event.id),
        **context,
    )
