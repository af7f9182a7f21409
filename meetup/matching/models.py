"""Meet again: private choices, the per-event reveal, matches and notes.

A choice is private to its chooser until the other person makes the same
choice for the same event; only then, at the reveal, does it become a match.
A match is stored once per pair, lowest user id first, so "are these two
matched?" is one indexed lookup whichever way round it is asked.
"""

import secrets
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from meetup.extensions import db
from meetup.timeutil import utcnow

NOTE_MAX = 2000


def new_public_id() -> str:
    return secrets.token_urlsafe(16)


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


class MeetAgainChoice(db.Model):
    """"I'd like to meet again": seen by nobody but its chooser, ever."""

    __tablename__ = "meet_again_choices"
    __table_args__ = (
        UniqueConstraint("event_id", "chooser_id", "chosen_id"),
        CheckConstraint("chooser_id <> chosen_id", name="not_self"),
        Index("ix_meet_again_choices_chosen_id", "chosen_id"),
        Index("ix_meet_again_choices_chooser_id", "chooser_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    chooser_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    chosen_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Reveal(db.Model):
    """An event's meet-again window was closed and its matches made.

    The primary key makes the reveal happen once per event, whoever runs it."""

    __tablename__ = "match_reveals"
    __table_args__ = (CheckConstraint("matches_made >= 0", name="matches_made"),)

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True,
                                          autoincrement=False)
    revealed_at: Mapped[datetime]
    # The one number a host may see about meet-again at their event.
    matches_made: Mapped[int] = mapped_column(default=0)


class Note(db.Model):
    """A private note about another person; only its author ever sees it."""

    __tablename__ = "notes"
    __table_args__ = (
        UniqueConstraint("author_id", "subject_id"),
        CheckConstraint("author_id <> subject_id", name="not_self"),
        CheckConstraint(f"length(text) <= {NOTE_MAX}", name="text_length"),
        Index("ix_notes_subject_id", "subject_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    subject_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # The evening the note was last written about, if any.
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


def ordered(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def mutual_pairs(user_ids, revealed_before: datetime | None = None) -> set[frozenset[int]]:
    """Active matches among ``user_ids`` (revealed before ``revealed_before``, if
    given): the pairs the grouping engine reunites.

    Only matches: a one-sided choice is never read here."""
    ids = list(user_ids)
    if not ids:
        return set()
    statement = select(Match.user_low_id, Match.user_high_id).where(
        Match.user_low_id.in_(ids), Match.user_high_id.in_(ids), Match.ended_at.is_(None))
    if revealed_before is not None:
        statement = statement.where(Match.revealed_at < revealed_before)
    rows = db.session.execute(statement)
    return {frozenset(row) for row in rows}
