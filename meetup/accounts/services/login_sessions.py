"""Log-in sessions kept in the database, so logging out ends a log-in for good
(a copied cookie no longer works) and a password change or reset ends the others."""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select

from meetup.accounts.models import LoginSession, User, new_login_session_id
from meetup.extensions import db


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
