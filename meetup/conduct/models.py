"""The host's decisions on reports, as a log that is only ever added to: the
record of who decided what, and when.

Reports, blocks and bans themselves are records the rules read
(``meetup.rules.models``); this domain writes them.
"""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetup.extensions import db
from meetup.timeutil import utcnow

if TYPE_CHECKING:
    from meetup.accounts.models import User

DISMISS, WARN, BAN, LIFT = "dismiss", "warn", "ban", "lift"
NOTE_MAX = 500


class ModerationAction(db.Model):
    __tablename__ = "moderation_actions"
    __table_args__ = (CheckConstraint("action IN ('dismiss', 'warn', 'ban', 'lift')", name="action"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(String(NOTE_MAX), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped["User"] = relationship()
