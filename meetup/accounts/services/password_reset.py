"""A forgotten password, replaced through a signed link mailed to the address.

The person asking is answered the same whether or not the address has an
account; the link stops working once the password has changed."""

from datetime import datetime

from sqlalchemy import delete

from meetup import tokens
from meetup.accounts.models import LoginSession, User
from meetup.accounts.services.credentials import check_password_rules, find_by_email, hash_password
from meetup.accounts.services.signups import LinkError
from meetup.extensions import db
from meetup.i18n import lazy_gettext as _l
from meetup.mail import enqueue, external_url

RESET_LINK_DEAD = _l("This link has expired or was already used. Ask for a new one.")


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
    check_password_rules(new_password, field="password", personal=(user.email, user.display_name))
    user.password_hash = hash_password(new_password)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    db.session.commit()
    return user
