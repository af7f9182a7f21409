"""Seatings, seats, encounters, and each person's private notes about the
people they sat with.

A seating is one version of who sits where for an event. The host edits a
draft; publishing freezes it (attendees see it) and supersedes the previous
published version, which is kept as the record of what attendees were shown.
The database keeps a person at one table per round (primary key), and a
trigger (see the migration) refuses a seat next to someone the person is kept
apart from.
"""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetup.extensions import db
from meetup.rules.models import new_public_id
from meetup.timeutil import utcnow

DRAFT, PUBLISHED, SUPERSEDED = "draft", "published", "superseded"
NOTE_MAX = 2000


class Seating(db.Model):
    __tablename__ = "seatings"
    __table_args__ = (
        UniqueConstraint("event_id", "version"),
        CheckConstraint("status IN ('draft', 'published', 'superseded')", name="status"),
        CheckConstraint("table_count >= 1", name="table_count"),
        CheckConstraint("rounds >= 1", name="rounds"),
        # At most one draft and one published seating per event.
        Index(
            "ix_seatings_one_draft",
            "event_id",
            unique=True,
            sqlite_where=db.text("status = 'draft'"),
            postgresql_where=db.text("status = 'draft'"),
        ),
        Index(
            "ix_seatings_one_published",
            "event_id",
            unique=True,
            sqlite_where=db.text("status = 'published'"),
            postgresql_where=db.text("status = 'published'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    version: Mapped[int]
    status: Mapped[str] = mapped_column(String(12), default=DRAFT)
    # Formed from confirmed registrations before anyone was checked in.
    provisional: Mapped[bool] = mapped_column(default=False)
    rounds: Mapped[int]
    table_count: Mapped[int]
    # Names the host gave the tables; empty means A, B, C…
    table_names: Mapped[list[str]] = mapped_column(JSON, default=list)
    score: Mapped[int] = mapped_column(default=0)
    breakdown: Mapped[dict] = mapped_column(JSON, default=dict)
    # Who moved when this seating regrouped its predecessor: [[round, user_id, from, to]].
    moves: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None]
    superseded_at: Mapped[datetime | None]

    seats: Mapped[list["Seat"]] = relationship(
        back_populates="seating",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(Seat.round, Seat.table_no, Seat.user_id)",
    )

    def table_name(self, table_no: int) -> str:
        if table_no < len(self.table_names) and self.table_names[table_no]:
            return self.table_names[table_no]
        return default_table_name(table_no)


def default_table_name(table_no: int) -> str:
    """A, B, … Z, AA, AB…: what hosts write on table cards."""
    name = ""
    n = table_no + 1
    while n:
        n, rest = divmod(n - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


class Seat(db.Model):
    __tablename__ = "seats"
    __table_args__ = (
        CheckConstraint("round >= 0", name="round"),
        CheckConstraint("table_no >= 0", name="table_no"),
        Index("ix_seats_seating_id_round_table_no", "seating_id", "round", "table_no"),
        Index("ix_seats_user_id", "user_id"),
    )

    # One seat per person per round: nobody sits at two tables at once.
    seating_id: Mapped[int] = mapped_column(ForeignKey("seatings.id", ondelete="CASCADE"), primary_key=True)
    round: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    table_no: Mapped[int]
    # The host locked this person to this table: re-runs keep it.
    locked: Mapped[bool] = mapped_column(default=False)

    seating: Mapped[Seating] = relationship(back_populates="seats")


class Encounter(db.Model):
    """Two people shared a table at an event's published seating."""

    __tablename__ = "encounters"
    __table_args__ = (
        CheckConstraint("user_low_id < user_high_id", name="ordered_pair"),
        CheckConstraint("rounds >= 1", name="rounds"),
        Index("ix_encounters_user_low_id_user_high_id", "user_low_id", "user_high_id"),
        Index("ix_encounters_user_high_id", "user_high_id"),
    )

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    user_low_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    user_high_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    rounds: Mapped[int] = mapped_column(default=1)


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


class RoundStart(db.Model):
    """The host started a round of the evening ("Round 2 starts now"). The
    latest is the current round: the projector shows it, and regrouping
    never moves anyone seated in a round that has started."""

    __tablename__ = "round_starts"
    __table_args__ = (CheckConstraint("round >= 0", name="round"),)

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    round: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    started_at: Mapped[datetime]
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
