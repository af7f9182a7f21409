"""Meet again: private choices and the per-event reveal.

A choice is private to its chooser until the other person makes the same
choice for the same event; only then, at the reveal, does it become a match
(``meetup.rules.models.Match``, read by the seating to reunite the pair).
"""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from meetup.extensions import db
from meetup.timeutil import utcnow


class MeetAgainChoice(db.Model):
    """ "I'd like to meet again": seen by nobody but its chooser, ever."""

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

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    revealed_at: Mapped[datetime]
    # The one number a host may see about meet-again at their event.
    matches_made: Mapped[int] = mapped_column(default=0)
