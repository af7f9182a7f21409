"""Every model, imported once so the metadata (and Alembic) sees them all."""

from meetup.accounts.models import ContactDetails, User
from meetup.conduct.models import CodeOfConduct, ConductAcknowledgement
from meetup.events.models import Event, EventSeries, Registration
from meetup.mail.models import OutboxMessage

__all__ = [
    "CodeOfConduct", "ConductAcknowledgement", "ContactDetails", "Event", "EventSeries", "OutboxMessage",
    "Registration", "User",
]
