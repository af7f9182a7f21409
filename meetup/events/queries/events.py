"""One event: who may see or run it, whether it takes registrations, its seat
tally and what its page shows a reader."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from meetup.errors import NotFoundError
from meetup.events.models import APPLIED, CANCELLED, CONFIRMED, LOTTERY, PUBLISHED, WAITLISTED, Event, Registration
from meetup.extensions import db
from meetup.i18n import lazy_gettext as _l
from meetup.rules.models import CodeOfConduct, ConductAcknowledgement
from meetup.rules.queries import active_ban, current_code

# What anyone is told about an event that is not there or not theirs to see.
EVENT_NOT_FOUND = _l("There is no such event.")


def visible_event(actor, event_id: int) -> Event:
    """The event, if this person may know it exists (drafts: host and admins)."""
    event = db.session.get(Event, event_id)
    if event is None or not event.visible_to(actor):
        raise NotFoundError(EVENT_NOT_FOUND)
    return event


def managed_event(actor, event_id: int) -> Event:
    """The event, if this person runs it; everyone else gets 'not found'."""
    event = db.session.get(Event, event_id)
    if event is None or not event.managed_by(actor):
        raise NotFoundError(EVENT_NOT_FOUND)
    return event


def door_event(actor, event_id: int) -> Event:
    """The event, if this person works its door (door staff, and everyone who runs it)."""
    event = db.session.get(Event, event_id)
    if event is None or not event.door_worked_by(actor):
        raise NotFoundError(EVENT_NOT_FOUND)
    return event


def closed_reason(event: Event, now: datetime):
    """Why registration is closed right now, or None while it is open."""
    if event.state == CANCELLED:
        return _l("This event is cancelled.")
    if event.state != PUBLISHED:
        return _l("Registration has not opened yet.")
    if now >= event.starts_at:
        return _l("This event has already started.")
    if now >= event.registration_deadline:
        return _l("Registration for this event has closed.")
    return None


def taking_applications(event: Event, now: datetime) -> bool:
    """A lottery evening before its draw: registering applies for a seat."""
    return event.admission == LOTTERY and event.drawn_at is None and event.draw_at is not None and now < event.draw_at


def awaiting_draw(event: Event, now: datetime) -> bool:
    """A lottery evening whose draw time has passed and that has not drawn yet."""
    return event.admission == LOTTERY and event.drawn_at is None and event.draw_at is not None and now >= event.draw_at


@dataclass
class Counts:
    """Where an event's seats stand."""

    confirmed: int = 0
    waitlisted: int = 0
    cancelled: int = 0
    checked_in: int = 0
    last_in_queue: int = 0  # the queue number of the latest registration, 0 for none
    paid: int = 0  # people whose payment was taken at the door
    paid_yen: int = 0  # and what they paid, in all
    applied: int = 0  # lottery applications waiting for the draw


def counts(event_id: int) -> Counts:
    """The event's seat tally: the one place it is counted."""
    row = db.session.execute(
        select(
            *(
                func.count().filter(Registration.status == status).label(status)
                for status in (CONFIRMED, WAITLISTED, CANCELLED, APPLIED)
            ),
            func.count(Registration.checked_in_at).label("checked_in"),
            func.coalesce(func.max(Registration.queue_number), 0).label("last_in_queue"),
            func.count(Registration.paid_at).label("paid"),
            func.coalesce(func.sum(Registration.paid_amount), 0).label("paid_yen"),
        ).where(Registration.event_id == event_id)
    ).one()
    return Counts(**row._asdict())


def registration_of(user_id: int, event_id: int) -> Registration | None:
    """The person's registration for the event (one per person and event)."""
    return db.session.scalar(
        select(Registration).where(Registration.event_id == event_id, Registration.user_id == user_id)
    )


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first person waiting; None if not on the waitlist."""
    if registration.status != WAITLISTED:
        return None
    ahead = db.session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(
            Registration.event_id == registration.event_id,
            Registration.status == WAITLISTED,
            Registration.queue_number < registration.queue_number,
        )
    )
    return ahead + 1


@dataclass
class EventPage:
    """What the event page shows this reader."""

    counts: Counts
    capacity: int
    registration: Registration | None
    position: int | None
    needs_acknowledgement: bool
    manages: bool
    closed_reason: object  # a lazy message, or None while registration is open
    started: bool
    over: bool
    code: CodeOfConduct  # the current code of conduct, which the page shows
    banned: bool = False  # the host does not accept registrations from this reader
    applying: bool = False  # a lottery before its draw: registering is applying

    @property
    def seats_left(self) -> int:
        return max(0, self.capacity - self.counts.confirmed)

    @property
    def registered(self) -> bool:
        return self.registration is not None and self.registration.status != CANCELLED

    @property
    def shows_online_link(self) -> bool:
        # The link is the door of an online room: only people with a seat
        # (and the host) get it, so it cannot be passed around by anyone
        # who merely looked at the page.
        return self.manages or (self.registration is not None and self.registration.status == CONFIRMED)


def visible_event_page(reader, event_id: int, now: datetime) -> tuple[Event, EventPage]:
    """``visible_event`` and what its page shows this reader."""
    event = visible_event(reader, event_id)
    code = current_code()
    mine = banned = None
    if reader.is_authenticated:
        mine = registration_of(reader.id, event.id)
        banned = active_ban(event.community_id, reader.id) is not None
    needs_acknowledgement = bool(
        mine is not None
        and mine.status == CONFIRMED
        and event.state == PUBLISHED
        and event.ends_at > now
        and event.id in unacknowledged_event_ids(reader.id, [event], version=code.version)
    )
    return event, EventPage(
        counts=counts(event.id),
        capacity=event.capacity,
        registration=mine,
        position=waitlist_position(mine) if mine is not None else None,
        needs_acknowledgement=needs_acknowledgement,
        manages=event.managed_by(reader),
        closed_reason=closed_reason(event, now),
        started=event.starts_at <= now,
        over=event.ends_at <= now,
        code=code,
        banned=bool(banned),
        applying=taking_applications(event, now),
    )


def waitlist_positions(event_ids) -> dict[int, int]:
    """Registration id → place in its event's waitlist (1 = next in line)."""
    position = func.row_number().over(
        partition_by=Registration.event_id, order_by=(Registration.queue_number, Registration.id)
    )
    ranked = (
        select(Registration.id, position.label("position"))
        .where(Registration.event_id.in_(list(event_ids)), Registration.status == WAITLISTED)
        .subquery()
    )
    return dict(db.session.execute(select(ranked.c.id, ranked.c.position)).all())


def unacknowledged_event_ids(user_id: int, events, version: int | None = None) -> set[int]:
    """Of these events, those whose current code of conduct the user has not
    accepted (``version``: the current code's, when the caller has read it)."""
    events = list(events)
    if not events:
        return set()
    version = version if version is not None else current_code().version
    accepted = set(
        db.session.execute(
            select(ConductAcknowledgement.event_id, ConductAcknowledgement.event_revision).where(
                ConductAcknowledgement.user_id == user_id,
                ConductAcknowledgement.platform_version == version,
                ConductAcknowledgement.event_id.in_([event.id for event in events]),
            )
        ).all()
    )
    return {event.id for event in events if (event.id, event.conduct_revision) not in accepted}
