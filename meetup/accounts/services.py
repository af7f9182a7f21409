"""Account operations: each one a transaction that either happens whole or
raises a DomainError and changes nothing."""

from datetime import datetime, timedelta
from functools import cache

from flask import current_app
from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from meetup.accounts.industries import CATALOGUE, OTHER
from meetup.accounts.models import ContactDetails, LoginSession, User, new_login_session_id
from meetup.accounts.passwords import weakness
from meetup.errors import DomainError
from meetup.extensions import db
from meetup.i18n import lazy_gettext as _l
from meetup.timeutil import utcnow

PASSWORD_MIN = 8
PASSWORD_MAX = 128


@cache
def _dummy_hash(method: str) -> str:
    """Checked against when the account does not exist, so a failed log-in
    takes the same time whether or not the address is registered."""
    return generate_password_hash("not-a-password", method=method)


class EmailTakenError(DomainError):
    pass


class WrongPasswordError(DomainError):
    pass


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
) -> User:
    _check_password_rules(password, field="password", personal=(email, display_name))
    _check_industry(industry)
    # Hashing takes a tenth of a second on purpose: do it before the
    # transaction begins, so no lock is held meanwhile (meetup.database).
    password_hash = _hash(password)
    email = normalise_email(email)
    if find_by_email(email) is not None:
        raise EmailTakenError(_l("An account with this email address already exists."), field="email")
    user = User(
        email=email,
        password_hash=password_hash,
        display_name=display_name.strip(),
        industry=industry,
        industry_other=industry_other.strip() if industry == OTHER else "",
        introduction=introduction.strip(),
        language=language,
        contacts=ContactDetails(),
    )
    db.session.add(user)
    db.session.commit()
    return user


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
    user: User, *, display_name: str, industry: str, industry_other: str, introduction: str, language: str | None
) -> None:
    _check_industry(industry)
    user.display_name = display_name.strip()
    user.industry = industry
    user.industry_other = industry_other.strip() if industry == OTHER else ""
    user.introduction = introduction.strip()
    user.language = language
    db.session.commit()


def update_contacts(user: User, values: dict[str, object]) -> None:
    """Set each contact field and its 'show to my matches' switch."""
    contacts = user.contacts or ContactDetails(user=user)
    for name in ContactDetails.FIELDS:
        setattr(contacts, name, str(values.get(name) or "").strip())
        setattr(contacts, name + "_shared", bool(values.get(name + "_shared")))
    db.session.add(contacts)
    db.session.commit()


def set_language(user: User, language: str | None) -> None:
    user.language = language
    db.session.commit()


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
    user.password_hash = "!"  # matches no password
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
