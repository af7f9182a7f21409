"""Code-of-conduct versions and acknowledgement records."""

from datetime import datetime

from sqlalchemy import ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from meetup.extensions import db
from meetup.timeutil import utcnow


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
        UniqueConstraint("user_id", "event_id", "platform_version", "event_revision",
                         name="uq_conduct_acknowledgements_terms"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    platform_version: Mapped[int] = mapped_column(ForeignKey("codes_of_conduct.version"))
    event_revision: Mapped[int]
    acknowledged_at: Mapped[datetime] = mapped_column(default=utcnow)
