"""Every model, imported once so the metadata (and Alembic) sees them all."""

from meetup.accounts.models import ContactDetails, User
from meetup.mail.models import OutboxMessage

__all__ = ["ContactDetails", "OutboxMessage", "User"]
