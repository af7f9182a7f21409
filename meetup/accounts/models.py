"""Users, their log-in sessions and their private contact details."""

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetup.extensions import db
from meetup.timeutil import utcnow

EMAIL_MAX = 254
NAME_MAX = 80
INTRO_MAX = 1000
# The password hash of an account nobody can log in to: a deleted one, or one
# the host made for a walk-in that its owner has not claimed yet. It matches
# no password (werkzeug finds no method in it).
NO_PASSWORD = "!"


def new_login_session_id() -> str:
    return secrets.token_urlsafe(32)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("language IN ('en', 'ja')", name="language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored normalised (see services.normalise_email); NULL once deleted.
    email: Mapped[str | None] = mapped_column(String(EMAIL_MAX), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(NAME_MAX))
    # フリガナ: the name's reading in katakana, or "" (see services.signups.normalise_reading).
    name_reading: Mapped[str] = mapped_column(String(NAME_MAX), default="", server_default="")
    industry: Mapped[str] = mapped_column(String(40))
    industry_other: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    introduction: Mapped[str] = mapped_column(Text, default="")
    # None: follow the browser's Accept-Language.
    language: Mapped[str | None] = mapped_column(String(2))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the person proved the address is theirs (仮登録 → 本登録); None until then.
    email_confirmed_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]

    contacts: Mapped["ContactDetails | None"] = relationship(
        back_populates="user", cascade="all, delete-orphan", uselist=False
    )

    # The LoginSession this request runs under (set when it is started or
    # loaded): Flask-Login puts it in the session and remember cookies.
    login_session_id = None

    def get_id(self) -> str:
        if self.login_session_id is None:
            raise RuntimeError("log in through accounts.services.login_sessions.start_login_session")
        return self.login_session_id

    @property
    def is_active(self) -> bool:
        return self.deleted_at is None

    @property
    def has_password(self) -> bool:
        """False for a walk-in's account until they claim it by choosing one."""
        return self.password_hash != NO_PASSWORD

    # Flask-Login's mixin compares users by get_id(), which names a log-in,
    # not a person. A session holds one object per row (SQLAlchemy's identity
    # map): compare objects.
    __eq__ = object.__eq__
    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class LoginSession(db.Model):
    """One log-in on one device. Its random id is all the session and
    remember cookies carry: logging out deletes the row, so a copy of either
    cookie is refused afterwards, while the person's other devices stay
    logged in."""

    __tablename__ = "login_sessions"
    __table_args__ = (Index("ix_login_sessions_user_id", "user_id"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime]


class ContactDetails(db.Model):
    """Ways to reach a user, each shown only to mutual matches and only if opted in."""

    __tablename__ = "contact_details"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), default="")
    email_shared: Mapped[bool] = mapped_column(default=False)
    phone: Mapped[str] = mapped_column(String(40), default="")
    phone_shared: Mapped[bool] = mapped_column(default=False)
    line_id: Mapped[str] = mapped_column(String(60), default="")
    line_id_shared: Mapped[bool] = mapped_column(default=False)
    website: Mapped[str] = mapped_column(String(300), default="")
    website_shared: Mapped[bool] = mapped_column(default=False)
    other: Mapped[str] = mapped_column(String(500), default="")
    other_shared: Mapped[bool] = mapped_column(default=False)

    user: Mapped[User] = relationship(back_populates="contacts")

    FIELDS = ("email", "phone", "line_id", "website", "other")

    def shared_with_matches(self) -> dict[str, str]:
        """The filled-in fields this user opted to show to matches."""
        return {f: getattr(self, f) for f in self.FIELDS if getattr(self, f + "_shared") and getattr(self, f)}
