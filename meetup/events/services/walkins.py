"""Walk-ins: the host adds someone at the door, who is then seated like
everyone else (a confirmed, checked-in registration marked ``walk_in``).

Someone whose address has an account is linked to it (and told by mail);
anyone else gets an account without a password, which they claim later
through a mailed link (meetup.accounts), or, without an address, nobody ever
logs in to. A full evening takes a walk-in only when the host says so, and
the seat is marked ``beyond_capacity``.
"""

from dataclasses import dataclass
from datetime import datetime

from meetup.accounts.services.credentials import find_by_email
from meetup.accounts.services.signups import add_unclaimed_account, claim_url
from meetup.errors import DomainError, NotFoundError
from meetup.events.models import CONFIRMED, Registration
from meetup.events.notify import notify
from meetup.events.queries.events import EVENT_NOT_FOUND, counts, registration_of
from meetup.events.services.checkin import door_refusal
from meetup.events.services.locking import locked_event
from meetup.extensions import db
from meetup.i18n import lazy_gettext as _l
from meetup.mail import enqueue, external_url
from meetup.rules.queries import active_ban
from meetup.rules.services import acknowledge


class WalkInError(DomainError):
    pass


class AlreadyHereError(DomainError):
    """The person has a seat for this evening already: check them in instead."""

    def __init__(self, message, *, registration_id: int, checked_in: bool):
        super().__init__(message)
        self.registration_id = registration_id
        self.checked_in = checked_in


@dataclass
class WalkIn:
    registration: Registration
    new_account: bool  # False: linked to the account the address belongs to


def add_walk_in(
    actor,
    event_id: int,
    *,
    display_name: str,
    industry: str,
    acknowledged: bool,
    now: datetime,
    name_reading: str = "",
    industry_other: str = "",
    email: str = "",
    language: str | None = None,
    beyond_capacity: bool = False,
) -> WalkIn:
    """Seat and check in someone who came without a seat. The host ticks
    that they accepted the code of conduct, which is recorded for them; on a
    full evening, ``beyond_capacity`` must say that the host means it."""
    with locked_event(event_id) as event:
        if not event.door_worked_by(actor):
            raise NotFoundError(EVENT_NOT_FOUND)
        refusal = door_refusal(event, now)
        if refusal is not None:
            raise WalkInError(refusal)
        user = find_by_email(email) if email.strip() else None
        registration = registration_of(user.id, event.id) if user is not None else None
        if registration is not None and registration.status == CONFIRMED:
            raise AlreadyHereError(
                _l("%(name)s already has a seat for this evening.", name=user.display_name),
                registration_id=registration.id,
                checked_in=registration.checked_in_at is not None,
            )
        if user is not None and active_ban(event.community_id, user.id) is not None:
            raise WalkInError(
                _l(
                    "%(name)s is banned from this community's evenings. Lift the ban first to let them in.",
                    name=user.display_name,
                )
            )
        seats = counts(event.id)
        full = seats.confirmed >= event.capacity
        if full and not beyond_capacity:
            raise WalkInError(
                _l(
                    "The evening is full: %(confirmed)d of %(capacity)d seats are taken. "
                    "Tick “Seat them beyond capacity” to seat them anyway.",
                    confirmed=seats.confirmed,
                    capacity=event.capacity,
                ),
                field="beyond_capacity",
            )
        new_account = user is None
        if new_account:
            user = add_unclaimed_account(
                display_name=display_name,
                name_reading=name_reading,
                industry=industry,
                industry_other=industry_other,
                email=email,
                language=language,
            )
        acknowledge(user.id, event, accepted=acknowledged, now=now)
        if registration is None:  # else a waitlist place or a cancelled one, which becomes the seat
            registration = Registration(event=event, user=user, goals=[], intro="")
            db.session.add(registration)
        registration.status = CONFIRMED
        registration.walk_in, registration.beyond_capacity = True, full
        registration.registered_at = registration.confirmed_at = registration.checked_in_at = now
        registration.reminder_sent_at = now  # they are here: no "see you tomorrow" mail
        registration.queue_number = seats.last_in_queue + 1
        registration.cancelled_at = None
        if not new_account:
            notify(registration, "registration-walk-in")
        elif user.email is not None:
            enqueue(
                user,
                "account-claim",
                claim_url=claim_url(user),
                event=event,
                event_url=external_url("events.show", event_id=event.id),
            )
        return WalkIn(registration, new_account)
