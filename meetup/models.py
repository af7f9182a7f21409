"""Every model, imported once so the metadata (and Alembic) sees them all."""

from meetup.accounts.models import ContactDetails, LoginSession, User
from meetup.communities.models import Community, CommunityMember
from meetup.conduct.models import ModerationAction
from meetup.events.models import Event, EventSeries, Registration
from meetup.mail.models import MailOptOut, OutboxMessage
from meetup.matching.models import MeetAgainChoice, Reveal
from meetup.receipts.models import Receipt
from meetup.rules.models import Ban, Block, CodeOfConduct, ConductAcknowledgement, Match, Report
from meetup.seating.models import Encounter, Note, RoundStart, Seat, Seating

__all__ = [
    "Ban",
    "Block",
    "CodeOfConduct",
    "Community",
    "CommunityMember",
    "ConductAcknowledgement",
    "ContactDetails",
    "Encounter",
    "Event",
    "EventSeries",
    "LoginSession",
    "MailOptOut",
    "Match",
    "MeetAgainChoice",
    "ModerationAction",
    "Note",
    "RoundStart",
    "OutboxMessage",
    "Receipt",
    "Registration",
    "Report",
    "Reveal",
    "Seat",
    "Seating",
    "User",
]
