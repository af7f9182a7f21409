"""Registration: seats up to capacity, then a first-come waitlist that moves
up the moment a seat frees.

Every function that changes who holds a seat runs inside ``locked_event``:
the event's lock is taken before anything is counted, so two requests can
never both see the last free seat.
"""

from datetime import datetime

from sqlalchemy import and_, bindparam, func, select
from sqlalchemy import true as sa_true

from meetup.accounts.models import User
from meetup.errors import DomainError, NotFoundError
from meetup.events import goals as goal_catalogue
from meetup.events.models import CANCELLED, CONFIRMED, INTRO_MAX, PUBLISHED, WAITLISTED, Event, Registration
from meetup.events.notify import notify
from meetup.events.services import EVENT_NOT_FOUND
from meetup.events.services.locking import locked_event
from meetup.extensions import db
from meetup.i18n import lazy_gettext as _l
from meetup.rules import queries as rules
from meetup.rules.services import BANNED, BannedError, acknowledge


class RegistrationClosedError(DomainError):
    pass


class AlreadyRegisteredError(DomainError):
    pass


class NotRegisteredError(DomainError):
    pass


# Registering and cancelling run these inside the event's lock on every
# request of the flow: built once, since building a statement costs more
# than running it.
_event_id = bindparam("event_id")
# Where the event's seats stand: confirmed, waiting, and the end of the queue.
_SEATS = select(
    func.count().filter(Registration.status == CONFIRMED).label("confirmed"),
    func.count().filter(Registration.status == WAITLISTED).label("waiting"),
    func.max(Registration.queue_number).label("last_in_queue"),
).where(Registration.event_id == _event_id)
_REGISTRATION_OF = select(Registration).where(
    Registration.event_id == _event_id, Registration.user_id == bindparam("user_id")
)
_WAITING_AHEAD = (
    select(func.count())
    .select_from(Registration)
    .where(
        Registration.event_id == _event_id,
        Registration.status == WAITLISTED,
        Registration.queue_number < bindparam("queue_number"),
    )
)


# Registering, after the event's lock: where the person stands, in one
# statement. The person and their registration are read afresh (the lock
# expired what the request had loaded); with the seats, whether the host
# banned them, and the code of conduct they must accept.
_person, _host_id, _revision = bindparam("user_id"), bindparam("host_id"), bindparam("revision")
_seat_tally = _SEATS.subquery()
_version = rules.current_version_column()
_STANDING = (
    select(
        User,
        Registration,
        _seat_tally,
        rules.banned_column(_host_id, _person).label("banned"),
        _version.label("code_version"),
        rules.acknowledged_current_column(_person, _event_id, _revision, _version).label("acknowledged"),
    )
    .select_from(User)
    .join(_seat_tally, sa_true())
    .outerjoin(Registration, and_(Registration.event_id == _event_id, Registration.user_id == User.id))
    .where(User.id == _person)
    .execution_options(populate_existing=True)
)


# Cancelling, after the event's lock: the person's registration (afresh) and
# the seats, in one statement.
_SEAT_OF = (
    select(Registration, _seat_tally)
    .select_from(_seat_tally)
    .outerjoin(Registration, and_(Registration.event_id == _event_id, Registration.user_id == _person))
    .execution_options(populate_existing=True)
)


def _seats(event_id: int):
    return db.session.execute(_SEATS, {"event_id": event_id}).one()


def confirmed_count(event_id: int) -> int:
    return _seats(event_id).confirmed


def registration_of(user_id: int, event_id: int) -> Registration | None:
    return db.session.scalar(_REGISTRATION_OF, {"event_id": event_id, "user_id": user_id})


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


def _check_choices(event: Event, goals: list[str], intro: str) -> tuple[list[str], str]:
    goals = list(dict.fromkeys(goals))
    if not goal_catalogue.MIN_PICKS <= len(goals) <= goal_catalogue.MAX_PICKS:
        raise DomainError(
            _l(
                "Pick %(min)d to %(max)d goals for the evening.",
                min=goal_catalogue.MIN_PICKS,
                max=goal_catalogue.MAX_PICKS,
            ),
            field="goals",
        )
    if any(code not in event.goals for code in goals):
        raise DomainError(_l("Pick goals from those this event offers."), field="goals")
    intro = intro.strip()
    if len(intro) > INTRO_MAX:
        raise DomainError(_l("At most %(max)d characters.", max=INTRO_MAX), field="intro")
    return goals, intro


def register(actor, event_id: int, *, goals: list[str], intro: str, acknowledged: bool, now: datetime) -> Registration:
    """A seat if one is free, else the end of the waitlist; mail either way.
    Refused (politely) to someone the host banned from their events.

    Registering again after cancelling reuses the row (one per person and
    event) and joins the end of the queue like anyone new."""
    actor_id = actor.id  # read before the lock expires the actor
    # keep_loaded: the caller answers from the registration as committed.
    with locked_event(event_id, keep_loaded=True) as event:
        if not event.visible_to(actor):
            raise NotFoundError(EVENT_NOT_FOUND)
        reason = closed_reason(event, now)
        if reason is not None:
            raise RegistrationClosedError(reason)
        standing = db.session.execute(
            _STANDING,
            {"user_id": actor_id, "event_id": event.id, "host_id": event.host_id, "revision": event.conduct_revision},
        ).one()
        if standing.banned:
            raise BannedError(BANNED)
        registration = standing.Registration
        if registration is not None and registration.status != CANCELLED:
            raise AlreadyRegisteredError(_l("You are already registered for this event."))
        goals, intro = _check_choices(event, goals, intro)
        acknowledge(
            actor_id, event, accepted=acknowledged, now=now, read=(standing.code_version, standing.acknowledged)
        )
        seat_free = standing.confirmed < event.capacity
        queue_number = 1 + (standing.last_in_queue or 0)
        if registration is None:
            registration = Registration(event=event, user=actor)
            db.session.add(registration)
        registration.status = CONFIRMED if seat_free else WAITLISTED
        registration.goals, registration.intro = goals, intro
        registration.registered_at, registration.queue_number = now, queue_number
        registration.confirmed_at = now if seat_free else None
        registration.cancelled_at = registration.checked_in_at = registration.reminder_sent_at = None
        # Written with its mail at the commit: one flush, nothing read back.
        if seat_free:
            notify(registration, "registration-confirmed")
        else:
            # The end of the queue: everyone waiting is ahead.
            notify(registration, "registration-waitlisted", position=standing.waiting + 1)
        return registration


def cancel_registration(actor, event_id: int, *, now: datetime) -> Registration:
    """Give up one's seat or waitlist place; a freed seat goes to the first
    person waiting, in this same transaction."""
    actor_id = actor.id  # read before the lock expires the actor
    with locked_event(event_id) as event:
        if not event.visible_to(actor):
            raise NotFoundError(EVENT_NOT_FOUND)
        standing = db.session.execute(_SEAT_OF, {"event_id": event.id, "user_id": actor_id}).one()
        registration = standing.Registration
        if registration is None or registration.status == CANCELLED:
            raise NotRegisteredError(_l("You are not registered for this event."))
        if now >= event.starts_at:
            raise RegistrationClosedError(_l("This event has already started; it is too late to cancel."))
        had_seat = registration.status == CONFIRMED
        registration.status = CANCELLED
        registration.cancelled_at = now
        registration.confirmed_at = None
        registration.checked_in_at = None  # checked in at the door, then left before the start
        if had_seat:  # the seats as this cancellation leaves them
            fill_free_seats(event, now, seats=(standing.confirmed - 1, standing.waiting))
        return registration


def fill_free_seats(event: Event, now: datetime, seats: tuple[int, int] | None = None) -> list[Registration]:
    """Promote waitlisted people, first come first served, into free seats.

    Only call inside ``locked_event``: the count must not move underneath.
    ``seats``: (confirmed, waiting) when the caller counted them under the lock."""
    if event.state not in (PUBLISHED,) or now >= event.starts_at:
        return []
    confirmed, waiting = seats if seats is not None else _seats(event.id)[:2]
    free = event.capacity - confirmed
    if free <= 0 or not waiting:
        return []
    promoted = list(
        db.session.scalars(
            select(Registration)
            .where(Registration.event_id == event.id, Registration.status == WAITLISTED)
            .order_by(Registration.queue_number, Registration.id)
            .limit(free)
        )
    )
    for registration in promoted:
        registration.status = CONFIRMED
        registration.confirmed_at = now
        notify(registration, "registration-promoted")
    return promoted


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first person waiting; None if not on the waitlist."""
    if registration.status != WAITLISTED:
        return None
    ahead = (
        db.session.scalar(
            _WAITING_AHEAD, {"event_id": registration.event_id, "queue_number": registration.queue_number}
        )
        or 0
    )
    return ahead + 1


def acknowledge_conduct(actor, event_id: int, *, accepted: bool, now: datetime) -> None:
    """Accept the event's current code of conduct after it changed."""
    with locked_event(event_id) as event:
        registration = registration_of(actor.id, event.id)
        if registration is None or registration.status == CANCELLED:
            raise NotRegisteredError(_l("You are not registered for this event."))
        acknowledge(actor.id, event, accepted=accepted, now=now)
