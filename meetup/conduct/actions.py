"""What hosts did about reports: every moderation action, and bans from a
host's events.

The action log is only ever added to; it is the record of who decided what,
and when. A ban is lifted by stamping it, never by deleting it, and the
database allows at most one active ban per host and person.
"""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetup.extensions import db
from meetup.timeutil import utcnow

if TYPE_CHECKING:
    from meetup.accounts.models import User

DISMISS, WARN, BAN, LIFT = "dismiss", "warn", "ban", "lift"
NOTE_MAX = 500


class ModerationAction(db.Model):
    __tablename__ = "moderation_actions"
    __table_args__ = (
        CheckConstraint("action IN ('dismiss', 'warn', 'ban', 'lift')", name="action"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(String(NOTE_MAX), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped["User"] = relationship()


class Ban(db.Model):
    """A person may not register for this host's events while the ban is active."""

    __tablename__ = "bans"
    __table_args__ = (
        CheckConstraint("host_id <> user_id", name="not_self"),
        CheckConstraint("(lifted_at IS NULL) = (lifted_by_id IS NULL)", name="lifted_by_whom"),
        Index("uq_bans_active", "host_id", "user_id", unique=True,
              sqlite_where=text("lifted_at IS NULL"), postgresql_where=text("lifted_at IS NULL")),
        Index("ix_bans_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
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
