"""Reading receipts: whether a fee was paid, a registration's receipt, and
what a receipt's pages print."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from meetup.events.models import Registration
from meetup.events.timezones import local_date
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


def receipt_pages(receipts: list[Receipt]) -> list[ReceiptPage]:
    """The pages of these receipts, in the order given: what each said when it was issued."""
    return [
        ReceiptPage(
            number=receipt.number,
            addressee=receipt.addressee,
            amount=receipt.amount,
            tax_rate=receipt.tax_rate,
            tax=receipt.tax,
            paid_on=local_date(receipt.paid_at, receipt.timezone),
            issued_on=local_date(receipt.issued_at, receipt.timezone),
            evening_title=receipt.evening_title,
            evening_on=receipt.evening_on,
            issuer_name=receipt.issuer_name,
            issuer_address=receipt.issuer_address,
            invoice_number=receipt.invoice_number,
            copy=receipt.times_issued > 1,
        )
        for receipt in receipts
    ]
