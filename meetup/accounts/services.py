"""Account operations: each one a transaction that either happens whole or
raises a DomainError and changes nothing.

An address is confirmed (仮登録 → 本登録) by a signed link sent to it; a
forgotten password is replaced through another (meetup.tokens).
Whoever asks learns nothing about which addresses have an account: sign-up,
an address change and a reset request answer alike, and the mail to the
address says which it was.
"""

import unicodedata
from datetime import datetime, timedelta
from functools import cache

import jaconv
from flask import current_app
from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from meetup import tokens
from meetup.accounts.industries import CATALOGUE, OTHER
from meetup.accounts.models import NO_PASSWORD, ContactDetails, LoginSession, User, new_login_session_id
from meetup.accounts.passwords import weakness
from meetup.errors import DomainError
from meetup.extensions import db
from meetup.i18n import lazy_gettext as _l
from meetup.mail import enqueue, external_url
from meetup.mail.services import preferences
from meetup.mail.topics import Topic
from meetup.timeutil import utcnow

PASSWORD_MIN = 8
PASSWORD_MAX = 128


@cache
def _dummy_hash(method: str) -> str:
    """Checked against when the account does not exist, so a failed log-in
    takes the same time whether or not the address is registered."""
    return generate_password_hash("not-a-password", method=method)


class WrongPasswordError(DomainError):
    pass


class LinkError(DomainError):
    """A link from account mail that is forged, too old, or already used."""


CONFIRM_LINK_DEAD = _l("This confirmation link has expired or is no longer valid. Ask for a new one.")
RESET_LINK_DEAD = _l("This link has expired or was already used. Ask for a new one.")


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


def normalise_email(email: str) -> str:
    """One spelling per address: trimmed and case-folded."""
    return email.strip().lower()


def _hash_method() -> str:
    return current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")


def _hash(password: str) -> str:
    return generate_password_hash(password, method=_hash_method())


def _check_password_rules(password: str, *, field: str, personal: tuple) -> None:
    """Every new password, whatever the path (sign-up, change, any later
    reset), passes here: long enough, and not easy to guess."""
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise DomainError(
            _l("Passwords are %(min)d to %(max)d characters long.", min=PASSWORD_MIN, max=PASSWORD_MAX),
            field=field,
        )
    problem = weakness(password, personal=personal)
    if problem is not None:
        raise DomainError(problem, field=field)


def _check_industry(industry: str) -> None:
    if industry not in CATALOGUE:
        raise DomainError(_l("Choose an industry or profession from the list."), field="industry")


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


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
    _check_password_rules(password, field="password", personal=(email, display_name))
    _check_industry(industry)
    # Hashing takes a tenth of a second on purpose: do it before the
    # transaction begins, so no lock is held meanwhile (meetup.database).
    password_hash = _hash(password)
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


def request_password_reset(email: str, *, next_url: str | None = None) -> None:
    """Mail a link to set a new password, if an account has this address;
    otherwise do nothing. The caller answers the same either way."""
    user = find_by_email(email)
    if user is not None and user.is_active:
        payload = {"u": user.id, "p": tokens.password_fingerprint(user.password_hash)}
        token = tokens.make(tokens.RESET_PASSWORD, payload)
        enqueue(user, "password-reset", reset_url=external_url("accounts.reset_password", token=token, next=next_url))
    db.session.commit()


def _password_link_payload(token: str, *, now: datetime) -> dict:
    """A reset link's payload, or a claim link's (the same page sets the password)."""
    for purpose in (tokens.RESET_PASSWORD, tokens.CLAIM_ACCOUNT):
        try:
            return tokens.read(purpose, token, now=now)
        except tokens.BadTokenError:
            pass
    raise LinkError(RESET_LINK_DEAD)


def user_for_reset(token: str, *, now: datetime) -> User:
    """Whose password a reset (or claim) link may set; LinkError if it is
    forged, older than an hour (a claim link: 30 days), or the password
    changed since it was made (it was used)."""
    payload = _password_link_payload(token, now=now)
    user = db.session.get(User, payload.get("u")) if isinstance(payload.get("u"), int) else None
    if user is None or not user.is_active or payload.get("p") != tokens.password_fingerprint(user.password_hash):
        raise LinkError(RESET_LINK_DEAD)
    return user


def reset_password(token: str, *, new_password: str, now: datetime) -> User:
    """Set a new password through a reset link, which then stops working,
    and end every log-in session of the account. The link came to the
    address, so the address counts as confirmed."""
    user = user_for_reset(token, now=now)
    _check_password_rules(new_password, field="password", personal=(user.email, user.display_name))
    user.password_hash = _hash(new_password)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
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
    _check_industry(industry)
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


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None."""
    user = find_by_email(email)
    known = user is not None and user.is_active
    stored_hash = user.password_hash if known else _dummy_hash(_hash_method())
    # The check is slow on purpose: end the read-only transaction first, so
    # that it holds no lock meanwhile (a POST's holds SQLite's write lock,
    # meetup.database).
    db.session.commit()
    return user if check_password_hash(stored_hash, password) and known else None


def update_profile(
    user: User,
    *,
    display_name: str,
    industry: str,
    industry_other: str,
    introduction: str,
    language: str | None,
    name_reading: str | None = None,
) -> None:
    """Save the profile; ``name_reading`` None keeps the reading as it is."""
    _check_industry(industry)
    if name_reading is not None:
        reading = normalise_reading(name_reading)
        if reading is None:
            raise DomainError(READING_NOT_KANA, field="name_reading")
        user.name_reading = reading
    user.display_name = display_name.strip()
    user.industry = industry
    user.industry_other = industry_other.strip() if industry == OTHER else ""
    user.introduction = introduction.strip()
    user.language = language
    db.session.commit()


def set_contacts(user: User, values: dict[str, object]) -> None:
    """Set each contact field and its 'show to my matches' switch, inside the
    caller's transaction (the meet-again page saves them with the ticks)."""
    contacts = user.contacts or ContactDetails(user=user)
    for name in ContactDetails.FIELDS:
        setattr(contacts, name, str(values.get(name) or "").strip())
        setattr(contacts, name + "_shared", bool(values.get(name + "_shared")))
    db.session.add(contacts)


def update_contacts(user: User, values: dict[str, object]) -> None:
    """Set each contact field and its 'show to my matches' switch."""
    set_contacts(user, values)
    db.session.commit()


def set_language(user: User, language: str | None) -> None:
    user.language = language
    db.session.commit()


def read_unsubscribe_link(token: str, *, now: datetime) -> tuple[User, Topic]:
    """Whose mail of which topic a one-click link turns off; UnsubscribeLinkError
    if the link is forged, damaged, made for something else, older than a
    year, or its account was deleted."""
    user_id, topic = preferences.read_unsubscribe_token(token, now=now)
    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        raise preferences.UnsubscribeLinkError
    return user, topic


def unsubscribe(token: str, *, now: datetime) -> tuple[User, Topic]:
    """Follow a one-click link: its topic is off. Following it again changes nothing."""
    user, topic = read_unsubscribe_link(token, now=now)
    preferences.turn_off(user.id, topic, now=now)
    return user, topic


def check_current_password(user: User, password: str) -> None:
    if not check_password_hash(user.password_hash, password):
        raise WrongPasswordError(_l("That is not your current password."), field="current_password")


def change_password(user: User, *, current_password: str, new_password: str, keep_session: str | None) -> None:
    """Set a new password and end every log-in session of this user but
    ``keep_session`` (the one making the change)."""
    check_current_password(user, current_password)
    _check_password_rules(new_password, field="new_password", personal=(user.email, user.display_name))
    user.password_hash = _hash(new_password)
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id, LoginSession.id != keep_session))
    db.session.commit()


def delete_account(user: User, *, password: str) -> None:
    """Scrub the account itself; the row stays so shared history keeps its
    shape. Deleting a member's data in every domain is meetup.privacy's job."""
    check_current_password(user, password)
    user.email = None
    user.password_hash = NO_PASSWORD
    user.display_name = ""
    user.industry = OTHER
    user.industry_other = ""
    user.introduction = ""
    user.language = None
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    user.deleted_at = utcnow()
    if user.contacts is not None:
        db.session.delete(user.contacts)
    db.session.commit()


def _login_session_lifetime() -> timedelta:
    """A log-in lasts at most as long as its remember-me cookie."""
    duration = current_app.config["REMEMBER_COOKIE_DURATION"]
    return duration if isinstance(duration, timedelta) else timedelta(seconds=duration)


def start_login_session(user: User, *, now: datetime) -> str:
    """A new log-in session for ``user`` (its id is set on the user for
    Flask-Login); this user's expired sessions are cleared out on the way."""
    db.session.execute(
        delete(LoginSession).where(
            LoginSession.user_id == user.id, LoginSession.created_at <= now - _login_session_lifetime()
        )
    )
    session_id = new_login_session_id()
    db.session.add(LoginSession(id=session_id, user_id=user.id, created_at=now))
    db.session.commit()
    user.login_session_id = session_id
    return session_id


def load_login_session(session_id: str, *, now: datetime) -> User | None:
    """Flask-Login's loader: the active user of a log-in session that has
    neither ended nor expired, else None."""
    if len(session_id) > 64:
        return None
    user = db.session.scalar(
        select(User)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(
            LoginSession.id == session_id,
            LoginSession.created_at > now - _login_session_lifetime(),
            User.deleted_at.is_(None),
        )
    )
    if user is not None:
        user.login_session_id = session_id
    return user


def end_login_session(session_id: str | None) -> None:
    """Log out: this session's cookies, and every copy of them, stop working."""
    db.session.execute(delete(LoginSession).where(LoginSession.id == session_id))
    db.session.commit()


def make_admin(email: str) -> User:
    user = find_by_email(email)
    if user is None:
        raise DomainError(_l("No account with the email address %(email)s.", email=normalise_email(email)))
    user.is_admin = True
    db.session.commit()
    return user


def count_users() -> int:
    return db.session.scalar(select(func.count()).select_from(User)) or 0
