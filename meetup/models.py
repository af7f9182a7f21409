"""Every model, imported once so the metadata (and Alembic) sees them all."""

from meetup.accounts.models import ContactDetails, LoginSession, User
from meetup.conduct.actions import Ban, ModerationAction
from meetup.conduct.models import CodeOfConduct, ConductAcknowledgement
from meetup.conduct.pairs import Block, Report
from meetup.events.models import Event, EventSeries, Registration
from meetup.mail.models import OutboxMessage
from meetup.matching.models import Match, MeetAgainChoice, Note, Reveal
from meetup.seating.models import Encounter, Seat, Seating

__all__ = [
    "Ban", "Block", "CodeOfConduct", "ConductAcknowledgement", "ContactDetails", "Encounter", "Event", "EventSeries",
    "LoginSession", "Match", "MeetAgainChoice", "ModerationAction", "Note", "OutboxMessage", "Registration", "Report",
    "Reveal", "Seat", "Seating", "User",
]
