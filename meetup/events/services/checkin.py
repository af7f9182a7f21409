"""Door check-in: the host marks who is here, found by name or by the code of
their ticket (scanned or typed), and can take it back; on an evening with a
fee, also who has paid and how.

A person is only let in on the current code of conduct: if it changed after
they registered, they accept it again first (on their phone, at the door).
A payment stays when a check-in is undone: giving money back is the host's
own step (undo_payment), not a side effect of a mistaken tap. Once a receipt
was issued for it, a payment stays recorded: the receipt says it was made.
"""

from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy import select

from meetup.errors import DomainError, NotFoundError
from meetup.events import timezones
from meetup.events.models import (
    CANCELLED,
    CASH,
    CONFIRMED,
    FEE_MAX,
    OTHER,
    PUBLISHED,
    WAITLISTED,
    Event,
    Registration,
)
from meetup.events.queries.events import EVENT_NOT_FOUND
from meetup.events.services.locking import locked_event
from meetup.events.tickets import ALPHABET, LENGTH, grouped, normalise_ticket_code
from meetup.extensions import db
from meetup.i18n import lazy_gettext as _l
from meetup.rules.queries import has_acknowledged_current

# The door opens a while before the start; late arrivals are welcome any time after.
OPENS_BEFORE_START = timedelta(hours=6)


class CheckInError(DomainError):
    pass


def door_refusal(event: Event, now: datetime):
    """Why nobody can be let in (checked in, or added as a walk-in) now, or None."""
    if event.state != PUBLISHED:
        return _l("Check-in is only possible for a published event.")
    if now < event.starts_at - OPENS_BEFORE_START:
        return _l("Check-in opens %(hours)d hours before the start.", hours=OPENS_BEFORE_START // timedelta(hours=1))
    return None


class AlreadyCheckedInError(CheckInError):
    """A ticket shown a second time: nothing changes, and the host hears when
    its holder came in (a copied ticket shows up here)."""


@contextmanager
def _locked_registration(actor, event_id: int, registration_id: int):
    """Inside the event's lock: the managed event and one of its registrations."""
    with locked_event(event_id) as event:
        if not event.door_worked_by(actor):
            raise NotFoundError(EVENT_NOT_FOUND)
        registration = db.session.get(Registration, registration_id)
        if registration is None or registration.event_id != event.id:
            raise NotFoundError(_l("There is no such registration."))
        yield event, registration


def _check_payment(event: Event, method: str, amount: int | None) -> int:
    """The amount taken: the evening's fee unless the host typed another (a
    discount, the party afterwards paid too)."""
    if event.fee_yen == 0:
        raise CheckInError(_l("This evening is free: there is nothing to pay."))
    if method not in (CASH, OTHER):
        raise CheckInError(_l("Choose how they paid: in cash or another way."))
    if amount is not None and not 1 <= amount <= FEE_MAX:
        raise CheckInError(_l("Enter the amount received, from ¥1 to ¥%(max)s.", max=f"{FEE_MAX:,}"), field="amount")
    return event.fee_yen if amount is None else amount


def _take_payment(registration: Registration, method: str, amount: int, now: datetime) -> None:
    """The payment, taken now; a payment already taken stays as it was."""
    if registration.paid_at is None:
        registration.paid_at, registration.paid_amount, registration.payment_method = now, amount, method


def check_in(
    actor,
    event_id: int,
    registration_id: int,
    *,
    now: datetime,
    payment: str | None = None,
    amount: int | None = None,
) -> Registration:
    """Mark a confirmed person present; ``payment`` (CASH or OTHER) records
    that they paid at the same time: ``amount`` yen, or the evening's fee."""
    with _locked_registration(actor, event_id, registration_id) as (event, registration):
        if payment is not None:
            amount = _check_payment(event, payment, amount)
        _admit(event, registration, now)
        if payment is not None:
            _take_payment(registration, payment, amount, now)
        return registration


def _admit(event: Event, registration: Registration, now: datetime) -> Registration:
    """Check-in's rules, inside the event's lock: the door is open, the seat
    confirmed, the current code accepted. Someone present stays as they are."""
    refusal = door_refusal(event, now)
    if refusal is not None:
        raise CheckInError(refusal)
    if registration.status != CONFIRMED:
        raise CheckInError(_l("%(name)s does not have a confirmed seat.", name=registration.user.display_name))
    if registration.checked_in_at is not None:
        return registration
    if not has_acknowledged_current(registration.user_id, event):
        raise CheckInError(
            _l(
                "%(name)s needs to accept the current code of conduct before check-in. "
                "They can do it on the event page.",
                name=registration.user.display_name,
            )
        )
    registration.checked_in_at = now
    return registration


def check_in_by_ticket(actor, event_id: int, code: str, *, now: datetime) -> Registration:
    """Check in the holder of a ticket, as scanned or typed at the door, on
    check-in's rules; a ticket that does not open this evening's door says why."""
    code = normalise_ticket_code(code)
    with locked_event(event_id) as event:
        if not event.door_worked_by(actor):
            raise NotFoundError(EVENT_NOT_FOUND)
        registration = _ticket(code)
        if registration is None:
            raise CheckInError(
                _l("No ticket has the code %(code)s. Check it, or find the person by name.", code=grouped(code[:20])),
                field="code",
            )
        # Who holds a ticket to another evening is that evening's business: no name here.
        if registration.event_id != event.id:
            raise CheckInError(_l("This ticket is for another evening, not this one."), field="code")
        name = registration.user.display_name
        if registration.status == CANCELLED:
            raise CheckInError(_l("%(name)s cancelled this registration: the ticket is no longer valid.", name=name))
        if registration.status == WAITLISTED:
            raise CheckInError(_l("%(name)s is on the waitlist and has no seat this evening.", name=name))
        if registration.checked_in_at is not None:
            raise AlreadyCheckedInError(
                _l(
                    "%(name)s is already checked in (since %(time)s).",
                    name=name,
                    time=timezones.format_clock(registration.checked_in_at, event.timezone),
                )
            )
        return _admit(event, registration, now)


def _ticket(code: str) -> Registration | None:
    if len(code) != LENGTH or not set(code) <= set(ALPHABET):
        return None  # not a code we make: no need to ask the database
    return db.session.scalar(select(Registration).where(Registration.ticket_code == code))


def undo_check_in(actor, event_id: int, registration_id: int, *, now: datetime) -> Registration:
    with _locked_registration(actor, event_id, registration_id) as (_event, registration):
        registration.checked_in_at = None
        return registration


def record_payment(
    actor, event_id: int, registration_id: int, method: str, *, now: datetime, amount: int | None = None
) -> Registration:
    """Someone already present pays (CASH or OTHER): ``amount`` yen, or the evening's fee."""
    with _locked_registration(actor, event_id, registration_id) as (event, registration):
        amount = _check_payment(event, method, amount)
        if registration.checked_in_at is None:
            raise CheckInError(
                _l("Mark %(name)s present first, then record the payment.", name=registration.user.display_name)
            )
        _take_payment(registration, method, amount, now)
        return registration


def undo_payment(actor, event_id: int, registration_id: int, *, now: datetime) -> Registration:
    """Take back a payment recorded by mistake, or after giving the money back."""
    with _locked_registration(actor, event_id, registration_id) as (_event, registration):
        if registration.receipt_issued:
            raise CheckInError(
                _l(
                    "A receipt has been issued for %(name)s's payment, so the payment stays recorded.",
                    name=registration.user.display_name,
                )
            )
        registration.paid_at = registration.paid_amount = registration.payment_method = None
        return registration
