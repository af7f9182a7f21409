"""The mail an event change causes, queued in the change's own transaction.

Links are absolute: inside a request they use the request's host; from the
command line (``send-reminders``) they use the ``BASE_URL`` setting.
"""

from flask import current_app, has_request_context, url_for

from meetup.events.models import Event, Registration
from meetup.mail import enqueue


def external_url(endpoint: str, **values) -> str:
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        return url_for(endpoint, _external=True, **values)


def notify(registration: Registration, template: str, **context) -> None:
    """Queue mail/<template>.txt about the registration's event for its person."""
    event: Event = registration.event
    enqueue(registration.user, template, event=event, registration=registration,
            event_url=external_url("events.show", event_id=event.id), **context)
