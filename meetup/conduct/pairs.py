"""Blocks and reports: the pairs who must never share a table.

A block is private to the person who made it; a report goes to the event's
host. Either way the two are never seated together again, and nothing tells
the other person why.
"""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, and_, or_, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetup.extensions import db
from meetup.timeutil import utcnow

if TYPE_CHECKING:
    from meetup.accounts.models import User
    from meetup.events.models import Event

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
            "category IN ('selling', 'mlm', 'recruiting', 'contact-pressure', 'harassment', 'other')",
            name="category"),
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

    event: Mapped["Event"] = relationship()
    reporter: Mapped["User"] = relationship(foreign_keys=[reporter_id])
    reported: Mapped["User"] = relationship(foreign_keys=[reported_id])


def forbidden_pairs(user_ids) -> set[frozenset[int]]:
    """Pairs among ``user_ids`` kept apart by a block or a report, either way round."""
    ids = list(user_ids)
    if not ids:
        return set()
    pairs: set[frozenset[int]] = set()
    for model, a, b in ((Block, Block.blocker_id, Block.blocked_id),
                        (Report, Report.reporter_id, Report.reported_id)):
        rows = db.session.execute(select(a, b).where(a.in_(ids), b.in_(ids)))
        pairs.update(frozenset(row) for row in rows)
    return pairs


def _either_way(column_a, column_b, user_a: int, user_b: int):
    return or_(and_(column_a == user_a, column_b == user_b), and_(column_a == user_b, column_b == user_a))


def is_forbidden(user_a: int, user_b: int) -> bool:
    """Whether these two may never share a table."""
    blocked = select(Block.id).where(_either_way(Block.blocker_id, Block.blocked_id, user_a, user_b))
    reported = select(Report.id).where(_either_way(Report.reporter_id, Report.reported_id, user_a, user_b))
    return db.session.scalar(select(blocked.exists() | reported.exists()))
