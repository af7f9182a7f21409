"""Signing up, and confirming an address (仮登録 → 本登録) by a signed link sent to
it (meetup.tokens); changing the address the same way; accounts a host makes
for a walk-in, claimed through a link.

Whoever asks learns nothing about which addresses have an account: sign-up and
an address change answer alike, and the mail to the address says which it was.
"""

import unicodedata
from datetime import datetime

import jaconv

from meetup import tokens
from meetup.accounts.industries import CATALOGUE, OTHER
from meetup.accounts.models import NO_PASSWORD, ContactDetails, User
from meetup.accounts.services.credentials import (
    check_current_password,
    check_password_rules,
    find_by_email,
    hash_password,
    normalise_email,
)
from meetup.errors import DomainError
from meetup.extensions import db
from meetup.i18n import lazy_gettext as _l
from meetup.mail import enqueue, external_url


class LinkError(DomainError):
    """A link from account mail that is forged, too old, or already used."""


CONFIRM_LINK_DEAD = _l("This confirmation link has expired or is no longer valid. Ask for a new one.")

READING_NOT_KANA = _l("Write the reading in katakana or hiragana, for example ヤマダ エミ.")


def normalise_reading(text: str) -> str | None:
    """A name's reading (フリガナ) as stored: full-width katakana, words apart
    by one space, "" for none; None when it is not kana. Hiragana, half-width
    katakana and spaces of any width are accepted: NFKC makes half-width
    katakana full-width, and jaconv (maintained conversion tables) turns
    hiragana into katakana."""
    text = jaconv.hira2kata(" ".join(unicodedata.normalize("NFKC", text).split()))
    # Katakana letters, ー and ・ all carry "KATAKANA" in their Unicode names.
    return text if all(ch == " " or unicodedata.name(ch, "").startswith("KATAKANA") for ch in text) else None


def check_industry(industry: str) -> None:
    if industry not in CATALOGUE:
        raise DomainError(_l("Choose an industry or profession from the list."), field="industry")


def sign_up(
    *,
    email: str,
    password: str,
    display_name: str,
    industry: str,
    industry_other: str = "",
    introduction: str = "",
    language: str | None = None,
    next_url: str | None = None,
    confirmed_at: datetime | None = None,
) -> User | None:
    """A new account, unconfirmed, and a mail with a link to confirm it
    (leading on to ``next_url``); or, when the address has an account
    already, no new one (None) and a mail to that address saying so.

    ``confirmed_at``: the address is known to be the person's already (demo
    data, tests): the account is confirmed from then, and no mail is sent."""
    check_password_rules(password, field="password", personal=(email, display_name))
    check_industry(industry)
    # Hashing takes a tenth of a second on purpose: do it before the
    # transaction begins, so no lock is held meanwhile (meetup.database).
    password_hash = hash_password(password)
    email = normalise_email(email)
    existing = find_by_email(email)
    if existing is not None:
        _tell_account_exists(existing, next_url=next_url)
        db.session.commit()
        return None
    user = User(
        email=email,
        password_hash=password_hash,
        display_name=display_name.strip(),
        industry=industry,
        industry_other=industry_other.strip() if industry == OTHER else "",
        introduction=introduction.strip(),
        language=language,
        contacts=ContactDetails(),
        email_confirmed_at=confirmed_at,
    )
    db.session.add(user)
    if confirmed_at is None:
        db.session.flush()  # the link names the user's id
        _send_confirmation(user, email, next_url=next_url)
    db.session.commit()
    return user


def _tell_account_exists(user: User, *, next_url: str | None) -> None:
    enqueue(
        user,
        "account-exists",
        login_url=external_url("accounts.login", next=next_url),
        reset_url=external_url("accounts.forgot_password"),
    )


def _send_confirmation(user: User, address: str, *, next_url: str | None = None) -> None:
    """A link, to ``address``, that makes it the user's confirmed address."""
    token = tokens.make(tokens.CONFIRM_EMAIL, {"u": user.id, "e": address, "f": user.email})
    enqueue(
        user,
        "account-confirm",
        to=address,
        confirm_url=external_url("accounts.confirm_email", token=token, next=next_url),
        changing=address != user.email,
        address=address,
    )


def resend_confirmation(user: User, *, next_url: str | None = None) -> None:
    if user.email_confirmed_at is not None:
        raise DomainError(_l("Your email address is confirmed already."))
    _send_confirmation(user, user.email, next_url=next_url)
    db.session.commit()


def request_email_change(user: User, *, new_email: str, password: str) -> None:
    """Send a link to ``new_email`` that makes it the user's address; until
    it is followed, nothing changes. If another account has that address, the
    mail to it says so instead (the person asking is told the same)."""
    check_current_password(user, password)
    new_email = normalise_email(new_email)
    if new_email == user.email:
        raise DomainError(_l("That is your address already."), field="email")
    other = find_by_email(new_email)
    if other is not None:
        _tell_account_exists(other, next_url=None)
    else:
        _send_confirmation(user, new_email)
    db.session.commit()


def read_confirmation(token: str, *, now: datetime) -> tuple[User, str]:
    """The user and the address a confirmation link would confirm; LinkError
    if it is forged, older than a day, or made before the account's address
    changed."""
    try:
        payload = tokens.read(tokens.CONFIRM_EMAIL, token, now=now)
    except tokens.BadTokenError:
        raise LinkError(CONFIRM_LINK_DEAD) from None
    user = db.session.get(User, payload.get("u")) if isinstance(payload.get("u"), int) else None
    address = payload.get("e")
    if user is None or not user.is_active or not isinstance(address, str):
        raise LinkError(CONFIRM_LINK_DEAD)
    already = user.email == address and user.email_confirmed_at is not None
    if not already and user.email != payload.get("f"):
        raise LinkError(CONFIRM_LINK_DEAD)
    return user, address


def confirm_email(token: str, *, now: datetime) -> User:
    """Follow a confirmation link: the address it carries becomes the
    account's confirmed address. Following it again changes nothing."""
    user, address = read_confirmation(token, now=now)
    if user.email == address and user.email_confirmed_at is not None:
        db.session.commit()
        return user
    if user.email != address and find_by_email(address) is not None:
        raise LinkError(_l("Another account uses this address now; your address was not changed."))
    user.email = address
    user.email_confirmed_at = now
    db.session.commit()
    return user


def add_unclaimed_account(
    *, display_name: str, name_reading: str, industry: str, industry_other: str, email: str, language: str | None
) -> User:
    """An account the host makes for a walk-in at the door, added in the
    caller's transaction: nobody can log in to it (it has no password) until
    its owner claims it through a link mailed to ``email`` (``claim_url``),
    and without an address nobody ever can. Its address counts as confirmed
    only once claimed, so it gets no mail but the claim link meanwhile."""
    check_industry(industry)
    reading = normalise_reading(name_reading)
    if reading is None:
        raise DomainError(READING_NOT_KANA, field="name_reading")
    display_name = display_name.strip()
    if not display_name:
        raise DomainError(_l("Enter the person's name."), field="display_name")
    user = User(
        email=normalise_email(email) or None,
        password_hash=NO_PASSWORD,
        display_name=display_name,
        name_reading=reading,
        industry=industry,
        industry_other=industry_other.strip() if industry == OTHER else "",
        language=language,
        contacts=ContactDetails(),
    )
    db.session.add(user)
    db.session.flush()  # the claim link and the registration name the user's id
    return user


def claim_url(user: User) -> str:
    """The link that lets an unclaimed account's owner choose its password;
    it stops working once they have (see tokens)."""
    token = tokens.make(tokens.CLAIM_ACCOUNT, {"u": user.id, "p": tokens.password_fingerprint(user.password_hash)})
    return external_url("accounts.reset_password", token=token)
