"""A receipt for one person's fee, as it was issued.

What a receipt says is fixed when it is first issued: the evening's title,
date and time zone and the issuer's details and registration number are
copied in, so a copy printed later reads the same even after the host renames
the evening or the community changes its details. Numbers run 1, 2, 3...
per community (``Community.receipts_issued`` is the counter).
"""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetup.communities.models import INVOICE_NUMBER_LENGTH, ISSUER_ADDRESS_MAX, ISSUER_NAME_MAX
from meetup.events.models import TIMEZONE_MAX, TITLE_MAX, Registration
from meetup.extensions import db

ADDRESSEE_MAX = 100
TAX_RATE = 10  # percent: the standard rate, which a fee for an evening's gathering is charged at


class Receipt(db.Model):
    __tablename__ = "receipts"
    __table_args__ = (
        UniqueConstraint("community_id", "number"),
        UniqueConstraint("registration_id"),
        CheckConstraint("number >= 1", name="number"),
        CheckConstraint("amount > 0", name="amount"),
        CheckConstraint("tax >= 0 AND tax < amount", name="tax"),
        CheckConstraint("times_issued >= 1", name="times_issued"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    number: Mapped[int]
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id"))
    addressee: Mapped[str] = mapped_column(String(ADDRESSEE_MAX))  # e.g. "株式会社〇〇 御中"
    amount: Mapped[int]  # yen, tax included
    tax_rate: Mapped[int]  # percent
    tax: Mapped[int]  # yen: the consumption tax included in ``amount``
    paid_at: Mapped[datetime]
    evening_title: Mapped[str] = mapped_column(String(TITLE_MAX))
    evening_on: Mapped[date]  # the evening's date where it was held
    timezone: Mapped[str] = mapped_column(String(TIMEZONE_MAX))  # the evening's: its dates print in it
    issuer_name: Mapped[str] = mapped_column(String(ISSUER_NAME_MAX))
    issuer_address: Mapped[str] = mapped_column(String(ISSUER_ADDRESS_MAX))
    invoice_number: Mapped[str | None] = mapped_column(String(INVOICE_NUMBER_LENGTH))
    issued_at: Mapped[datetime]
    # 1 for the original; every later copy is marked 再発行 (re-issued).
    times_issued: Mapped[int] = mapped_column(default=1)

    registration: Mapped[Registration] = relationship()

    def __repr__(self) -> str:
        return f"<Receipt {self.community_id}-{self.number}>"
