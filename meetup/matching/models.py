"""Matches: pairs who both chose to meet again.

A match is stored once per pair, lowest user id first, so "are these two
matched?" is one indexed lookup whichever way round it is asked.
"""

import secrets
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from meetup.extensions import db
from meetup.timeutil import utcnow


def new_public_id() -> str:
    return secrets.token_urlsafe(16)


class Match(db.Model):
    __tablename__ = "matches"
    __table_args__ = (
        UniqueConstraint("user_low_id", "user_high_id"),
        CheckConstraint("user_low_id < user_high_id", name="ordered_pair"),
        Index("ix_matches_user_high_id", "user_high_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # What URLs carry: not guessable, not enumerable.
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    user_low_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    user_high_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # The event whose meet-again window revealed it.
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    revealed_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]


def ordered(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def mutual_pairs(user_ids) -> set[frozenset[int]]:
    """Active matches among ``user_ids``: the pairs the grouping engine reunites."""
    ids = list(user_ids)
    if not ids:
        return set()
    rows = db.session.execute(
        select(Match.user_low_id, Match.user_high_id).where(
            Match.user_low_id.in_(ids), Match.user_high_id.in_(ids), Match.ended_at.is_(None)))
    return {frozenset(row) for row in rows}
