"""Addresses and passwords: finding an account by its address, the rules every
new password passes, hashing, logging in and changing the password.

A failed log-in takes the same time whether or not the address has an account."""

from functools import cache

from flask import current_app
from sqlalchemy import delete, select
from werkzeug.security import check_password_hash, generate_password_hash

from meetup.accounts.models import LoginSession, User
from meetup.accounts.passwords import weakness
from meetup.errors import DomainError
from meetup.extensions import db
from meetup.i18n import lazy_gettext as _l

PASSWORD_MIN = 8
PASSWORD_MAX = 128


@cache
def _dummy_hash(method: str) -> str:
    """Checked against when the account does not exist, so a failed log-in
    takes the same time whether or not the address is registered."""
    return generate_password_hash("not-a-password", method=method)


class WrongPasswordError(DomainError):
    pass


def normalise_email(email: str) -> str:
    """One spelling per address: trimmed and case-folded."""
    return email.strip().lower()


def _hash_method() -> str:
    return current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=_hash_method())


def check_password_rules(password: str, *, field: str, personal: tuple) -> None:
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


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


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


def check_current_password(user: User, password: str) -> None:
    if not check_password_hash(user.password_hash, password):
        raise WrongPasswordError(_l("That is not your current password."), field="current_password")


def change_password(user: User, *, current_password: str, new_password: str, keep_session: str | None) -> None:
    """Set a new password and end every log-in session of this user but
    ``keep_session`` (the one making the change)."""
    check_current_password(user, current_password)
    check_password_rules(new_password, field="new_password", personal=(user.email, user.display_name))
    user.password_hash = hash_password(new_password)
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id, LoginSession.id != keep_session))
    db.session.commit()
