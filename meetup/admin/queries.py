"""What the admin pages list: users (with a search) and events, newest
first, each in one query and capped so a page stays small."""

from sqlalchemy import func, or_, select

from meetup.accounts.models import User
from meetup.events.models import Event
from meetup.extensions import db

LIST_LIMIT = 200
SEARCH_MAX = 100


def users(search: str = "") -> list[User]:
    """Accounts whose name or email contains ``search`` (all if empty), newest first."""
    statement = select(User).order_by(User.created_at.desc(), User.id.desc()).limit(LIST_LIMIT)
    text = search.strip()[:SEARCH_MAX].lower()
    if text:
        statement = statement.where(
            or_(
                func.lower(User.display_name).contains(text, autoescape=True),
                func.lower(User.email).contains(text, autoescape=True),
            )
        )
    return list(db.session.scalars(statement))


def events() -> list[Event]:
    """Every event on the platform with its host, latest start first."""
    return list(db.session.scalars(select(Event).order_by(Event.starts_at.desc(), Event.id.desc()).limit(LIST_LIMIT)))
