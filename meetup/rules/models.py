"""The records the rules rest on.

The code of conduct (versions, and who accepted which for an event), bans
from a host's events, and the pairs of people the seating reads: kept apart
(a block or a report, either way round) and matched (a mutual meet-again,
reunited at later tables). The domains above write them (conduct, matching);
every domain reads them through ``meetup.rules.queries``.
"""

import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetup.extensions import db
from meetup.timeutil import utcnow

if TYPE_CHECKING:
    from meetup.accounts.models import User
    from meetup.events.models import Event


def new_public_id() -> str:
    """What URLs carry instead of a row id: not guessable, not enumerable."""
    return secrets.token_urlsafe(16)


class CodeOfConduct(db.Model):
    """One version of the platform's code; the highest version is current."""

    __tablename__ = "codes_of_conduct"

    version: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    text_en: Mapped[str] = mapped_column(Text)
    text_ja: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The site admin who published it (None for the version the migration seeds).
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    def text(self, language: str) -> str:
        return self.text_ja if language == "ja" else self.text_en


class ConductAcknowledgement(db.Model):
    """A person accepted (platform version, event revision) for an event, at a time.

    Rows are only ever added: the history of what was accepted is the record."""

    __tablename__ = "conduct_acknowledgements"
    __table_args__ = (
        UniqueConstraint(
            "user_id", "event_id", "platform_version", "event_revision", name="uq_conduct_acknowledgements_terms"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    platform_version: Mapped[int] = mapped_column(ForeignKey("codes_of_conduct.version"))
    event_revision: Mapped[int]
    acknowledged_at: Mapped[datetime] = mapped_column(default=utcnow)


REPORT_CATEGORIES = ("selling", "mlm", "recruiting", "contact-pressure", "harassment", "other")
# open until the host acts; then what the host last decided.
OPEN, DISMISSED, WARNED, BANNED = "open", "dismissed", "warned", "banned"


class Block(db.Model):
    __tablename__ = "blocks"
    __table_args__ = (
        UniqueConstraint("blocker_id", "blocked_id"),
        CheckConstraint("blocker_id <> blocked_id", name="not_self"),
        Index("ix_blocks_blocked_id", "blocked_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    blocker_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    blocked_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Report(db.Model):
    """A code-of-conduct breach reported by one attendee about another."""

    __tablename__ = "reports"
    __table_args__ = (
        UniqueConstraint("reporter_id", "reported_id", "event_id"),
        CheckConstraint("reporter_id <> reported_id", name="not_self"),
        CheckConstraint(
            "category IN ('selling', 'mlm', 'recruiting', 'contact-pressure', 'harassment', 'other')", name="category"
        ),
        CheckConstraint("status IN ('open', 'dismissed', 'warned', 'banned')", name="status"),
        Index("ix_reports_reported_id", "reported_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    reported_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    category: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")
    round: Mapped[int | None]
    table_no: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(12), default=OPEN)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A report about a message the reported host wrote to the evening's attendees
    # (a host message goes only with its evening, and so does this report).
    host_message_id: Mapped[int | None] = mapped_column(ForeignKey("host_messages.id"))

    event: Mapped["Event"] = relationship()
    reporter: Mapped["User"] = relationship(foreign_keys=[reporter_id])
    reported: Mapped["User"] = relationship(foreign_keys=[reported_id])


class Ban(db.Model):
    """A person may not register for this community's evenings while the ban is active."""

    __tablename__ = "bans"
    __table_args__ = (
        CheckConstraint("host_id <> user_id", name="not_self"),
        CheckConstraint("(lifted_at IS NULL) = (lifted_by_id IS NULL)", name="lifted_by_whom"),
        Index(
            "uq_bans_active",
            "community_id",
            "user_id",
            unique=True,
            sqlite_where=text("lifted_at IS NULL"),
            postgresql_where=text("lifted_at IS NULL"),
        ),
        Index("ix_bans_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Never NULL; nullable only because SQLite cannot tighten a column in place.
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"))
    # The host of the evening the ban came from.
    host_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The report that led to it; the host's decision stays on record with it.
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    lifted_at: Mapped[datetime | None]
    lifted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @property
    def active(self) -> bool:
        return self.lifted_at is None


class Match(db.Model):
    __tablename__ = "matches"
    __table_args__ = (
        UniqueConstraint("user_low_id", "user_high_id"),
        CheckConstraint("user_low_id < user_high_id", name="ordered_pair"),
        Index("ix_matches_user_high_id", "user_high_id"),
        Index("ix_matches_event_id", "event_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # What URLs carry: not guessable, not enumerable.
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    user_low_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    user_high_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # The event whose meet-again window revealed it.
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    revealed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when either side ends it (or a block does); no reason is kept.
    ended_at: Mapped[datetime | None]

    def other_id(self, user_id: int) -> int:
        return self.user_high_id if user_id == self.user_low_id else self.user_low_id


def ordered(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)
