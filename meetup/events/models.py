"""Events, their monthly series, and registrations.

Times are naive UTC; ``Event.timezone`` says how people see them. The
database guards what must never break: one registration per person per
event, known states, sane sizes, and check-in only for a confirmed seat.
"""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetup.accounts.models import User
from meetup.communities.models import AT_THE_DOOR, MANAGE, Community
from meetup.communities.queries import may
from meetup.events.tickets import new_ticket_code
from meetup.extensions import db
from meetup.timeutil import utcnow

TITLE_MAX = 120
THEME_MAX = 60
DESCRIPTION_MAX = 4000
VENUE_MAX = 300
URL_MAX = 500
CONDUCT_EXTRA_MAX = 2000
INTRO_MAX = 140
TIMEZONE_MAX = 64
AREA_MAX = 8
MESSAGE_SUBJECT_MAX = 120
MESSAGE_BODY_MAX = 4000

FEE_MAX = 100_000  # yen; more is a typo for a mixer's 参加費
FEE_NOTE_MAX = 100

DRAFT, PUBLISHED, CANCELLED, FINISHED = "draft", "published", "cancelled", "finished"
CONFIRMED, WAITLISTED = "confirmed", "waitlisted"  # and CANCELLED
APPLIED = "applied"  # a lottery application, before its draw
FIRST_COME, LOTTERY = "first-come", "lottery"  # how an evening gives out its seats
CASH, OTHER = "cash", "other"  # how someone paid at the door


class EventSeries(db.Model):
    """Events repeated month after month by one host: the same community."""

    __tablename__ = "event_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    host_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Event(db.Model):
    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("state IN ('draft', 'published', 'cancelled', 'finished')", name="state"),
        CheckConstraint("capacity >= 1", name="capacity"),
        CheckConstraint("rounds BETWEEN 1 AND 6", name="rounds"),
        CheckConstraint("table_size IS NULL OR table_size BETWEEN 4 AND 8", name="table_size"),
        CheckConstraint("table_count IS NULL OR table_count >= 1", name="table_count"),
        CheckConstraint("(table_size IS NULL) <> (table_count IS NULL)", name="one_table_rule"),
        CheckConstraint("meet_again_days BETWEEN 1 AND 14", name="meet_again_days"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("registration_deadline <= starts_at", name="deadline_before_start"),
        CheckConstraint("fee_yen >= 0", name="fee_yen"),
        CheckConstraint("admission IN ('first-come', 'lottery')", name="admission"),
        Index("ix_events_state_starts_at", "state", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Who created the event. Who runs it is decided by the roles in its community.
    host_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # Never NULL; nullable only because SQLite cannot tighten a column in place.
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"), index=True)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("event_series.id"), index=True)
    state: Mapped[str] = mapped_column(String(12), default=DRAFT)

    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    theme: Mapped[str] = mapped_column(String(THEME_MAX), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    timezone: Mapped[str] = mapped_column(String(TIMEZONE_MAX), default="Asia/Tokyo")
    registration_deadline: Mapped[datetime]
    venue: Mapped[str] = mapped_column(String(VENUE_MAX), default="")
    online_url: Mapped[str] = mapped_column(String(URL_MAX), default="")
    # Where the evening is, for discovery: a prefecture's JIS code ("01" to "47") or
    # "online"; NULL for an evening from before areas whose host has not set one.
    area: Mapped[str | None] = mapped_column(String(AREA_MAX))

    capacity: Mapped[int]
    # Exactly one of the two: a table size (the count follows from who
    # comes) or a fixed number of tables (the size follows).
    table_size: Mapped[int | None]
    table_count: Mapped[int | None]
    rounds: Mapped[int] = mapped_column(default=3)
    meet_again_days: Mapped[int] = mapped_column(default=3)
    # What each person pays at the door, tax included; 0 for a free evening.
    fee_yen: Mapped[int] = mapped_column(default=0, server_default="0")
    # Shown beside the fee, e.g. "ドリンク付き".
    fee_note: Mapped[str] = mapped_column(String(FEE_NOTE_MAX), default="", server_default="")

    # FIRST_COME: a seat while one is free, then the waitlist. LOTTERY: applications
    # until ``draw_at``, then one draw (``drawn_at``, from ``draw_seed``) gives the
    # seats and orders the waitlist; after it, first come for what is left.
    admission: Mapped[str] = mapped_column(String(12), default=FIRST_COME, server_default=FIRST_COME)
    draw_at: Mapped[datetime | None]
    drawn_at: Mapped[datetime | None]
    draw_seed: Mapped[str | None] = mapped_column(String(64))
    # How many seats the draw gave: the applications it drew at positions 1 to draw_seats.
    draw_seats: Mapped[int | None]

    # Codes offered, in the host's order: catalogue codes and custom-<n>.
    goals: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Every goal of the host's own ever defined here, [{"code", "label"}],
    # kept when no longer offered so earlier registrations still read well.
    custom_goals: Mapped[list[dict]] = mapped_column(JSON, default=list)

    # Event-specific code-of-conduct lines; the revision goes up whenever
    # they change, and attendees acknowledge (platform version, revision).
    conduct_extra: Mapped[str] = mapped_column(Text, default="")
    conduct_revision: Mapped[int] = mapped_column(default=0)

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    # When the community's followers were sent word of this evening (once, by the worker).
    announced_at: Mapped[datetime | None]

    host: Mapped[User] = relationship(foreign_keys=[host_id], lazy="joined", innerjoin=True)
    series: Mapped[EventSeries | None] = relationship()
    community: Mapped[Community | None] = relationship()

    def managed_by(self, user) -> bool:
        """The community's owner and co-hosts, and site admins, run the event;
        nobody else sees its insides."""
        return may(user, self.community_id, MANAGE)

    def door_worked_by(self, user) -> bool:
        """Those who run the event, and the community's door staff, work its door
        (a draft's door stays closed to door staff: nobody but its hosts knows of it)."""
        if self.state == DRAFT:
            return self.managed_by(user)
        return may(user, self.community_id, AT_THE_DOOR)

    def visible_to(self, user) -> bool:
        return self.state != DRAFT or self.managed_by(user)

    def custom_goal_codes(self) -> set[str]:
        return {goal["code"] for goal in self.custom_goals}

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.state}>"


class Registration(db.Model):
    __tablename__ = "registrations"
    __table_args__ = (
        UniqueConstraint("event_id", "user_id"),
        CheckConstraint("status IN ('confirmed', 'waitlisted', 'cancelled', 'applied')", name="status"),
        CheckConstraint("checked_in_at IS NULL OR status = 'confirmed'", name="checked_in_confirmed"),
        CheckConstraint("payment_method IS NULL OR payment_method IN ('cash', 'other')", name="payment_method"),
        CheckConstraint("paid_amount IS NULL OR paid_amount >= 0", name="paid_amount"),
        Index("ix_registrations_event_id_status", "event_id", "status", "queue_number"),
        Index("ix_registrations_ticket_code", "ticket_code", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(12))
    goals: Mapped[list[str]] = mapped_column(JSON, default=list)
    intro: Mapped[str] = mapped_column(String(INTRO_MAX), default="")
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)
    # First come, first served: 1 + the event's highest number so far, taken
    # under the event's lock, so it follows the order in which registrations
    # (and renewals after a cancel) really went through, and a waitlist
    # place only ever moves forward.
    queue_number: Mapped[int]
    confirmed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    checked_in_at: Mapped[datetime | None]
    reminder_sent_at: Mapped[datetime | None]
    # The ticket: an unguessable short code, shown as text and as a QR code,
    # that the door scans (see meetup.events.tickets).
    # Never NULL; nullable only because SQLite cannot tighten a column in place.
    ticket_code: Mapped[str | None] = mapped_column(String(16), default=new_ticket_code)
    # Added by the host at the door, and whether the host seated them beyond capacity.
    walk_in: Mapped[bool] = mapped_column(default=False, server_default=false())
    beyond_capacity: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Payment at the door: when, how much (yen) and how (CASH or OTHER).
    paid_at: Mapped[datetime | None]
    paid_amount: Mapped[int | None]
    payment_method: Mapped[str | None] = mapped_column(String(12))
    # Set when a receipt (meetup.receipts) is issued for the payment, which then stays recorded.
    receipt_issued: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The mail that brings people back, each sent once (the worker's jobs stamp them):
    # "your tables are published", the meet-again prompt after the evening and its last call.
    tables_mailed_at: Mapped[datetime | None]
    meet_again_prompted_at: Mapped[datetime | None]
    last_call_sent_at: Mapped[datetime | None]
    # When this person last saved their meet-again choices (the last call skips anyone who has).
    meet_again_saved_at: Mapped[datetime | None]
    # Where the lottery drew this application: 1 is the first drawn (NULL for first come).
    draw_position: Mapped[int | None]

    event: Mapped[Event] = relationship()
    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<Registration {self.id} event={self.event_id} user={self.user_id} {self.status}>"


class HostMessage(db.Model):
    """A message a host wrote to an evening's attendees, kept as the log of who wrote
    what and when; each recipient got it through the outbox and may report it."""

    __tablename__ = "host_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    # NULL once the sender's account is deleted; the message stays in the evening's log.
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    subject: Mapped[str] = mapped_column(String(MESSAGE_SUBJECT_MAX))
    body: Mapped[str] = mapped_column(Text)
    include_waitlist: Mapped[bool] = mapped_column(default=False)
    recipient_count: Mapped[int]
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)

    event: Mapped[Event] = relationship()
    sender: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<HostMessage {self.id} event={self.event_id}>"
