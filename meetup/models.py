"""Every model, imported once so the metadata (and Alembic) sees them all."""

from meetup.accounts.models import ContactDetails, User
from meetup.conduct.models import CodeOfConduct, ConductAcknowledgement
from meetup.conduct.pairs import Block, Report
from meetup.events.models import Event, EventSeries, Registration
from meetup.mail.models import OutboxMessage
from meetup.matching.models import Match
from meetup.seating.models import Encounter, Seat, Seating

__all__ = [
    "Block", "CodeOfConduct", "ConductAcknowledgement", "ContactDetails", "Encounter", "Event", "EventSeries",
    "Match", "OutboxMessage", "Registration", "Report", "Seat", "Seating", "User",
]
