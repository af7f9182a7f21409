"""Reading receipts: whether a fee was paid, a registration's receipt, and
what a receipt's pages print (with its evening's title and date)."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from meetup.events.models import Event, Registration
from meetup.events.timezones import to_local
from meetup.extensions import db
from meetup.receipts.models import Receipt


def paid(registration: Registration | None) -> bool:
    """Whether a fee was taken at the door for this registration (a receipt can be issued)."""
    return registration is not None and registration.paid_at is not None and (registration.paid_amount or 0) > 0


def receipt_of(registration_id: int) -> Receipt | None:
    return db.session.scalar(select(Receipt).where(Receipt.registration_id == registration_id))


@dataclass(frozen=True)
class ReceiptPage:
    """Everything one printed receipt says."""

    number: int
    addressee: str
    amount: int
    tax_rate: int
    tax: int
    paid_on: date
    issued_on: date
    evening_title: str
    evening_on: date
    issuer_name: str
    issuer_address: str
    invoice_number: str | None
    copy: bool  # a re-issue: marked 再発行


def _local_date(moment: datetime, zone: str) -> date:
    return to_local(moment, zone).date()


def receipt_pages(receipts: list[Receipt]) -> list[ReceiptPage]:
    """The pages of these receipts, in the order given (one query for their evenings)."""
    rows = db.session.execute(
        select(Receipt.id, Event.title, Event.starts_at, Event.timezone)
        .join(Registration, Registration.id == Receipt.registration_id)
        .join(Event, Event.id == Registration.event_id)
        .where(Receipt.id.in_([receipt.id for receipt in receipts]))
    ).all()
    evenings = {row.id: row for row in rows}
    pages = []
    for receipt in receipts:
        evening = evenings[receipt.id]
        pages.append(
            ReceiptPage(
                number=receipt.number,
                addressee=receipt.addressee,
                amount=receipt.amount,
                tax_rate=receipt.tax_rate,
                tax=receipt.tax,
                paid_on=_local_date(receipt.paid_at, evening.timezone),
                issued_on=_local_date(receipt.issued_at, evening.timezone),
                evening_title=evening.title,
                evening_on=_local_date(evening.starts_at, evening.timezone),
                issuer_name=receipt.issuer_name,
                issuer_address=receipt.issuer_address,
                invoice_number=receipt.invoice_number,
                copy=receipt.times_issued > 1,
            )
        )
    return pages
