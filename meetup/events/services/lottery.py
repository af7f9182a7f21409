"""The lottery (抽選): an evening that takes applications until ``draw_at``,
then draws once who gets the seats; the rest wait in draw order.

The order is a pure function of a recorded seed and the registration ids:
applicants sorted by HMAC-SHA256(key=seed, message=the id as decimal text).
The seed comes from ``secrets`` at the draw, so nobody can know the order
before; recorded with the draw, it lets anyone repeat the order afterwards.
When someone applied plays no part (only the id, which the keyed hash makes
as good as random), so applying early gives no better chance.

The draw runs under the event's lock and stamps ``drawn_at``; a second run
(another worker, a restart, a registration racing the worker) finds it
stamped and does nothing. A job of the worker (meetup.jobs): ``draws_due``
lists published lottery evenings whose draw time has passed; ``draw`` runs one.
"""

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from meetup.errors import DomainError
from meetup.events.models import (
    APPLIED,
    CANCELLED,
    CONFIRMED,
    FIRST_COME,
    LOTTERY,
    PUBLISHED,
    WAITLISTED,
    Event,
    Registration,
)
from meetup.events.notify import notify
from meetup.events.queries.events import awaiting_draw, counts
from meetup.events.services.locking import locked_event
from meetup.extensions import db
from meetup.i18n import lazy_gettext as _l

SEED_BYTES = 32

DRAW_MISSING = _l("Set the time of the draw: a lottery takes applications until then.")


def draw_key(seed: bytes, registration_id: int) -> str:
    """Where one application falls in the draw: the lower, the earlier drawn."""
    return hmac.new(seed, str(registration_id).encode("ascii"), hashlib.sha256).hexdigest()


def draw_order(seed: bytes, registration_ids: Iterable[int]) -> list[int]:
    """The registration ids in draw order (first drawn first)."""
    return sorted(registration_ids, key=lambda registration_id: draw_key(seed, registration_id))


def draws_due(now: datetime) -> list[int]:
    """Published lottery evenings, not over, whose draw time has passed and that have not drawn."""
    return list(
        db.session.scalars(
            select(Event.id)
            .where(
                Event.state == PUBLISHED,
                Event.admission == LOTTERY,
                Event.drawn_at.is_(None),
                Event.draw_at <= now,
                Event.ends_at > now,
            )
            .order_by(Event.draw_at, Event.id)
        )
    )


def draw(event_id: int, *, now: datetime) -> int:
    """The worker's job: draw the evening if it is due and not drawn yet;
    return how many applications were drawn (0 if there was nothing to do)."""
    with locked_event(event_id) as event:
        if event.state != PUBLISHED or not awaiting_draw(event, now) or event.ends_at <= now:
            return 0
        return len(draw_locked(event, now))


def draw_locked(event: Event, now: datetime) -> list[Registration]:
    """Draw the evening's applications: seats up to capacity in draw order,
    then the waitlist in draw order, each person mailed their result.
    Does nothing on an evening already drawn (or not a lottery).

    Only call inside ``locked_event``: the seats and the stamp must not move underneath."""
    if event.admission != LOTTERY or event.drawn_at is not None:
        return []
    seed = secrets.token_bytes(SEED_BYTES)
    seats = counts(event.id)  # walk-ins seated before the draw keep their seats
    applicants = {
        registration.id: registration
        for registration in db.session.scalars(
            select(Registration)
            .where(Registration.event_id == event.id, Registration.status == APPLIED)
            .options(joinedload(Registration.user))
        )
    }
    drawn = [applicants[registration_id] for registration_id in draw_order(seed, applicants)]
    free = max(0, event.capacity - seats.confirmed)
    for position, registration in enumerate(drawn, start=1):
        registration.draw_position = position
        registration.queue_number = seats.last_in_queue + position
        if position <= free:
            registration.status, registration.confirmed_at = CONFIRMED, now
        else:
            registration.status = WAITLISTED
    event.drawn_at, event.draw_seed, event.draw_seats = now, seed.hex(), min(free, len(drawn))
    db.session.flush()
    for position, registration in enumerate(drawn, start=1):
        if registration.status == CONFIRMED:
            notify(registration, "lottery-seat", with_calendar=True)
        else:
            waiting = seats.waitlisted + position - free
            notify(registration, "lottery-waitlisted", with_calendar=True, position=waiting)
    return drawn


# The form's rules for how an evening gives its seats (called by meetup.events.services.events).


def check_admission(details, event: Event | None, now: datetime) -> None:
    """First come or a lottery, and a lottery's draw time: required, at or
    before the registration deadline, in the future when set or changed.
    The way seats are given stays once anyone registered or applied, and
    the draw's time once it ran. ``details.registration_deadline`` is set."""
    if details.admission not in (FIRST_COME, LOTTERY):
        raise DomainError(_l("Choose first come or a lottery."), field="admission")
    drawn = event is not None and event.drawn_at is not None
    changing = event is not None and details.admission != event.admission
    if changing and (drawn or _anyone_registered(event)):
        raise DomainError(
            _l("People have already registered or applied, so the way seats are given can no longer change."),
            field="admission",
        )
    if details.admission == FIRST_COME:
        details.draw_at = None
        return
    if drawn:
        if details.draw_at != event.draw_at:
            raise DomainError(_l("The draw has taken place; its time can no longer change."), field="draw_at")
        return
    if details.draw_at is None:
        raise DomainError(DRAW_MISSING, field="draw_at")
    if details.draw_at > details.registration_deadline:
        raise DomainError(_l("The draw must be at or before the registration deadline."), field="draw_at")
    if (event is None or details.draw_at != event.draw_at) and details.draw_at <= now:
        raise DomainError(_l("The draw must be in the future."), field="draw_at")


def publish_refusal(event: Event, now: datetime):
    """Why a lottery draft cannot be published yet, or None."""
    if event.admission == LOTTERY and event.drawn_at is None and (event.draw_at is None or event.draw_at <= now):
        return _l("The time of this lottery's draw has passed. Change it before publishing.")
    return None


def _anyone_registered(event: Event) -> bool:
    return bool(
        db.session.scalar(
            select(func.count())
            .select_from(Registration)
            .where(Registration.event_id == event.id, Registration.status != CANCELLED)
        )
    )
