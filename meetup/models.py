"""Every model, imported once so the metadata (and Alembic) sees them all."""

from meetup.accounts.models import ContactDetails, User

__all__ = ["ContactDetails", "User"]
