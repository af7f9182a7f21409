"""Issuing receipts for fees paid at the door: an attendee's own, typed to
the addressee they choose, and all of an evening's at once for its hosts.

A receipt is issued once: its number, addressee, amount, evening and issuer
are fixed then, and every later download is a copy, marked 再発行 (``times_issued``).
Every change runs under the evening's lock (``locked_event``); the number
comes from the community's counter in one atomic statement, so two receipts
issued at once, at two evenings of one community, never share a number, and
a number is only used up when its receipt is committed.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from meetup.communities.models import Community
from meetup.errors import DomainError, NotFoundError
from meetup.events.models import Event, Registration
from meetup.events.queries.events import EVENT_NOT_FOUND
from meetup.events.services.locking import locked_event
from meetup.events.timezones import local_date
from meetup.extensions import db
from meetup.i18n import lazy_gettext as _l
from meetup.receipts.models import ADDRESSEE_MAX, TAX_RATE, Receipt
from meetup.receipts.queries import paid, receipt_of

NOT_PAID = _l(
    "Your fee has not been recorded as paid at the door, so there is no receipt to issue. "
    "If you paid, ask the host to record it."
)
FREE = _l("This evening is free: there is nothing to give a receipt for.")
NOBODY_PAID = _l("Nobody's fee has been recorded as paid at this evening yet: there are no receipts to download.")


def tax_included(amount: int, rate: int = TAX_RATE) -> int:
    """The consumption tax inside an amount that includes it, rounded down
    (¥3,000 at 10%: ¥272), as a qualified invoice states it."""
    return amount * rate // (100 + rate)


def _next_numbers(community_id: int, count: int) -> range:
    """The community's next ``count`` receipt numbers, taken in one statement
    that is atomic on SQLite and PostgreSQL alike (the row's write lock is held
    until the transaction ends, so rolled-back receipts give their numbers back)."""
    last = db.session.execute(
        update(Community)
        .where(Community.id == community_id)
        .values(receipts_issued=Community.receipts_issued + count)
        .returning(Community.receipts_issued)
    ).scalar_one()
    return range(last - count + 1, last + 1)


@dataclass(frozen=True)
class _Issuer:
    """Who issues the evening's receipts, as printed on them from now on."""

    community_id: int
    name: str
    address: str
    invoice_number: str | None


def _issuer(event: Event) -> _Issuer:
    community = db.session.get(Community, event.community_id)
    return _Issuer(
        community.id, community.issuer_name or community.name, community.issuer_address, community.invoice_number
    )


def checked_addressee(text: str) -> str:
    addressee = " ".join((text or "").split())
    if not addressee:
        raise DomainError(_l("Write whom the receipt is made out to: your name or your company's."), field="addressee")
    if len(addressee) > ADDRESSEE_MAX:
        raise DomainError(_l("Keep the addressee to %(max)d characters.", max=ADDRESSEE_MAX), field="addressee")
    return addressee


def _issue(event: Event, owed: list[tuple[Registration, str]], now: datetime) -> list[Receipt]:
    """New receipts of the evening, numbered in order, for these registrations and their addressees."""
    issuer = _issuer(event)
    receipts = [
        Receipt(
            community_id=issuer.community_id,
            number=number,
            registration_id=registration.id,
            addressee=addressee,
            amount=registration.paid_amount,
            tax_rate=TAX_RATE,
            tax=tax_included(registration.paid_amount),
            paid_at=registration.paid_at,
            evening_title=event.title,
            evening_on=local_date(event.starts_at, event.timezone),
            timezone=event.timezone,
            issuer_name=issuer.name,
            issuer_address=issuer.address,
            invoice_number=issuer.invoice_number,
            issued_at=now,
            times_issued=1,
        )
        for number, (registration, addressee) in zip(_next_numbers(issuer.community_id, len(owed)), owed, strict=True)
    ]
    for registration, _ in owed:
        registration.receipt_issued = True  # the payment it names stays recorded (checkin.undo_payment)
    db.session.add_all(receipts)
    db.session.flush()
    return receipts


def _copied(receipt: Receipt) -> Receipt:
    receipt.times_issued += 1  # under the evening's lock: no other writer
    return receipt


def why_no_receipt(event: Event, registration: Registration):
    """Why this registration has no receipt to issue (the evening is free, or
    no fee was taken), or None when it has one."""
    if paid(registration):
        return None
    return FREE if event.fee_yen == 0 else NOT_PAID


def _own_paid_registration(actor, event: Event) -> Registration:
    registration = db.session.scalar(
        select(Registration).where(Registration.event_id == event.id, Registration.user_id == actor.id)
    )
    if registration is None or not event.visible_to(actor):
        raise NotFoundError(EVENT_NOT_FOUND)
    refusal = why_no_receipt(event, registration)
    if refusal is not None:
        raise DomainError(refusal)
    return registration


def issue_receipt(actor, event_id: int, addressee: str, *, now: datetime) -> Receipt:
    """The attendee's receipt for the fee they paid at the door, made out to
    ``addressee``. If it was issued already, this is a copy of it (the
    addressee stays as first typed)."""
    with locked_event(event_id) as event:
        registration = _own_paid_registration(actor, event)
        receipt = receipt_of(registration.id)
        if receipt is not None:
            return _copied(receipt)
        return _issue(event, [(registration, checked_addressee(addressee))], now)[0]


def copy_receipt(actor, event_id: int) -> Receipt:
    """Another copy of the attendee's receipt, marked 再発行."""
    with locked_event(event_id) as event:
        registration = _own_paid_registration(actor, event)
        receipt = receipt_of(registration.id)
        if receipt is None:
            raise DomainError(_l("Your receipt has not been issued yet: write whom it is made out to first."))
        return _copied(receipt)


def issue_evening_receipts(actor, event_id: int, *, now: datetime) -> list[Receipt]:
    """For the evening's hosts: a receipt for everyone whose fee was taken,
    in number order. Those without one get it now, made out to "<name> 様";
    those who have one get a copy, marked 再発行."""
    with locked_event(event_id) as event:
        if not event.managed_by(actor):
            raise NotFoundError(EVENT_NOT_FOUND)
        registrations = _paid_registrations(event.id)
        if not registrations:
            raise DomainError(NOBODY_PAID)
        issued = {
            receipt.registration_id: receipt
            for receipt in db.session.scalars(
                select(Receipt).where(Receipt.registration_id.in_([r.id for r in registrations]))
            )
        }
        copies = [_copied(receipt) for receipt in issued.values()]
        owed = [
            (registration, f"{registration.user.display_name} 様"[:ADDRESSEE_MAX])
            for registration in registrations
            if registration.id not in issued
        ]
        new = _issue(event, owed, now) if owed else []
        return sorted(copies + new, key=lambda receipt: receipt.number)


def _paid_registrations(event_id: int) -> list[Registration]:
    return list(
        db.session.scalars(
            select(Registration)
            .options(joinedload(Registration.user))
            .where(Registration.event_id == event_id, Registration.paid_at.is_not(None), Registration.paid_amount > 0)
            .order_by(Registration.paid_at, Registration.id)
        )
    )
