"""Registration: seats up to capacity, then a first-come waitlist that moves
up the moment a seat frees; on a lottery evening before its draw, an
application instead (meetup.events.services.lottery).

Every function that changes who holds a seat runs inside ``locked_event``:
the event's lock is taken before anything is counted, so two requests can
never both see the last free seat.
"""

from datetime import datetime

from sqlalchemy import select

from meetup.communities.services import add_follower
from meetup.errors import DomainError, NotFoundError
from meetup.events import goals as goal_catalogue
from meetup.events.models import (
    APPLIED,
    CANCELLED,
    CONFIRMED,
    FIRST_COME,
    INTRO_MAX,
    PUBLISHED,
    WAITLISTED,
    Event,
    Registration,
)
from meetup.events.notify import notify
from meetup.events.queries.events import (
    EVENT_NOT_FOUND,
    awaiting_draw,
    closed_reason,
    counts,
    registration_of,
    taking_applications,
)
from meetup.events.services.locking import locked_event
from meetup.events.services.lottery import draw_locked
from meetup.extensions import db
from meetup.i18n import lazy_gettext as _l
from meetup.rules.services import acknowledge, refuse_if_banned

PICK_GOALS = _l(
    "Pick %(min)d to %(max)d goals for the evening.", min=goal_catalogue.MIN_PICKS, max=goal_catalogue.MAX_PICKS
)


class RegistrationClosedError(DomainError):
    pass


class AlreadyRegisteredError(DomainError):
    pass


class NotRegisteredError(DomainError):
    pass


class EmailNotConfirmedError(DomainError):
    pass


def _check_choices(event: Event, goals: list[str], intro: str) -> tuple[list[str], str]:
    goals = list(dict.fromkeys(goals))
    if not goal_catalogue.MIN_PICKS <= len(goals) <= goal_catalogue.MAX_PICKS:
        raise DomainError(PICK_GOALS, field="goals")
    if any(code not in event.goals for code in goals):
        raise DomainError(_l("Pick goals from those this event offers."), field="goals")
    intro = intro.strip()
    if len(intro) > INTRO_MAX:
        raise DomainError(_l("At most %(max)d characters.", max=INTRO_MAX), field="intro")
    return goals, intro


def register(
    actor,
    event_id: int,
    *,
    goals: list[str],
    intro: str,
    acknowledged: bool,
    now: datetime,
    follow: bool = False,
) -> Registration:
    """A seat if one is free, else the end of the waitlist; mail either way.
    Refused (politely) to someone the host banned from their events, and to
    someone who has not confirmed their email address yet. With ``follow``
    (the person ticked it; it is never ticked for them) they follow the
    evening's community too, in the same transaction.

    Registering again after cancelling reuses the row (one per person and
    event) and joins the end of the queue like anyone new.

    On a lottery evening before its draw it is an application (no seat yet);
    after the draw's time on an evening not drawn yet, the draw runs first,
    in this transaction, and the registration then goes first come."""
    with locked_event(event_id) as event:
        if not event.visible_to(actor):
            raise NotFoundError(EVENT_NOT_FOUND)
        reason = closed_reason(event, now)
        if reason is not None:
            raise RegistrationClosedError(reason)
        refuse_if_banned(event.community_id, actor.id)
        if actor.email_confirmed_at is None:
            raise EmailNotConfirmedError(
                _l(
                    "Please confirm your email address first: follow the link we sent to it. "
                    "You can have it sent again from this page or your profile."
                )
            )
        registration = registration_of(actor.id, event.id)
        if registration is not None and registration.status != CANCELLED:
            raise AlreadyRegisteredError(_l("You are already registered for this event."))
        goals, intro = _check_choices(event, goals, intro)
        acknowledge(actor.id, event, accepted=acknowledged, now=now)
        if awaiting_draw(event, now):
            draw_locked(event, now)
        applying = taking_applications(event, now)
        seats = counts(event.id)
        seat_free = seats.confirmed < event.capacity and not applying
        if registration is None:
            registration = Registration(event=event, user=actor)
            db.session.add(registration)
        registration.status = APPLIED if applying else CONFIRMED if seat_free else WAITLISTED
        registration.goals, registration.intro = goals, intro
        registration.registered_at, registration.queue_number = now, seats.last_in_queue + 1
        registration.confirmed_at = now if seat_free else None
        registration.cancelled_at = registration.checked_in_at = registration.reminder_sent_at = None
        registration.tables_mailed_at = None  # seated again after coming back: told again
        if follow and event.community_id is not None:
            add_follower(actor.id, event.community_id, now=now)
        if applying:
            notify(registration, "lottery-applied")
        elif seat_free:
            notify(registration, "registration-confirmed", with_calendar=True)
        else:
            # The end of the queue: everyone waiting is ahead.
            notify(registration, "registration-waitlisted", with_calendar=True, position=seats.waitlisted + 1)
        return registration


def cancellation_refusal(event: Event, registration: Registration | None, now: datetime):
    """Why the owner may not cancel this registration now, or None.

    Once checked in, the person is at the venue and the host counts on the
    seat; once the evening has started, the seat can no longer go to anyone."""
    if registration is None or registration.status == CANCELLED:
        return _l("You are not registered for this event.")
    if event.state == CANCELLED:
        return _l("This event is cancelled.")
    if registration.checked_in_at is not None:
        return _l("You are checked in, so your registration can no longer be cancelled. Please speak to the host.")
    if now >= event.starts_at:
        return _l("This event has already started; it is too late to cancel.")
    return None


def cancel_registration(actor, event_id: int, *, now: datetime) -> Registration:
    """Give up one's seat or waitlist place; a freed seat goes to the first
    person waiting, in this same transaction."""
    with locked_event(event_id) as event:
        if not event.visible_to(actor):
            raise NotFoundError(EVENT_NOT_FOUND)
        registration = registration_of(actor.id, event.id)
        if registration is None or registration.status == CANCELLED:
            raise NotRegisteredError(_l("You are not registered for this event."))
        refusal = cancellation_refusal(event, registration, now)
        if refusal is not None:
            raise RegistrationClosedError(refusal)
        release_seat(event, registration, now)
        return registration


def release_seat(event: Event, registration: Registration, now: datetime) -> None:
    """Cancel a registration; a seat it held goes to the first person waiting.

    Only call inside ``locked_event`` (or another holder of the event's lock)."""
    had_seat = registration.status == CONFIRMED
    registration.status = CANCELLED
    registration.cancelled_at = now
    registration.confirmed_at = None
    registration.checked_in_at = None  # checked in at the door, then left before the start
    if had_seat:
        fill_free_seats(event, now)


def fill_free_seats(event: Event, now: datetime) -> list[Registration]:
    """Promote waitlisted people, first come first served, into free seats.

    Only call inside ``locked_event``: the count must not move underneath.
    Before a lottery's draw nobody waits: the draw alone gives its seats."""
    if event.state not in (PUBLISHED,) or now >= event.starts_at:
        return []
    if event.admission != FIRST_COME and event.drawn_at is None:
        return []
    seats = counts(event.id)
    free = event.capacity - seats.confirmed
    if free <= 0 or not seats.waitlisted:
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
        notify(registration, "registration-promoted", with_calendar=True)
    return promoted


def acknowledge_conduct(actor, event_id: int, *, accepted: bool, now: datetime) -> None:
    """Accept the event's current code of conduct after it changed."""
    with locked_event(event_id) as event:
        registration = registration_of(actor.id, event.id)
        if registration is None or registration.status == CANCELLED:
            raise NotRegisteredError(_l("You are not registered for this event."))
        acknowledge(actor.id, event, accepted=accepted, now=now)
