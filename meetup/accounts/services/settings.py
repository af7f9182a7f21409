"""What a person changes about their own account: profile, contact details,
language, mail they no longer want, and deleting the account; and making an
account an administrator (a command)."""

from datetime import datetime

from sqlalchemy import delete

from meetup.accounts.industries import OTHER
from meetup.accounts.models import NO_PASSWORD, ContactDetails, LoginSession, User
from meetup.accounts.services.credentials import check_current_password, find_by_email, normalise_email
from meetup.accounts.services.signups import READING_NOT_KANA, check_industry, normalise_reading
from meetup.errors import DomainError
from meetup.extensions import db
from meetup.i18n import lazy_gettext as _l
from meetup.mail.services import preferences
from meetup.mail.topics import Topic
from meetup.timeutil import utcnow


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
    check_industry(industry)
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


def make_admin(email: str) -> User:
    user = find_by_email(email)
    if user is None:
        raise DomainError(_l("No account with the email address %(email)s.", email=normalise_email(email)))
    user.is_admin = True
    db.session.commit()
    return user
