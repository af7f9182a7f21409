"""A community (a host's recurring mixer) and the people who run it.

Every event belongs to one community. Who may do what with its evenings is
decided by the role a person holds in it (``ROLE_RIGHTS``), and nowhere else.
"""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetup.accounts.models import User
from meetup.extensions import db
from meetup.timeutil import utcnow

NAME_MAX = 80
DESCRIPTION_MAX = 4000
ISSUER_NAME_MAX = 100
ISSUER_ADDRESS_MAX = 300
INVOICE_NUMBER_LENGTH = 14  # "T" and 13 digits: a qualified-invoice issuer's registration number

OWNER, CO_HOST, DOOR = "owner", "co-host", "door"
ROLES = (OWNER, CO_HOST, DOOR)
# The owner and co-hosts run the community's evenings; door staff only work their door.
HOSTS = (OWNER, CO_HOST)

# What each right lets a person do with a community's evenings.
MANAGE = "manage"  # everything the host does: edit, publish, tables, reports, exports, the dashboard
AT_THE_DOOR = "door"  # the check-in page, walk-ins, ticket scanning, payment at the door, the projector
ROLE_RIGHTS = {OWNER: {MANAGE, AT_THE_DOOR}, CO_HOST: {MANAGE, AT_THE_DOOR}, DOOR: {AT_THE_DOOR}}


class Community(db.Model):
    __tablename__ = "communities"
    __table_args__ = (
        CheckConstraint("invoice_number IS NULL OR length(invoice_number) = 14", name="invoice_number"),
        CheckConstraint("receipts_issued >= 0", name="receipts_issued"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Who issues its receipts (領収書): the name as registered for qualified invoices
    # (適格請求書), an address, and the registration number if it has one.
    issuer_name: Mapped[str] = mapped_column(String(ISSUER_NAME_MAX), default="", server_default="")
    issuer_address: Mapped[str] = mapped_column(String(ISSUER_ADDRESS_MAX), default="", server_default="")
    invoice_number: Mapped[str | None] = mapped_column(String(INVOICE_NUMBER_LENGTH))
    # The last receipt number given out: receipts are numbered 1, 2, 3... per community.
    receipts_issued: Mapped[int] = mapped_column(default=0, server_default="0")

    def __repr__(self) -> str:
        return f"<Community {self.id}>"


class CommunityMember(db.Model):
    """Someone who runs a community: its owner (exactly one), a co-host or door staff."""

    __tablename__ = "community_members"
    __table_args__ = (
        CheckConstraint("role IN ('owner', 'co-host', 'door')", name="role"),
        Index(
            "ix_community_members_one_owner",
            "community_id",
            unique=True,
            sqlite_where=text("role = 'owner'"),
            postgresql_where=text("role = 'owner'"),
        ),
    )

    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(12))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined", innerjoin=True)

    def __repr__(self) -> str:
        return f"<CommunityMember {self.community_id} {self.user_id} {self.role}>"


class CommunityFollower(db.Model):
    """Someone who follows a community: each new evening it publishes is mailed to them once."""

    __tablename__ = "community_followers"

    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    followed_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<CommunityFollower {self.community_id} {self.user_id}>"
