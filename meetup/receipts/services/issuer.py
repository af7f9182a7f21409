"""Who issues a community's receipts: the name as registered for qualified
invoices (適格請求書), an address, and the registration number if it has one.

The number is checked for its form only ("T" and 13 digits): the National Tax
Agency says a corporation's number is "T" and its corporate number, but an
individual's 13 digits are a number of its own, not a My Number, and it
publishes no check digit for those (invoice-kohyo.nta.go.jp/about-toroku/).
"""

import re
import unicodedata
from dataclasses import dataclass

from meetup.communities.models import ISSUER_ADDRESS_MAX, ISSUER_NAME_MAX, Community
from meetup.communities.queries import managed_community
from meetup.errors import DomainError
from meetup.extensions import db
from meetup.i18n import lazy_gettext as _l

# What people type between the digits: spaces and every kind of dash, the
# katakana long-vowel mark included (a Japanese keyboard's "-" often gives it).
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−ー]+")
_NUMBER = re.compile(r"T[0-9]{13}")

NOT_A_NUMBER = _l("A registration number is T followed by 13 digits, for example T1234567890123.")


@dataclass
class IssuerDetails:
    name: str = ""
    address: str = ""
    invoice_number: str = ""


def normalise_invoice_number(text: str) -> str | None:
    """``T`` and 13 digits, however typed (full-width, lower-case t, spaces or
    hyphens between the digits); None for an empty entry. Anything else is
    refused with a message."""
    compact = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text or ""))
    if not compact:
        return None
    compact = compact[:1].upper() + compact[1:]
    if not _NUMBER.fullmatch(compact):
        raise DomainError(NOT_A_NUMBER, field="invoice_number")
    return compact


def _checked(details: IssuerDetails) -> IssuerDetails:
    name = details.name.strip()
    address = "\n".join(line.strip() for line in details.address.strip().splitlines() if line.strip())
    number = normalise_invoice_number(details.invoice_number)
    if len(name) > ISSUER_NAME_MAX:
        raise DomainError(_l("Keep the name to %(max)d characters.", max=ISSUER_NAME_MAX), field="issuer_name")
    if len(address) > ISSUER_ADDRESS_MAX:
        raise DomainError(_l("Keep the address to %(max)d characters.", max=ISSUER_ADDRESS_MAX), field="issuer_address")
    if number and not name:
        raise DomainError(
            _l("Give the name the registration number is registered to: a qualified invoice shows both."),
            field="issuer_name",
        )
    return IssuerDetails(name, address, number or "")


def update_issuer(actor, community_id: int, details: IssuerDetails) -> Community:
    """The owner or a co-host records who issues the community's receipts;
    receipts issued before keep the details they were issued with."""
    community = managed_community(actor, community_id)
    details = _checked(details)
    community.issuer_name = details.name
    community.issuer_address = details.address
    community.invoice_number = details.invoice_number or None
    db.session.commit()
    return community
